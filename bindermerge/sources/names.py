"""Names for sources: printable, and unique among the sources of one merge.

Standard library only: the fast ``--check`` path names sources the same way as the merge.
"""

from __future__ import annotations

import os
import unicodedata

from bindermerge.repo2docker.constants import BINDER_DIRS


def printable(name: str) -> str:
    """``name`` with every non-printable character (newlines included) shown as ``?``.

    Source names come from directory names and end up inside ``#`` comments of generated
    files: a newline there would end the comment and turn the rest of the name into content.
    """
    # NFC: "données" typed on macOS (decomposed) and on Linux (composed) is one name.
    name = unicodedata.normalize("NFC", name)
    return "".join(c if c.isprintable() else "?" for c in name)


def unique_names(specs: list[str]) -> list[str]:
    """Report names for sources: the directory's name, made unique with its parents.

    A source given as ``repo/binder`` or ``repo/.binder`` is named after ``repo``, the block
    it is. Two sources of the same name in different folders become ``a/db`` and ``b/db``
    so a report never names two sources the same; the same path given twice becomes ``x#1``
    and ``x#2``.
    """
    parts = [_parts(s) for s in specs]
    depth = [1] * len(specs)
    while True:
        names = [printable("/".join(p[-d:])) for p, d in zip(parts, depth, strict=True)]
        clashes = {n for n in names if names.count(n) > 1}
        if not clashes:
            return names
        grown = False
        for i, n in enumerate(names):
            if n in clashes and depth[i] < len(parts[i]):
                depth[i] += 1
                grown = True
        if not grown:  # the same directory given twice: number the short names
            seen: dict[str, int] = {}
            out = []
            for n, p in zip(names, parts, strict=True):
                seen[n] = seen.get(n, 0) + 1
                out.append(n if names.count(n) == 1 else printable(f"{p[-1]}#{seen[n]}"))
            return out


def _parts(spec: str) -> list[str]:
    parts = [p for p in os.path.abspath(spec).split(os.sep) if p]
    if len(parts) > 1 and parts[-1] in BINDER_DIRS:
        parts = parts[:-1]  # the binder folder is not the block's name: its repository is
    return parts or ["source"]
