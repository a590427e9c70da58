"""Names for sources: printable, and unique among the sources of one merge.

Standard library only: the fast ``--check`` path names sources the same way as the merge.
"""

from __future__ import annotations

import os
import unicodedata

from bindermerge.repo2docker.constants import BINDER_DIRS
from bindermerge.sources import spellings

# What a git source's name may add to the repository's name, in the order they are tried.
_QUALIFIERS = ("ref", "subdir", "owner", "forge")


def printable(name: str) -> str:
    """``name`` with every non-printable character (newlines included) shown as ``?``.

    Source names come from directory names and end up inside ``#`` comments of generated
    files: a newline there would end the comment and turn the rest of the name into content.
    """
    # NFC: "données" typed on macOS (decomposed) and on Linux (composed) is one name.
    name = unicodedata.normalize("NFC", name)
    return "".join(c if c.isprintable() else "?" for c in name)


class _Local:
    """A directory: named after itself, then with as many parents as it takes."""

    def __init__(self, spec: str) -> None:
        self.parts = _parts(spec)
        self.depth = 1

    def name(self) -> str:
        return "/".join(self.parts[-self.depth :])

    def grow(self, clashing: list[object]) -> bool:
        if self.depth >= len(self.parts):
            return False
        self.depth += 1
        return True


class _Git:
    """A git repository: named after the repository (``postgres-binder``), with ``@REF``,
    ``#SUBDIR``, its owner or its forge added only when another source needs telling apart."""

    def __init__(self, spec: spellings.GitSpec) -> None:
        self.spec = spec
        self.added: set[str] = set()

    def value(self, qualifier: str) -> str:
        s = self.spec
        return {
            "ref": s.ref or "",
            "subdir": s.subdir or "",
            "owner": s.repo_path,
            "forge": s.public_url if s.forge == "git" else s.forge,
        }[qualifier]

    def name(self) -> str:
        s = self.spec
        if "forge" in self.added:
            base = f"{s.forge}:{s.repo_path}" if s.forge != "git" else s.public_url
        elif "owner" in self.added:
            base = s.repo_path.removesuffix(".git")
        else:
            base = s.repo_name
        if "ref" in self.added and s.ref:
            base += f"@{s.ref}"
        if "subdir" in self.added and s.subdir:
            base += f"#{s.subdir}"
        return base

    def grow(self, clashing: list[object]) -> bool:
        others = [c for c in clashing if isinstance(c, _Git)]
        # First what differs among the clashing repositories (ref, then subdir, ...); when
        # nothing does (the clash is with a directory), whatever this spec has to add.
        for qualifier in _QUALIFIERS:
            if qualifier not in self.added and len({o.value(qualifier) for o in others}) > 1:
                self.added.add(qualifier)
                return True
        for qualifier in _QUALIFIERS:
            if qualifier not in self.added and self.value(qualifier):
                self.added.add(qualifier)
                return True
        return False


def unique_names(specs: list[str]) -> list[str]:
    """Report names for sources: the directory's or repository's name, made unique.

    A source given as ``repo/binder`` or ``repo/.binder`` is named after ``repo``, the block
    it is; a git source after its repository (``gh:me/postgres-binder@v2`` is
    ``postgres-binder``). Two sources of the same name grow until they differ: directories
    with their parents (``a/db`` and ``b/db``), git sources with what tells them apart
    (``blocks#db`` and ``blocks#mongo``, ``r@main`` and ``r@dev``); the same spec given twice
    becomes ``x#1`` and ``x#2``.
    """
    items: list[_Local | _Git] = []
    for spec in specs:
        parsed = None
        if spellings.is_git(spec):
            try:
                parsed = spellings.parse_git(spec)
            except spellings.SpecError:
                parsed = None  # refused when it is opened; any name will do until then
        items.append(_Git(parsed) if parsed is not None else _Local(spec))
    while True:
        names = [printable(item.name()) for item in items]
        clashes = {n for n in names if names.count(n) > 1}
        if not clashes:
            return names
        grown = False
        for n in clashes:
            group = [item for item, m in zip(items, names, strict=True) if m == n]
            for item in group:
                grown = item.grow(list(group)) or grown
        if not grown:  # the same source given twice: number the short names
            seen: dict[str, int] = {}
            out = []
            for n, item in zip(names, items, strict=True):
                seen[n] = seen.get(n, 0) + 1
                short = item.parts[-1] if isinstance(item, _Local) else item.spec.repo_name
                out.append(n if names.count(n) == 1 else printable(f"{short}#{seen[n]}"))
            return out


def _parts(spec: str) -> list[str]:
    parts = [p for p in os.path.abspath(spec).split(os.sep) if p]
    if len(parts) > 1 and parts[-1] in BINDER_DIRS:
        parts = parts[:-1]  # the binder folder is not the block's name: its repository is
    return parts or ["source"]
