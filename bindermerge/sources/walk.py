"""The rules for reading a source's files out of a tree: the standard library only.

A *tree* is a repository's files as this module asks about them, through these methods over
``/``-separated paths relative to the tree's root (``""`` is the root itself):

* ``kind(path)``: ``"file"``, ``"dir"``, ``"link"``, ``"submodule"``, ``"other"`` (a FIFO, a
  device) or None, without following a link in the last component;
* ``names(path)``: the names in a directory;
* ``follow(path)``: the path that ``path`` leads to once every link in it is resolved, or
  None when it leads out of the tree;
* ``link_text(path)``: what a link says, for messages;
* ``real_name(path)``: the last component of ``path``'s real location (``binder`` for a
  link to ``binder/``), also for the root;
* ``parent_of(path)``: the tree rooted at the directory holding ``path``'s real location;
* ``read(path)`` and ``mode(path)``: a file's bytes and permission bits (``path`` followed).

:class:`FsTree` is a directory on disk (local sources); a git commit's tree read from the
object store is another (:mod:`bindermerge.sources.git.tree`). Every rule of what a source is
made of lives here, once, for both: which binder directory repo2docker reads
(:func:`config_dir`), which files it holds (:func:`list_files`), which files of the repository
root its scripts use (:func:`used_root_files`), and that no link is ever followed out of the
source (:func:`resolve`). Kept free of dataclasses, typing and pathlib on purpose: the fast
``--check`` path of a pre-commit hook lists and digests local sources with this module alone.
"""

from __future__ import annotations

import os
import stat

from bindermerge.repo2docker.constants import BINDER_DIRS

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast --check path avoids typing
if TYPE_CHECKING:
    from typing import Protocol

    class Tree(Protocol):
        """What the rules of this module ask of a tree (see the module docstring)."""

        def kind(self, path: str) -> str | None: ...
        def names(self, path: str) -> list[str]: ...
        def follow(self, path: str) -> str | None: ...
        def link_text(self, path: str) -> str: ...
        def real_name(self, path: str) -> str: ...
        def parent_of(self, path: str) -> Tree: ...
        def read(self, path: str) -> bytes: ...
        def mode(self, path: str) -> int: ...


# Directories that are never configuration (version control, caches).
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".ipynb_checkpoints", "node_modules"})


class WalkError(Exception):
    """A source that cannot be listed; ``rel`` names the file when there is one.

    ``unsafe`` marks a link that leaves the source (as opposed to a missing directory).
    """

    def __init__(self, message: str, rel: str | None = None, *, unsafe: bool = False):
        super().__init__(message)
        self.message = message
        self.rel = rel
        self.unsafe = unsafe


def join(base: str, name: str) -> str:
    """``base/name`` for tree paths (``name`` alone at the root, ``base`` alone for no name:
    a source's own folder when it has no binder directory)."""
    if not base or not name:
        return base or name
    return f"{base}/{name}"


def _skipped(name: str) -> bool:
    """True for a name that is never a source's configuration, whatever it is."""
    # A ".git" entry of any case is a repository or a pointer to one (gitdir: /elsewhere),
    # never configuration: on a case-insensitive file system ".GIT" is ".git".
    return name in SKIP_DIRS or name.lower() == ".git"


def config_dir(tree: Tree) -> str:
    """The directory repo2docker reads, as a tree path: ``.binder``, ``binder`` or ``""``."""
    present = [d for d in BINDER_DIRS if _is_dir(tree, d)]
    if len(present) == 2:
        raise WalkError("both .binder/ and binder/ exist; repo2docker refuses such a repository")
    if not present:
        return ""
    found = present[0]
    if tree.kind(found) == "link" and tree.follow(found) is None:
        raise WalkError(f"{found}/ is a symlink pointing outside the source directory", unsafe=True)
    return found


def _is_dir(tree: Tree, path: str) -> bool:
    kind = tree.kind(path)
    if kind == "dir":
        return True
    if kind != "link":
        return False
    target = tree.follow(path)
    # A link leaving the tree still counts as the binder directory: config_dir refuses it.
    return target is None or tree.kind(target) == "dir"


def resolve(tree: Tree, path: str, shown: str | None = None) -> str:
    """The tree path ``path`` leads to, links resolved; :class:`WalkError` (unsafe) when a link
    on the way points out of the tree. ``shown`` is the name used in the message."""
    target = tree.follow(path)
    if target is None:
        raise WalkError(
            f"symlink points outside the source directory ({_link_on_the_way(tree, path)}); "
            "bindermerge never reads through it",
            shown if shown is not None else path,
            unsafe=True,
        )
    return target


def _link_on_the_way(tree: Tree, path: str) -> str:
    parts = path.split("/")
    for i in range(len(parts), 0, -1):
        prefix = "/".join(parts[:i])
        if tree.kind(prefix) == "link":
            return tree.link_text(prefix)
    return path


def list_files(tree: Tree, cdir: str) -> list[str]:
    """Paths (``/``-separated, sorted) of every file under the tree path ``cdir``, relative
    to it.

    Links are never followed out of the tree: a link pointing outside raises
    :class:`WalkError` naming it; linked directories are not walked. A git submodule cannot
    be read (bindermerge never fetches one): one inside ``cdir`` raises :class:`WalkError`.
    """
    start = resolve(tree, cdir) if cdir else ""
    found: list[str] = []
    todo = [start]
    while todo:
        directory = todo.pop()
        for name in tree.names(directory):
            path = join(directory, name)
            kind = tree.kind(path)
            if name.lower() == ".git" or (name in SKIP_DIRS and _is_dir(tree, path)):
                continue
            if kind == "dir" and name in BINDER_DIRS and directory == start:
                continue
            if kind == "dir":
                todo.append(path)
                continue
            rel = path[len(start) + 1 :] if start else path
            if kind == "link":
                target = resolve(tree, path, rel)
                if tree.kind(target) == "dir":
                    continue  # never walk a linked directory twice or in a loop
            elif kind == "submodule":
                raise WalkError(
                    "is a git submodule; bindermerge never fetches submodules: "
                    "copy its files into the block instead",
                    rel,
                )
            found.append(rel)
    return sorted(found)


def used_root_files(tree: Tree, cname: str, binder_paths: list[str]) -> list[str]:
    """Files of the repository ``tree``, outside its binder directory ``cname``, that the
    binder directory's scripts use: tree paths, sorted.

    repo2docker runs postBuild and start from the repository root, so a block's scripts may
    use files there (``mv init_db ~/.local/bin``, ``cp jupyter_notebook_config.py ~/.jupyter``)
    and they are part of the block. Which files is read from the scripts by
    :func:`bindermerge.scripts.paths.trace`; ``binder_paths`` are the binder directory's own
    files (:func:`list_files`). Links follow the rules of :func:`list_files`: one pointing
    outside the tree raises :class:`WalkError`, a linked directory is not walked.
    """
    from bindermerge.scripts import paths

    own = {f"{cname}/{p}" for p in binder_paths}

    def listing(path: str, glob: bool) -> list[str]:
        segments = path.split("/")
        if segments[0] == cname:
            return paths.in_listing(own, path, glob)
        if segments[0] in BINDER_DIRS or any(_skipped(s) for s in segments):
            return []
        if glob:
            return _glob(tree, segments, cname)
        return _under(tree, path)

    def read(path: str) -> bytes | None:
        if path.split("/", 1)[0] == cname and path not in own:
            return None
        if any(_skipped(s) for s in path.split("/")):
            return None
        target = resolve(tree, path)
        if tree.kind(target) != "file":
            return None
        try:
            return tree.read(target)
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


def _under(tree: Tree, path: str) -> list[str]:
    """``path`` if it is a file, the files under it if a directory (tree paths)."""
    kind = tree.kind(path)
    target = resolve(tree, path)
    if kind == "link" and tree.kind(target) == "dir":
        return []  # never walk a linked directory (as list_files)
    kind = tree.kind(target)
    if kind == "dir":
        return [join(path, rel) for rel in list_files(tree, target)]
    return [path] if kind == "file" else []


def _glob(tree: Tree, segments: list[str], cname: str) -> list[str]:
    """Files named by a wildcard path (relative to the root), as the shell would expand it
    (a matched directory stands for the files under it)."""
    from bindermerge.scripts.paths import glob_match

    matches = [""]
    for depth, seg in enumerate(segments):
        nxt = []
        for base in matches:
            kind = tree.kind(base) if base else "dir"
            if kind != "dir":  # a file, or a linked directory (never walked)
                continue
            if not any(c in seg for c in "*?["):
                candidate = join(base, seg)
                if tree.kind(candidate) is not None:
                    nxt.append(candidate)
                continue
            for name in tree.names(base):
                if _skipped(name) or (depth == 0 and name in (cname, *BINDER_DIRS)):
                    continue
                if glob_match(seg, name):
                    nxt.append(join(base, name))
        matches = nxt
    found: list[str] = []
    for m in matches:
        found.extend(_under(tree, m))
    return sorted(found)


# --- a directory on disk ----------------------------------------------------------------------


def inside(path: str, root: str) -> bool:
    """True when the real path ``path`` is ``root`` or below it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class FsTree:
    """A directory on disk as a tree; ``root`` as given, links judged against its real path."""

    __slots__ = ("root", "real")

    def __init__(self, root: str) -> None:
        self.root = root
        self.real = os.path.realpath(root)

    def __repr__(self) -> str:
        return f"FsTree({self.root!r})"

    def full(self, path: str) -> str:
        """The file-system path of a tree path."""
        return os.path.join(self.real, *path.split("/")) if path else self.real

    def kind(self, path: str) -> str | None:
        try:
            mode = os.lstat(self.full(path)).st_mode
        except (OSError, ValueError):
            return None
        if stat.S_ISLNK(mode):
            return "link"
        if stat.S_ISDIR(mode):
            return "dir"
        return "file" if stat.S_ISREG(mode) else "other"

    def names(self, path: str) -> list[str]:
        try:
            return sorted(os.listdir(self.full(path)))
        except OSError:
            return []

    def follow(self, path: str) -> str | None:
        real = os.path.realpath(self.full(path))
        if not inside(real, self.real):
            return None
        return os.path.relpath(real, self.real).replace(os.sep, "/") if real != self.real else ""

    def link_text(self, path: str) -> str:
        try:
            return os.readlink(self.full(path))
        except OSError:
            return path

    def real_name(self, path: str) -> str:
        return os.path.basename(os.path.realpath(self.full(path)))

    def parent_of(self, path: str) -> FsTree:
        return FsTree(os.path.dirname(os.path.realpath(self.full(path))))

    def read(self, path: str) -> bytes:
        """The bytes of the file at a (followed) tree path."""
        with open(self.full(path), "rb") as fh:
            return fh.read()

    def mode(self, path: str) -> int:
        """The permission bits of the file at a (followed) tree path."""
        return stat.S_IMODE(os.stat(self.full(path)).st_mode)
