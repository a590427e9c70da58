"""What every source read out of a tree of files shares: :class:`TreeSource`.

A local directory (:mod:`bindermerge.sources.local`) and a git commit
(:mod:`bindermerge.sources.git.source`) are both trees (:mod:`bindermerge.sources.walk`); the
rules that turn a tree into a source's files are the same for both and live here once: the
binder directory repo2docker reads, its files, the repository-root files its scripts use
(named ``../path``), links never followed out of the source, and the input digest of those
files. Standard library only at import time: the fast ``--check`` path digests local sources
through this class.
"""

from __future__ import annotations

from bindermerge.digest import FileDigest
from bindermerge.repo2docker.constants import BINDER_DIRS
from bindermerge.sources import walk

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast --check path avoids typing
if TYPE_CHECKING:
    from bindermerge.model import Origin
    from bindermerge.sources.base import SourceFile
    from bindermerge.sources.walk import Tree

# How a file of the repository root, outside the binder directory, is named among a source's
# files: by its path relative to the binder directory. No kind recognises such a name.
ROOT_PREFIX = "../"


class TreeSource:
    """A source whose files come from a tree (implements most of
    :class:`bindermerge.sources.base.Source`).

    A subclass gives :meth:`layout` (the tree bounding the source, and the tree path of its
    binder directory, as :func:`bindermerge.sources.walk.config_dir` found it) and
    :meth:`origin` (how a file is named in messages), plus the protocol's identity, digest and
    record where they differ. Files are read once, on first use, and kept: the merge and the
    input digest see the same bytes.

    A source whose configuration lives in ``binder/`` or ``.binder/`` also contributes the
    files of its repository root that its scripts use (:meth:`root_files`): repo2docker runs
    them from that root. They are listed among :meth:`files` under ``../`` (their path
    relative to the binder directory), and they enter :meth:`digest` like every other file.
    """

    __slots__ = ("spec", "name", "_files", "_root_files", "_paths")

    kind = "tree"

    def __init__(self, spec: str, name: str) -> None:
        self.spec = spec
        self.name = name
        self._files: list[SourceFile] | None = None
        self._root_files: list[str] | None = None
        self._paths: list[str] | None = None

    # -- what a subclass gives

    def layout(self) -> tuple[Tree, str]:
        """The tree bounding the source and the tree path of its binder directory."""
        raise NotImplementedError

    def origin(self, rel: str) -> Origin:
        """Where the file ``rel`` (relative to the binder directory) is, for messages."""
        raise NotImplementedError

    # -- shared rules

    @property
    def in_binder_dir(self) -> bool:
        """True when the configuration lives in a folder named binder/ or .binder/ (told from
        the real directory, however the source was typed)."""
        tree, cdir = self.layout()
        return tree.real_name(cdir) in BINDER_DIRS

    def paths(self) -> list[str]:
        """Relative paths of every file in the binder directory, sorted, never leaving it."""
        if self._paths is None:
            tree, cdir = self.layout()
            try:
                self._paths = walk.list_files(tree, cdir)
            except walk.WalkError as exc:
                raise source_error(exc, self.origin(exc.rel or ".")) from None
        return list(self._paths)

    def _script_tree(self) -> tuple[Tree, str]:
        """The repository root's tree (where the scripts ran) and the binder folder's name."""
        tree, cdir = self.layout()
        return tree.parent_of(cdir), tree.real_name(cdir)

    def root_files(self) -> list[str]:
        """Files of the repository root, outside the binder directory, that the binder
        directory's scripts use (paths relative to the root, sorted; see
        :func:`bindermerge.sources.walk.used_root_files`). Empty for a source without a binder
        directory: its root is its configuration directory, all of it already in :meth:`files`.
        """
        if self._root_files is None:
            found: list[str] = []
            if self.in_binder_dir:
                paths = self.paths()
                root, cname = self._script_tree()
                try:
                    found = walk.used_root_files(root, cname, paths)
                except walk.WalkError as exc:
                    raise source_error(exc, self.origin(ROOT_PREFIX + (exc.rel or "."))) from None
            self._root_files = found
        return list(self._root_files)

    def files(self) -> list[SourceFile]:
        """The binder directory's files, then the root files its scripts use (named
        ``../<path>``, relative to the binder directory)."""
        if self._files is None:
            own = [self._read(rel) for rel in self.paths()]
            root = [self._read(ROOT_PREFIX + rel) for rel in self.root_files()]
            self._files = own + root
        assert self._files is not None
        return list(self._files)

    def file_digest(self) -> str:
        """``sha256:...`` over every file's path, executable bit and bytes."""
        d = FileDigest()
        if self._files is not None:  # the files already read for the merge: no second read
            for f in self._files:
                d.file(f.name, f.executable, f.data)
            return d.hexdigest()
        # The fast --check: the same bytes, without the file model (dataclasses) or origins.
        tree, cdir = self.layout()
        names = walk.list_files(tree, cdir)
        named = [(rel, tree, walk.join(cdir, rel)) for rel in names]
        if self.in_binder_dir:
            root, cname = self._script_tree()
            for rel in walk.used_root_files(root, cname, names):
                named.append((ROOT_PREFIX + rel, root, rel))
        for rel, where, path in named:
            target = walk.resolve(where, path, rel)
            d.file(rel, bool(where.mode(target) & 0o111), where.read(target))
        return d.hexdigest()

    def _read(self, rel: str) -> SourceFile:
        from bindermerge.errors import InputError
        from bindermerge.sources.base import SourceFile

        if rel.startswith(ROOT_PREFIX):
            tree, path = self._script_tree()[0], rel[len(ROOT_PREFIX) :]
        else:
            tree, cdir = self.layout()
            path = walk.join(cdir, rel)
        try:
            target = walk.resolve(tree, path, rel)
        except walk.WalkError as exc:
            raise source_error(exc, self.origin(rel)) from None
        kind = tree.kind(target)
        if kind is None:
            raise InputError("cannot read: it is a symlink to nothing", self.origin(rel))
        if kind != "file":
            raise InputError("not a regular file", self.origin(rel))
        try:
            data, mode = tree.read(target), tree.mode(target)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", self.origin(rel)) from None
        return SourceFile(self.origin(rel), data, mode)


def source_error(
    exc: walk.WalkError, origin: Origin | None = None, path: str | None = None
) -> Exception:
    """The :mod:`bindermerge.errors` exception for a
    :class:`~bindermerge.sources.walk.WalkError`."""
    from bindermerge.errors import SourceError, UnsafePathError

    cls = UnsafePathError if exc.unsafe else SourceError
    return cls(exc.message, origin, path=path)
