"""A local directory as a source, read the way repo2docker reads a repository.

Importing this module costs only the standard library (and :mod:`.walk`): the fast ``--check``
path opens and digests local sources with it. The file model (:class:`SourceFile`, which needs
dataclasses) is imported only when files are read.
"""

from __future__ import annotations

import os
import stat

from bindermerge.digest import FileDigest
from bindermerge.repo2docker.constants import BINDER_DIRS
from bindermerge.sources import walk

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast --check path avoids typing
if TYPE_CHECKING:
    from bindermerge.model import Origin
    from bindermerge.sources.base import SourceFile

KIND = "local"
# How a file of the repository root, outside the binder directory, is named among a source's
# files: by its path relative to the binder directory. No kind recognises such a name.
ROOT_PREFIX = "../"


class LocalSource:
    """A directory on disk (implements :class:`bindermerge.sources.base.Source`).

    ``root`` is the directory given on the command line; ``config_dir`` is ``.binder/`` or
    ``binder/`` inside it when present, else ``root`` itself. Files are read once, on first
    use, and kept: the merge and the input digest see the same bytes.

    A source whose configuration lives in ``binder/`` or ``.binder/`` also contributes the
    files of its repository root that its scripts use (:meth:`root_files`): repo2docker runs
    them from that root. They are listed among :meth:`files` under ``../`` (their path
    relative to the binder directory), and they enter :meth:`digest` like every other file.
    """

    __slots__ = ("spec", "name", "root", "config_dir", "_files", "_root_files")

    kind = KIND

    def __init__(self, spec: str, name: str, root: str, config_dir: str) -> None:
        self.spec = spec
        self.name = name
        self.root = root
        self.config_dir = config_dir
        self._files: list[SourceFile] | None = None
        self._root_files: list[str] | None = None

    def __repr__(self) -> str:
        return f"LocalSource({self.spec!r}, name={self.name!r})"

    @property
    def identity(self) -> str:
        """The real path of the directory repo2docker reads: equal for ``db``, ``./db/``,
        ``db/binder`` and a symlink to it."""
        return os.path.realpath(self.config_dir)

    @property
    def in_binder_dir(self) -> bool:
        """True when the configuration lives in a folder named binder/ or .binder/ (told from
        the real directory, however the source was typed)."""
        return os.path.basename(os.path.realpath(self.config_dir)) in BINDER_DIRS

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
        rel = os.path.relpath(self.config_dir, self.root)
        base = self.spec.rstrip("/\\") or "."
        return base if rel == "." else os.path.join(base, rel)

    def paths(self) -> list[str]:
        """Relative paths of every file in the binder directory, sorted, never leaving it."""
        try:
            return walk.list_files(self.root, self.config_dir)
        except walk.WalkError as exc:
            raise _error(exc, self.origin(exc.rel or ".")) from None

    def origin(self, rel: str) -> Origin:
        from bindermerge.model import Origin

        path = os.path.join(self.display_dir, rel)
        if rel.startswith(ROOT_PREFIX):  # src/binder/../init_db -> src/init_db
            path = os.path.normpath(path)
        return Origin(self.name, rel, path, in_binder_dir=self.in_binder_dir)

    def _full(self, rel: str) -> str:
        if rel.startswith(ROOT_PREFIX):
            return os.path.join(self.script_root, *rel[len(ROOT_PREFIX) :].split("/"))
        return os.path.join(self.config_dir, rel)

    def root_files(self) -> list[str]:
        """Files of the repository root, outside the binder directory, that the binder
        directory's scripts use (paths relative to the root, sorted; see
        :func:`bindermerge.sources.walk.used_root_files`). Empty for a source without a binder
        directory: its root is its configuration directory, all of it already in :meth:`files`.
        """
        if self._root_files is None:
            found: list[str] = []
            if self.in_binder_dir:
                try:
                    found = walk.used_root_files(self.script_root, self.config_dir, self.paths())
                except walk.WalkError as exc:
                    raise _error(exc, self.origin(ROOT_PREFIX + (exc.rel or "."))) from None
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

    def digest(self) -> str:
        d = FileDigest()
        if self._files is not None:  # the files already read for the merge: no second read
            for f in self._files:
                d.file(f.name, f.executable, f.data)
            return d.hexdigest()
        names = walk.list_files(self.root, self.config_dir)
        names += [ROOT_PREFIX + rel for rel in self.root_files()]
        for rel in names:
            full = self._full(rel)
            with open(full, "rb") as fh:
                data = fh.read()
            d.file(rel, bool(os.stat(full).st_mode & 0o111), data)
        return d.hexdigest()

    def record(self) -> dict[str, str]:
        return {"name": self.name, "kind": KIND}

    def _read(self, rel: str) -> SourceFile:
        from bindermerge.errors import InputError
        from bindermerge.sources.base import SourceFile

        full = self._full(rel)
        try:
            st = os.stat(full)
            if not stat.S_ISREG(st.st_mode):
                raise InputError("not a regular file", self.origin(rel))
            with open(full, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", self.origin(rel)) from None
        return SourceFile(self.origin(rel), data, stat.S_IMODE(st.st_mode))


def _error(exc: walk.WalkError, origin: Origin | None = None, path: str | None = None) -> Exception:
    from bindermerge.errors import SourceError, UnsafePathError

    cls = UnsafePathError if exc.unsafe else SourceError
    return cls(exc.message, origin, path=path)


def open_local(spec: str, name: str) -> LocalSource:
    """Open a local directory. Raises :class:`~bindermerge.errors.SourceError` when it is
    missing or has both binder dirs, :class:`~bindermerge.errors.UnsafePathError` when its
    binder directory is a link leaving it."""
    display = spec.rstrip("/\\") or spec
    try:
        cdir = walk.config_dir(spec)
    except walk.WalkError as exc:
        raise _error(exc, path=display) from None
    return LocalSource(spec=spec, name=name, root=spec, config_dir=cdir)
