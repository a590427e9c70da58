"""A local directory as a source, read the way repo2docker reads a repository.

Importing this module costs only the standard library (and :mod:`.walk`, :mod:`.tree`): the
fast ``--check`` path opens and digests local sources with it. The file model
(:class:`SourceFile`, which needs dataclasses) is imported only when files are read.
"""

from __future__ import annotations

import os

from bindermerge.sources import walk
from bindermerge.sources.tree import ROOT_PREFIX, TreeSource, source_error

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast --check path avoids typing
if TYPE_CHECKING:
    from bindermerge.model import Origin

KIND = "local"
__all__ = ["KIND", "ROOT_PREFIX", "LocalSource", "open_local"]


class LocalSource(TreeSource):
    """A directory on disk (implements :class:`bindermerge.sources.base.Source`).

    ``root`` is the directory given on the command line; ``config_dir`` is ``.binder/`` or
    ``binder/`` inside it when present, else ``root`` itself. What it is made of follows the
    rules of :class:`~bindermerge.sources.tree.TreeSource`, shared with git sources.
    """

    __slots__ = ("root", "config_dir", "_tree", "_cdir")

    kind = KIND

    def __init__(self, spec: str, name: str, root: str, cdir: str, tree: walk.FsTree) -> None:
        super().__init__(spec, name)
        self.root = root
        self._tree = tree
        self._cdir = cdir
        self.config_dir = os.path.join(root, *cdir.split("/")) if cdir else root

    def __repr__(self) -> str:
        return f"LocalSource({self.spec!r}, name={self.name!r})"

    def layout(self) -> tuple[walk.FsTree, str]:
        return self._tree, self._cdir

    @property
    def identity(self) -> str:
        """The real path of the directory repo2docker reads: equal for ``db``, ``./db/``,
        ``db/binder`` and a symlink to it."""
        return os.path.realpath(self.config_dir)

    @property
    def script_root(self) -> str:
        """The repository root: where repo2docker ran this source's postBuild and start."""
        if self.in_binder_dir:
            return os.path.dirname(os.path.realpath(self.config_dir))
        return os.path.realpath(self.root)

    @property
    def local_root(self) -> str:
        return self.root

    @property
    def display_dir(self) -> str:
        """The binder directory as a person would type it (``examples/db/binder``)."""
        base = self.spec.rstrip("/\\") or "."
        return os.path.join(base, *self._cdir.split("/")) if self._cdir else base

    def origin(self, rel: str) -> Origin:
        from bindermerge.model import Origin

        path = os.path.join(self.display_dir, rel)
        if rel.startswith(ROOT_PREFIX):  # src/binder/../init_db -> src/init_db
            path = os.path.normpath(path)
        return Origin(self.name, rel, path, in_binder_dir=self.in_binder_dir)

    def digest(self) -> str:
        return self.file_digest()

    def record(self) -> dict[str, str]:
        return {"name": self.name, "kind": KIND}


def open_local(spec: str, name: str) -> LocalSource:
    """Open a local directory. Raises :class:`~bindermerge.errors.SourceError` when it is
    missing or has both binder dirs, :class:`~bindermerge.errors.UnsafePathError` when its
    binder directory is a link leaving it."""
    display = spec.rstrip("/\\") or spec
    try:
        if not os.path.exists(spec):
            raise walk.WalkError("source directory does not exist")
        if not os.path.isdir(spec):
            raise walk.WalkError("source is not a directory")
        tree = walk.FsTree(spec)
        cdir = walk.config_dir(tree)
    except walk.WalkError as exc:
        raise source_error(exc, path=display) from None
    return LocalSource(spec=spec, name=name, root=spec, cdir=cdir, tree=tree)
