"""Value types shared by every file kind: where a piece of text came from, conflicts, warnings.

They are frozen dataclasses so that a report can be sorted, compared, de-duplicated and
serialised to JSON the same way by the command line, the JSON report and library callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

OnConflict = Literal["fail", "first", "last"]
ON_CONFLICT_CHOICES: tuple[OnConflict, ...] = ("fail", "first", "last")
Level = Literal["warning", "info"]


@dataclass(frozen=True, order=True)
class Origin:
    """One place in one source: the source's name, the file's path and a 1-based line.

    ``source`` is the name of the directory given on the command line, ``file`` is the path
    relative to that source's binder directory (``apt.txt``), and ``path`` is the path a
    person can open (``examples/binder_db/binder/apt.txt``). ``line`` is ``None`` for
    whole-file facts. ``text`` is what the source asked for at that place.
    """

    source: str
    file: str
    path: str
    line: int | None = None
    text: str = ""
    # True when the file lives in a directory named binder/ or .binder/ (the real one, however
    # the source was typed): repo2docker reads root-only files (setup.py, ...) differently there.
    in_binder_dir: bool = field(default=False, compare=False)

    def where(self) -> str:
        """``path:line`` (or ``path``), the form editors and terminals turn into links."""
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def at(self, line: int | None, text: str = "") -> Origin:
        """The same file at another line."""
        return Origin(self.source, self.file, self.path, line, text, self.in_binder_dir)

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "file": self.file,
            "path": self.path,
            "line": self.line,
            "text": self.text,
        }


@dataclass(frozen=True, order=True)
class Conflict:
    """Two or more sources asked for incompatible things under the same key.

    ``kind`` is the file kind (``apt``, ``requirements``, ...), ``file`` the output file it
    concerns, ``key`` the package or option, ``sides`` one :class:`Origin` per request and
    ``reason`` one sentence. ``resolution`` says which side won under ``--on-conflict
    first|last`` and is ``None`` while the conflict is unresolved.
    """

    kind: str
    file: str
    key: str
    sides: tuple[Origin, ...]
    reason: str
    resolution: Origin | None = None

    @property
    def resolved(self) -> bool:
        return self.resolution is not None

    def message(self) -> str:
        asks = "; ".join(f"{o.source} asks {o.text!r} ({o.where()})" for o in self.sides)
        text = f"{self.file}: conflict on {self.key!r}: {self.reason}: {asks}"
        if self.resolution is not None:
            text += f"; kept {self.resolution.source}'s {self.resolution.text!r}"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "file": self.file,
            "key": self.key,
            "reason": self.reason,
            "sources": [o.source for o in self.sides],
            "sides": [o.to_json() for o in self.sides],
            "resolved": self.resolved,
            "resolution": None if self.resolution is None else self.resolution.to_json(),
        }


@dataclass(frozen=True, order=True)
class MergeWarning:
    """Something the user should know that does not stop the merge.

    ``code`` is a stable identifier (``apt-duplicate-pin``) that tests and tools can match on.
    ``level`` is ``"warning"`` (something may not be what the user meant; ``--strict`` fails
    on it) or ``"info"`` (bindermerge did what repo2docker did, and says so: printed as a
    note, never a failure).
    """

    code: str
    message: str
    origins: tuple[Origin, ...] = field(default=())
    level: Level = "warning"

    @property
    def is_info(self) -> bool:
        """True for an info-level finding, which ``--strict`` does not count."""
        return self.level == "info"

    def text(self) -> str:
        where = ", ".join(o.where() for o in self.origins)
        return f"{where}: {self.message}" if where else self.message

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "level": self.level,
            "message": self.message,
            "origins": [o.to_json() for o in self.origins],
        }


@dataclass(frozen=True)
class OutputFile:
    """One file of the merged directory: its path relative to the output dir, bytes and mode."""

    path: str
    content: bytes
    mode: int = 0o644

    @property
    def executable(self) -> bool:
        return bool(self.mode & 0o111)
