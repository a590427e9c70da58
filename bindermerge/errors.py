"""Exceptions with messages a person can act on, in one hierarchy.

Every error bindermerge raises on purpose is a :class:`BinderMergeError`. Library callers tell
them apart by class, never by matching strings::

    BinderMergeError
    ├── UsageError              options that do not fit together
    ├── InputError              a source cannot be merged as it is (origin: file and line)
    │   ├── ParseError          a file that cannot be read as its kind (YAML, TOML, a spec)
    │   ├── RefusedFileError    a file that makes a source unmergeable (Dockerfile, Pipfile)
    │   ├── UnsafePathError     a symlink or include that leaves the source
    │   └── SourceError         the source itself cannot be opened (missing, both binder dirs)
    │       └── UnreachableSourceError   a remote source that cannot be fetched
    ├── OutputError             the output directory cannot be written as asked
    └── bindermerge.lock.errors.LockError   the merged environment cannot be locked

The command line turns each into one line and exit code 2 (1 for an unsatisfiable lock),
without a traceback.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast --check path avoids importing typing
if TYPE_CHECKING:
    from bindermerge.model import Origin


class BinderMergeError(Exception):
    """Base class of every error bindermerge raises on purpose."""


class UsageError(BinderMergeError):
    """Options or arguments that do not fit together (exit code 2)."""


class InputError(BinderMergeError):
    """A source cannot be read or merged as it is.

    ``origin`` names the file (and line); ``path`` is the path a person can open when there is
    no origin; ``reason`` is the message without the location; ``str(error)`` is the one-line
    message with it.
    """

    def __init__(self, message: str, origin: Origin | None = None, *, path: str | None = None):
        self.reason = message
        self.origin = origin
        self.path = path if path is not None else (origin.path if origin else None)
        super().__init__(self._render())

    @property
    def line(self) -> int | None:
        """The 1-based line the error is at, when known."""
        return self.origin.line if self.origin is not None else None

    def _render(self) -> str:
        if self.origin is not None:
            return f"{self.origin.where()}: {self.reason}"
        if self.path:
            return f"{self.path}: {self.reason}"
        return self.reason


class ParseError(InputError):
    """A file that cannot be read as its kind: invalid YAML or TOML, a bad spec or requirement."""


class RefusedFileError(InputError):
    """A file whose presence makes the source impossible to merge (repo2docker would use it
    verbatim or fail on it): Dockerfile, default.nix, REQUIRE, Pipfile, a root package."""


class UnsafePathError(InputError):
    """A symlink, include or path that would read outside the source as given."""


class SourceError(InputError):
    """The source itself cannot be opened: missing, not a directory, both binder dirs, ..."""


class UnreachableSourceError(SourceError):
    """A remote source that cannot be fetched (network, authentication, unknown ref)."""


class OutputError(BinderMergeError):
    """The output directory cannot be written as asked (not ours, not a directory, ...)."""
