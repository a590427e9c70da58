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


def lock_digest(
    base: str, platforms: tuple[str, ...] | list[str], backend: str, lock_pip: str = "auto"
) -> str:
    """The input digest of a locked merge (see :func:`bindermerge.digest.lock_digest`)."""
    from bindermerge.digest import lock_digest as digest

    return digest(
        base,
        {
            "lock": True,
            "platforms": tuple(platforms),
            "lock_backend": backend,
            "lock_pip": lock_pip,
        },
    )
