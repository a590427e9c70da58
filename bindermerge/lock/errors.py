"""The errors of locking, in a module of their own.

The backends, the renderer and the glue raise these; :mod:`bindermerge.lock` re-exports them as
the public API. Keeping them here, importing nothing but :mod:`bindermerge.errors`, means no
module of the package has to import the package's ``__init__`` (or a backend) to raise one:
``import bindermerge.lock.rattler_backend`` works on its own, and the fast paths that only
catch these errors stay cheap.

::

    BinderMergeError
    └── LockError                    the merged environment cannot be locked
        ├── UnsatisfiableError       no set of packages satisfies the merged specs
        ├── ChannelUnreachableError  a channel cannot be read
        ├── NoSolverError            the requested backend is not available here
        └── LockExtraMissingError    conda-lock / ensureconda are not installed
"""

from __future__ import annotations

from collections.abc import Sequence

from bindermerge.errors import BinderMergeError

__all__ = [
    "LOCK_EXTRA",
    "ChannelUnreachableError",
    "LockError",
    "LockExtraMissingError",
    "NoSolverError",
    "StaleLock",
    "UnsatisfiableError",
]

# What to install for --lock; the one spelling used by the error and the docs.
LOCK_EXTRA = "bindermerge[lock]"


class LockError(BinderMergeError):
    """The merged environment could not be locked."""


class UnsatisfiableError(LockError):
    """No set of packages satisfies the merged specs.

    ``explanation`` is the solver's own account (which spec needs what), ``platform`` the
    platform that failed and ``specs`` the conda specs that were solved. ``packages`` are the
    requested packages the explanation names and ``sources`` the merge sources that asked for
    them, in source order, read from the merge's provenance (empty when the caller gave none,
    for example a :class:`~bindermerge.lock.LockSpec` built by hand).
    """

    def __init__(
        self,
        platform: str,
        specs: Sequence[str],
        explanation: str,
        *,
        packages: Sequence[str] = (),
        sources: Sequence[str] = (),
    ):
        self.platform = platform
        self.specs = tuple(specs)
        self.explanation = explanation.strip()
        self.packages = tuple(packages)
        self.sources = tuple(sources)
        by = f"; asked for by {', '.join(self.sources)}" if self.sources else ""
        super().__init__(
            f"the merged environment cannot be solved for {platform} "
            f"(specs: {', '.join(self.specs)}{by}):\n{self.explanation}"
        )

    def with_provenance(
        self, packages: Sequence[str], sources: Sequence[str]
    ) -> UnsatisfiableError:
        """The same error, naming the packages involved and the sources that asked for them."""
        return UnsatisfiableError(
            self.platform, self.specs, self.explanation, packages=packages, sources=sources
        )


class ChannelUnreachableError(LockError):
    """A channel could not be read (missing, offline, not a conda channel)."""

    def __init__(self, channel: str, reason: str):
        self.channel = channel
        self.reason = reason.strip()
        super().__init__(f"channel {channel!r} cannot be reached: {self.reason}")


class NoSolverError(LockError):
    """The requested backend is not available on this machine."""


class LockExtraMissingError(LockError):
    """Solving needs conda-lock and ensureconda, which ``pip install bindermerge`` leaves out.

    ``missing`` names the distributions that could not be imported.
    """

    def __init__(self, missing: Sequence[str]):
        self.missing = tuple(missing)
        names = " and ".join(self.missing)
        verb = "is" if len(self.missing) == 1 else "are"
        super().__init__(
            f"--lock needs {names}, which {verb} not installed: "
            f"install {LOCK_EXTRA} (pip install '{LOCK_EXTRA}')"
        )


class StaleLock(Exception):
    """Raised instead of solving when ``solve=False`` and the existing lock does not match.

    Not a :class:`LockError`: nothing failed, the output is out of date (exit 1, not 2).
    """
