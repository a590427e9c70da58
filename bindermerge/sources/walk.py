"""Listing a source's binder directory and digesting it: the standard library only.

Kept free of dataclasses, typing and pathlib on purpose: the fast ``--check`` path of a
pre-commit hook imports only this module to decide that nothing changed.
:mod:`bindermerge.sources` builds the full source model on the same functions, so the
files that are merged and the files that are digested can never drift apart.
"""

from __future__ import annotations

import hashlib
import os

# repo2docker's order: .binder/ wins over binder/, else the directory itself.
BINDER_DIRS = (".binder", "binder")
# Directories that are never configuration (version control, caches).
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".ipynb_checkpoints", "node_modules"})


class WalkError(Exception):
    """A source directory that cannot be listed; ``rel`` names the file when there is one."""

    def __init__(self, message: str, rel: str | None = None):
        super().__init__(message)
        self.message = message
        self.rel = rel


def inside(path: str, root: str) -> bool:
    """True when the real path ``path`` is ``root`` or below it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def config_dir(root: str) -> str:
    """The directory repo2docker reads: ``root/.binder``, ``root/binder`` or ``root``."""
    if not os.path.exists(root):
        raise WalkError("source directory does not exist")
    if not os.path.isdir(root):
        raise WalkError("source is not a directory")
    present = [d for d in BINDER_DIRS if os.path.isdir(os.path.join(root, d))]
    if len(present) == 2:
        raise WalkError("both .binder/ and binder/ exist; repo2docker refuses such a repository")
    if not present:
        return root
    found = os.path.join(root, present[0])
    if os.path.islink(found) and not inside(os.path.realpath(found), os.path.realpath(root)):
        raise WalkError(f"{present[0]}/ is a symlink pointing outside the source directory")
    return found


def list_files(root: str, cdir: str) -> list[str]:
    """Relative paths (``/``-separated, sorted) of every file under ``cdir``.

    Links are never followed out of ``root``: a link pointing outside raises
    :class:`WalkError` naming it; linked directories are not walked.
    """
    found: list[str] = []
    root_real = os.path.realpath(root)
    for dirpath, dirnames, filenames in os.walk(cdir):
        keep = []
        for d in sorted(dirnames):
            full = os.path.join(dirpath, d)
            if d in SKIP_DIRS or (d in BINDER_DIRS and dirpath == cdir):
                continue
            if os.path.islink(full):
                _check_link(full, cdir, root_real)
                continue  # never walk a linked directory twice or in a loop
            keep.append(d)
        dirnames[:] = keep
        for f in filenames:
            full = os.path.join(dirpath, f)
            if os.path.islink(full):
                _check_link(full, cdir, root_real)
            found.append(os.path.relpath(full, cdir).replace(os.sep, "/"))
    return sorted(found)


def _check_link(full: str, cdir: str, root_real: str) -> None:
    if not inside(os.path.realpath(full), root_real):
        rel = os.path.relpath(full, cdir).replace(os.sep, "/")
        raise WalkError(
            f"symlink points outside the source directory ({os.readlink(full)}); "
            "bindermerge never reads through it",
            rel,
        )


def option_items(on_conflict: str, name: str | None, fold: bool) -> dict[str, object]:
    """The options as they enter the input digest (a change in any of them is a change)."""
    return {"on_conflict": on_conflict, "name": name, "fold": fold}


class Digest:
    """A sha256 over everything that decides the output: version, options, every input byte."""

    def __init__(self, version: str, options: dict[str, object]):
        self._h = hashlib.sha256()
        self._h.update(f"bindermerge {version}\n".encode())
        for key in sorted(options):
            self._h.update(f"option {key}={options[key]!r}\n".encode())

    def source(self, name: str) -> None:
        self._h.update(f"source {name}\n".encode("utf-8", "surrogateescape"))

    def file(self, rel: str, executable: bool, data: bytes) -> None:
        # surrogateescape: file names that are not UTF-8 still digest, byte for byte.
        self._h.update(f"file {rel} {int(executable)} {len(data)}\n".encode("utf-8", "surrogateescape"))
        self._h.update(data)

    def hexdigest(self) -> str:
        return "sha256:" + self._h.hexdigest()


def digest_directories(
    sources: list[tuple[str, str]], version: str, options: dict[str, object]
) -> str:
    """Digest sources given as (name, root) pairs, reading them straight from disk."""
    d = Digest(version, options)
    for name, root in sources:
        cdir = config_dir(root)
        d.source(name)
        for rel in list_files(root, cdir):
            full = os.path.join(cdir, rel)
            with open(full, "rb") as fh:
                data = fh.read()
            d.file(rel, bool(os.stat(full).st_mode & 0o111), data)
    return d.hexdigest()


def printable(name: str) -> str:
    """``name`` with every non-printable character (newlines included) shown as ``?``.

    Source names come from directory names and end up inside ``#`` comments of generated
    files: a newline there would end the comment and turn the rest of the name into content.
    """
    return "".join(c if c.isprintable() else "?" for c in name)


def unique_names(specs: list[str]) -> list[str]:
    """Report names for sources: the directory's name, made unique with its parents.

    Two sources called ``binder`` in different repositories become ``a/binder`` and
    ``b/binder`` so a report never names two sources the same; the same directory given
    twice becomes ``x#1`` and ``x#2``.
    """
    parts = [[p for p in os.path.abspath(s).split(os.sep) if p] or ["source"] for s in specs]
    depth = [1] * len(specs)
    while True:
        names = [printable("/".join(p[-d:])) for p, d in zip(parts, depth)]
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
            for n, p in zip(names, parts):
                seen[n] = seen.get(n, 0) + 1
                out.append(n if names.count(n) == 1 else printable(f"{p[-1]}#{seen[n]}"))
            return out


def lock_digest(
    base: str, platforms: tuple[str, ...] | list[str], backend: str, lock_pip: str = "auto"
) -> str:
    """The input digest of a locked merge: the merge's digest plus the lock's options."""
    h = hashlib.sha256(f"{base}\nlock {','.join(platforms)} {backend} pip={lock_pip}\n".encode())
    return "sha256:" + h.hexdigest()
