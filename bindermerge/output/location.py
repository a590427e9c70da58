"""Where an output directory may be: never a source, inside one or holding one; never the
current directory, a folder above it, the home directory or a git work tree; never a binder
folder beside the other one (repo2docker refuses a repository with both)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


def location_problem(directory: Path, source_roots: Sequence[str | Path]) -> str | None:
    """Why ``directory`` cannot be the output of a merge of these sources, or None.

    An output that is a source, lies inside one or holds one would be read back as input
    on the next run (or replace the source itself), whatever ``--force`` says.
    """
    out = os.path.realpath(directory)
    cwd = os.path.realpath(os.getcwd())
    if out == cwd:
        return (
            "is the current directory; name a directory for the merged files (for example binder)"
        )
    for root in source_roots:
        src = os.path.realpath(root)
        if out == src:
            return f"is the source {root} itself"
        if out.startswith(src.rstrip(os.sep) + os.sep):
            return f"lies inside the source {root}, so the next merge would read it back as input"
        if src.startswith(out.rstrip(os.sep) + os.sep):
            return f"holds the source {root}, which replacing it would destroy"
    if cwd.startswith(out.rstrip(os.sep) + os.sep):
        return "holds the current directory, which replacing it would destroy"
    if out == os.path.realpath(os.path.expanduser("~")) or os.path.dirname(out) == out:
        return "is the home directory or the file system root; name a folder for the merged files"
    inside = git_directory_above(out)
    if inside is not None:
        return (
            f"lies inside the git directory {inside}; bindermerge never writes into one, even "
            "with --force"
        )
    git = git_work_tree(out)
    if git is not None:
        return (
            f"holds a git work tree ({git}); bindermerge never replaces one, even with --force: "
            "name a folder inside it, for example binder"
        )
    from bindermerge.repo2docker.constants import BINDER_DIRS

    name = os.path.basename(out)
    if name in BINDER_DIRS:
        other = next(d for d in BINDER_DIRS if d != name)
        sibling = os.path.join(os.path.dirname(out), other)
        if os.path.isdir(sibling):
            return (
                f"would sit beside {sibling}: repo2docker refuses a repository with both "
                f"{BINDER_DIRS[0]}/ and {BINDER_DIRS[1]}/; write into {other}/ or remove it"
            )
    return None


def git_work_tree(directory: str) -> str | None:
    """The first ``.git`` in ``directory`` or below it (a work tree, or a submodule), or a git
    directory that is ``directory`` or lies below it (a bare repository); None without one."""
    if not os.path.isdir(directory):
        return None
    for dirpath, dirnames, filenames in os.walk(directory):
        if ".git" in dirnames or ".git" in filenames:
            return os.path.join(dirpath, ".git")
        if _is_git_directory(dirpath, dirnames, filenames):
            return dirpath
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
    return None


def git_directory_above(directory: str) -> str | None:
    """The git directory (``.git``, or a bare repository) that ``directory`` is or lies in."""
    here = directory
    while True:
        if os.path.basename(here) == ".git" or (
            os.path.isdir(here) and _is_git_directory(here, *_listing(here))
        ):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _listing(directory: str) -> tuple[list[str], list[str]]:
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return [], []
    dirs = [e.name for e in entries if e.is_dir(follow_symlinks=False)]
    return dirs, [e.name for e in entries if not e.is_dir(follow_symlinks=False)]


def _is_git_directory(path: str, dirnames: list[str], filenames: list[str]) -> bool:
    """git's own test of a repository directory: HEAD, objects/ and refs/ (setup.c)."""
    return "HEAD" in filenames and "objects" in dirnames and "refs" in dirnames
