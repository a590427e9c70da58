"""runtime.txt as repo2docker's ``BaseImage.runtime`` reads it: the one parser of it.

The whole file, stripped, is split on ``-`` into ``name-version``, ``name-YYYY-MM-DD`` or
``name-version-YYYY-MM-DD``. Anything else makes repo2docker fail, during detection already
(``RBuildPack.detect()`` reads it). What a name or version then *means* (python-X.Y, a dated
R snapshot) is decided by the buildpacks: see :mod:`bindermerge.repo2docker.table`.

Standard library only: runtime.txt is read on every merge and every ``explain``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from bindermerge.repo2docker.constants import RUNTIME_DATE_RE


class InvalidRuntime(ValueError):
    """runtime.txt is not of a shape repo2docker accepts; the message is repo2docker's."""


class InvalidRuntimeDate(InvalidRuntime):
    """runtime.txt has the shape of a dated runtime, but its date is not a date."""


@dataclass(frozen=True)
class Runtime:
    """A parsed runtime.txt: ``name`` (``python``, ``r``, ...), then ``version`` and ``date``
    when present. ``python-3.11`` -> ("python", "3.11", None); ``r-2023-01-01`` -> ("r",
    None, 2023-01-01); ``r-4.3-2023-01-01`` -> ("r", "4.3", 2023-01-01)."""

    name: str
    version: str | None
    date: datetime.date | None

    @property
    def picks_r(self) -> bool:
        """Whether this selects RBuildPack (a dated ``r-`` runtime, whatever the date)."""
        return self.name == "r" and self.date is not None


def parse_runtime(text: str) -> Runtime:
    """Parse runtime.txt's content as repo2docker does; raise :class:`InvalidRuntime` if it fails.

    The text is read as repo2docker's text-mode ``open()`` reads it (universal newlines) and
    stripped (``f.read().strip()``), so a final newline or CRLF does not matter.
    """
    raw = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    parts = raw.split("-")
    if len(parts) not in (2, 4, 5) or not all(parts):
        raise InvalidRuntime(f"Invalid runtime.txt: {raw}")
    version = parts[1] if len(parts) in (2, 5) else None
    date = None
    if len(parts) in (4, 5):
        iso = "-".join(parts[-3:])
        if not RUNTIME_DATE_RE.match(iso):
            raise InvalidRuntimeDate(f"Invalid runtime.txt date: {iso}")
        try:
            # datetime's parser, not date's: repo2docker accepts "2023-01-01T00" this way.
            date = datetime.datetime.fromisoformat(iso).date()
        except ValueError as e:
            raise InvalidRuntimeDate(f"Invalid runtime.txt date: {iso} ({e})") from None
    return Runtime(parts[0], version, date)
