"""Listing a source's binder directory: the standard library only.

Kept free of dataclasses, typing and pathlib on purpose: the fast ``--check`` path of a
pre-commit hook lists and digests local sources with this module alone.
:class:`bindermerge.sources.local.LocalSource` reads files through the same functions, so the
files that are merged and the files that are digested can never drift apart.
"""

from __future__ import annotations

import os

from bindermerge.repo2docker.constants import BINDER_DIRS

# Directories that are never configuration (version control, caches).
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".ipynb_checkpoints", "node_modules"})


class WalkError(Exception):
    """A source directory that cannot be listed; ``rel`` names the file when there is one.

    ``unsafe`` marks a link that leaves the source (as opposed to a missing directory).
    """

    def __init__(self, message: str, rel: str | None = None, *, unsafe: bool = False):
        super().__init__(message)
        self.message = message
        self.rel = rel
        self.unsafe = unsafe


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
        raise WalkError(
            f"{present[0]}/ is a symlink pointing outside the source directory", unsafe=True
        )
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
            unsafe=True,
        )


def used_root_files(root: str, cdir: str, binder_paths: list[str]) -> list[str]:
    """Files of the repository ``root``, outside its binder directory ``cdir``, that the
    binder directory's scripts use: paths relative to ``root``, ``/``-separated, sorted.

    repo2docker runs postBuild and start from the repository root, so a block's scripts may
    use files there (``mv init_db ~/.local/bin``, ``cp jupyter_notebook_config.py ~/.jupyter``)
    and they are part of the block. Which files is read from the scripts by
    :func:`bindermerge.scripts.paths.trace`; ``binder_paths`` are the binder directory's own
    files (:func:`list_files`). Links follow the rules of :func:`list_files`: one pointing
    outside ``root`` raises :class:`WalkError`, a linked directory is not walked.
    """
    from bindermerge.scripts import paths

    root_real = os.path.realpath(root)
    cname = os.path.basename(os.path.realpath(cdir))
    own = {f"{cname}/{p}" for p in binder_paths}

    def listing(path: str, glob: bool) -> list[str]:
        segments = path.split("/")
        if segments[0] == cname:
            return paths.in_listing(own, path, glob)
        if segments[0] in BINDER_DIRS or any(s in SKIP_DIRS for s in segments):
            return []
        if glob:
            return _glob(root_real, segments, cname)
        return _under(root_real, path)

    def read(path: str) -> bytes | None:
        if path.split("/", 1)[0] == cname:
            full = os.path.join(cdir, path.split("/", 1)[1]) if path in own else ""
        else:
            full = os.path.join(root_real, *path.split("/"))
        if not full or not os.path.isfile(full):
            return None
        try:
            with open(full, "rb") as fh:
                return fh.read()
        except OSError:
            return None

    scripts = [f"{cname}/{name}" for name in paths.SCRIPT_FILES if name in binder_paths]
    found: set[str] = set()
    for use in paths.trace(scripts, listing, read):
        found.update(f for f in use.files if f.split("/", 1)[0] != cname)
    # Root files that requirements.txt includes (-r ../base.txt, -r file:base.txt).
    from bindermerge.specs.pip_includes import root_included

    def read_included(name: str) -> bytes | None:  # names relative to the binder directory
        if name.startswith("../"):
            return None if name.startswith("../../") else read(name[3:])
        return read(f"{cname}/{name}")

    starts = [n for n in ("requirements.txt",) if n in binder_paths]
    found.update(r[3:] for r in root_included(starts, read_included, in_binder_dir=True))
    return sorted(found)


def _under(root_real: str, path: str) -> list[str]:
    """``path`` (relative to the root) if it is a file, the files under it if a directory."""
    full = os.path.join(root_real, *path.split("/"))
    if os.path.islink(full):
        _check_link(full, root_real, root_real)
        if os.path.isdir(full):
            return []  # never walk a linked directory (as list_files)
    if os.path.isfile(full):
        return [path]
    if os.path.isdir(full):
        return [f"{path}/{rel}" for rel in list_files(root_real, full)]
    return []


def _glob(root_real: str, segments: list[str], cname: str) -> list[str]:
    """Files named by a wildcard path (relative to the root), as the shell would expand it
    (a matched directory stands for the files under it)."""
    from bindermerge.scripts.paths import glob_match

    matches = [""]
    for depth, seg in enumerate(segments):
        nxt = []
        for base in matches:
            full = os.path.join(root_real, *base.split("/")) if base else root_real
            if not os.path.isdir(full) or (base and os.path.islink(full)):
                continue
            if not any(c in seg for c in "*?["):
                candidate = f"{base}/{seg}" if base else seg
                if os.path.lexists(os.path.join(root_real, *candidate.split("/"))):
                    nxt.append(candidate)
                continue
            for name in sorted(os.listdir(full)):
                if name in SKIP_DIRS or (depth == 0 and name in (cname, *BINDER_DIRS)):
                    continue
                if glob_match(seg, name):
                    nxt.append(f"{base}/{name}" if base else name)
        matches = nxt
    found: list[str] = []
    for m in matches:
        found.extend(_under(root_real, m))
    return sorted(found)
