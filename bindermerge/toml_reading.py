"""Reading TOML with the standard library's parser (``tomllib``; ``tomli`` on Python 3.10),
and turning its errors into the ``file:line: reason`` every other error has.

Standard library only, and ``tomllib`` imported only when a document is read: the fast
``--check`` path reads the project's config file through here.
"""

from __future__ import annotations

import re
import sys


def loads(text: str) -> dict[str, object]:
    """The TOML document ``text`` as plain values; ``ValueError`` (tomllib's
    ``TOMLDecodeError``) when it is not TOML."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised only on Python 3.10 (tomli: the same parser)
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    document: dict[str, object] = tomllib.loads(text)
    return document


def error_position(message: str, text: str) -> tuple[int | None, str]:
    """The 1-based line of a tomllib error and its message without the position.

    tomllib names the place only at the end of its message: "... (at line 3, column 7)"
    becomes line 3 and "... (column 7)"; "... (at end of document)" is the last line.
    """
    found = re.search(r" \(at line (\d+), column (\d+)\)$", message)
    if found:
        return int(found[1]), f"{message[: found.start()]} (column {found[2]})"
    if message.endswith(" (at end of document)"):
        last = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        return last, f"{message.removesuffix(' (at end of document)')} (at the end of the file)"
    return None, message
