"""A git repository at one commit as a source: :class:`GitSource`.

Opening one costs nothing: the commit is resolved when first asked for (the recorded pin, a
full commit id, or ``git ls-remote``), fetched into the cache when its files are first read,
and read from the object store (:mod:`.tree`) under the cache entry's shared lock. Its files
follow the rules of a local directory (:class:`~bindermerge.sources.tree.TreeSource`): the
same binder directory, the same root files, the same refusal of links leaving the source.
Its digest is that of what names its content (URL, commit, SUBDIR), so the fast ``--check``
needs neither git, the cache nor the network for a pinned source. Standard library only.
"""

from __future__ import annotations

import hashlib

from bindermerge.sources import walk
from bindermerge.sources.tree import ROOT_PREFIX, TreeSource, source_error

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bindermerge.model import Origin
    from bindermerge.sources.base import SourceFile
    from bindermerge.sources.git.cache import CacheEntry
    from bindermerge.sources.git.command import GitError
    from bindermerge.sources.git.tree import GitTree
    from bindermerge.sources.spellings import GitSpec

KIND = "git"


class GitSource(TreeSource):
    """A git repository at one commit (implements :class:`bindermerge.sources.base.Source`).

    ``git`` is the parsed spec; ``pin`` the commit recorded by an earlier merge (the output's
    manifest), used instead of resolving REF again. With ``run_git=False`` (the fast
    ``--check``) the source must be pinned and anything needing git raises.
    """

    __slots__ = ("git", "pin", "run_git", "_commit", "_layout", "_entry")

    kind = KIND

    def __init__(
        self, spec: str, name: str, git: GitSpec, *, pin: str | None = None, run_git: bool = True
    ) -> None:
        super().__init__(spec, name)
        self.git = git
        self.pin = pin
        self.run_git = run_git
        self._commit: str | None = None
        self._layout: tuple[GitTree, str] | None = None
        self._entry: CacheEntry | None = None

    def __repr__(self) -> str:
        return f"GitSource({self.shown!r}, name={self.name!r})"

    # -- what it is

    @property
    def shown(self) -> str:
        """The source as messages name it: its canonical spelling, without credentials."""
        return self.git.display()

    @property
    def url(self) -> str:
        """The URL without credentials (what is recorded, shown and digested)."""
        return self.git.public_url

    @property
    def commit(self) -> str:
        """The full commit id the source stands for (resolved once, on first use)."""
        if self._commit is None:
            self._commit = self._resolve()
        return self._commit

    @property
    def identity(self) -> str:
        """URL, commit and SUBDIR: two specs naming the same content are the same source."""
        return f"git {self.url} {self.commit} {self.git.subdir or ''}"

    @property
    def script_root(self) -> str:
        """The repository root at the commit (there is no directory on disk)."""
        return f"{self.url}@{self.commit}"

    @property
    def local_root(self) -> None:
        return None  # nothing on disk but the cache, which is bindermerge's (cache.inside_cache)

    def digest(self) -> str:
        """``sha256:...`` of kind, URL, commit and SUBDIR: a commit names its content."""
        text = f"{KIND}\n{self.url}\n{self.commit}\n{self.git.subdir or ''}\n"
        return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()

    def record(self) -> dict[str, str]:
        return {
            "name": self.name,
            "kind": KIND,
            "spec": self.git.display(),
            "url": self.url,
            "ref": self.git.ref or "HEAD",
            "commit": self.commit,
            "subdir": self.git.subdir or "",
        }

    # -- resolving and fetching

    @property
    def entry(self) -> CacheEntry:
        """The cache entry of the URL (nothing is created until it is used)."""
        if self._entry is None:
            from bindermerge.sources.git.cache import CacheEntry

            self._entry = CacheEntry(self.url)
        return self._entry

    def _need_git(self) -> None:
        if not self.run_git:
            from bindermerge.errors import SourceError

            raise SourceError("has no recorded commit, so git must resolve it", path=self.shown)

    def _resolve(self) -> str:
        if self.pin:
            return self.pin
        ref = self.git.ref
        if self.git.is_commit and ref is not None:
            return ref.lower()
        self._need_git()
        from bindermerge.sources.git import command, remote

        try:
            sha, _what = remote.resolve(self.git.url, ref)
        except remote.AmbiguousRef as exc:
            raise self._error(str(exc)) from None
        except command.GitError as exc:
            raise self._git_failed(exc, "reach") from None
        if sha is not None:
            return sha
        if ref is None or ref == "HEAD":
            raise self._error(f"{self.url} has no default branch (is the repository empty?)")
        if not self.git.may_be_commit:
            raise self._unknown_ref(ref)
        found = self._abbreviated(ref.lower())
        if found is None:
            raise self._unknown_ref(ref)
        return found

    def _abbreviated(self, prefix: str) -> str | None:
        from bindermerge.sources.git import command, remote

        entry = self.entry
        try:
            with entry.locked(exclusive=True):
                entry.ensure()
                found = remote.find_abbreviated(entry, prefix)
                if found is None:
                    remote.fetch_everything(entry, self.git.url)
                    found = remote.find_abbreviated(entry, prefix)
                if found is not None:
                    entry.pin(found)
                return found
        except remote.AmbiguousRef as exc:
            raise self._error(str(exc)) from None
        except command.GitError as exc:
            raise self._git_failed(exc, "fetch from") from None

    def _fetch(self, commit: str) -> None:
        """Make sure the cache holds ``commit``: no lock held but the shared one when it does,
        an exclusive one to fetch it (exactly that commit, shallow)."""
        from bindermerge.sources.git import command, remote

        entry = self.entry
        try:
            with entry.locked(exclusive=False):
                if entry.has(commit):
                    return
            self._need_git()
            with entry.locked(exclusive=True):
                if not entry.ready():
                    entry.reset()
                elif entry.has(commit):  # another process fetched it meanwhile
                    return
                elif entry.lists(commit):  # fetched once, unreadable now: start afresh
                    entry.reset()
                try:
                    remote.fetch_commit(entry, self.git.url, commit)
                except LookupError:
                    raise self._commit_gone(commit) from None
                if not entry.has(commit):
                    raise self._commit_gone(commit)
        except command.GitError as exc:
            raise self._git_failed(exc, "fetch from") from None

    # -- reading

    def layout(self) -> tuple[GitTree, str]:
        if self._layout is None:
            self.files()
        assert self._layout is not None
        return self._layout

    def files(self) -> list[SourceFile]:
        """The files of the binder directory at the commit, then the root files its scripts
        use: read from the cache (fetched first if missing); an entry found corrupt is
        fetched again from scratch, never used."""
        if self._files is None:
            from bindermerge.sources.git import command
            from bindermerge.sources.git.cache import CacheCorrupt

            self._need_git()
            commit = self.commit
            self._fetch(commit)
            entry = self.entry
            try:
                try:
                    with entry.locked(exclusive=False):
                        return self._read_all(commit)
                except CacheCorrupt:
                    pass
                with entry.locked(exclusive=True):
                    try:
                        return self._read_all(commit)  # another process may have repaired it
                    except CacheCorrupt:
                        pass
                    entry.reset()
                self._fetch(commit)
                with entry.locked(exclusive=False):
                    try:
                        return self._read_all(commit)
                    except CacheCorrupt as exc:
                        raise self._error(
                            f"the cache entry {entry.path} cannot be read even after fetching "
                            f"again: {exc}"
                        ) from None
            except command.GitError as exc:
                raise self._git_failed(exc, "read the cache of") from None
        return super().files()

    def _read_all(self, commit: str) -> list[SourceFile]:
        from bindermerge.sources.git.tree import GitTree, Listing, ObjectReader

        self._files = self._paths = self._root_files = None
        self._layout = None
        reader = ObjectReader(self.entry.repo)
        try:
            try:
                listing = Listing.read(self.entry.repo, commit, reader)
            except walk.WalkError as exc:
                raise source_error(exc, path=self.shown) from None
            prefix = ""
            subdir = self.git.subdir
            if subdir:
                target = listing.follow(subdir)
                if target is None:
                    raise source_error(
                        walk.WalkError(f"SUBDIR {subdir!r} is a symlink leading out of the "
                                       "repository", unsafe=True),
                        path=self.shown,
                    )  # fmt: skip
                kind = listing.kind(target)
                if kind == "submodule":
                    raise self._error(f"SUBDIR {subdir!r} is a git submodule, never fetched")
                if kind != "dir":
                    at = f"at commit {commit[:12]}"
                    raise self._error(f"SUBDIR {subdir!r} is not a folder of {self.url} {at}")
                prefix = target
            tree = GitTree(listing, prefix)
            try:
                cdir = walk.config_dir(tree)
            except walk.WalkError as exc:
                raise source_error(exc, path=self.shown) from None
            self._layout = (tree, cdir)
            return TreeSource.files(self)
        finally:
            reader.close()

    def origin(self, rel: str) -> Origin:
        """``gh:o/r@main:binder/apt.txt``: the spec, then the path in the repository (git's
        own ``<rev>:<path>``)."""
        from bindermerge.model import Origin

        tree, cdir = self.layout()
        if rel.startswith(ROOT_PREFIX):
            path = walk.join(tree.parent_of(cdir).prefix, rel[len(ROOT_PREFIX) :])
        else:
            path = walk.join(walk.join(tree.prefix, cdir), rel) if rel != "." else cdir
        where = f"{self.git.display(subdir=False)}:{path or '.'}"
        return Origin(self.name, rel, where, in_binder_dir=self.in_binder_dir)

    # -- errors

    def _error(self, message: str) -> Exception:
        from bindermerge.errors import SourceError

        return SourceError(message, path=self.shown)

    def _unknown_ref(self, ref: str) -> Exception:
        from bindermerge.errors import UnreachableSourceError

        return UnreachableSourceError(
            f"unknown REF {ref!r}: {self.url} has no branch, tag or commit of that name",
            path=self.shown,
        )

    def _commit_gone(self, commit: str) -> Exception:
        from bindermerge.errors import UnreachableSourceError

        if self.pin == commit:
            return UnreachableSourceError(
                f"the recorded commit {commit[:12]} is no longer in {self.url}; "
                f"run with --update={self.name} to follow {self.git.ref or 'its default branch'}",
                path=self.shown,
            )
        return UnreachableSourceError(
            f"unknown REF {commit!r}: {self.url} has no such commit", path=self.shown
        )

    def _git_failed(self, exc: GitError, doing: str) -> Exception:
        from bindermerge.errors import SourceError, UnreachableSourceError

        if exc.missing:
            return SourceError(exc.message, path=self.shown)
        if exc.timed_out:
            return UnreachableSourceError(exc.message, path=self.shown)
        return UnreachableSourceError(f"cannot {doing} {self.url}: {exc.message}", path=self.shown)


def open_git(spec: str, name: str, *, pin: str | None = None, run_git: bool = True) -> GitSource:
    """Open a git source spec (nothing runs yet); :class:`~bindermerge.errors.SourceError`
    when it fits no spelling, saying which exist."""
    from bindermerge.sources.spellings import SPELLINGS_TEXT, SpecError, parse_git

    try:
        git = parse_git(spec)
    except SpecError as exc:
        from bindermerge.errors import SourceError

        text = str(exc)
        if SPELLINGS_TEXT not in text:
            text += f" (git sources are spelled {SPELLINGS_TEXT})"
        raise SourceError(text, path=spec) from None
    return GitSource(spec, name, git, pin=pin, run_git=run_git)
