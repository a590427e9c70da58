"""Exceptions with messages a person can act on.

Every bad input ends in :class:`InputError`: one line naming the file (and line when known).
The command line turns it into exit code 2 without a traceback.
"""

from __future__ import annotations

from bindermerge.model import Origin


class BinderMergeError(Exception):
    """Base class of every error bindermerge raises on purpose."""


class InputError(BinderMergeError):
    """A source cannot be read or merged as it is.

    ``origin`` names the file (and line); ``str(error)`` is the one-line message.
    """

    def __init__(self, message: str, origin: Origin | None = None, *, path: str | None = None):
        self.reason = message
        self.origin = origin
        self.path = path if path is not None else (origin.path if origin else None)
        super().__init__(self._render())

    def _render(self) -> str:
        if self.origin is not None:
            return f"{self.origin.where()}: {self.reason}"
        if self.path:
            return f"{self.path}: {self.reason}"
        return self.reason


class OutputError(BinderMergeError):
    """The output directory cannot be written as asked (not ours, not a directory, ...)."""
