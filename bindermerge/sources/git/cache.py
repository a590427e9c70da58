"""The cache of git sources: one bare repository per URL, locked while it changes.

Layout, under ``$XDG_CACHE_HOME/bindermerge/git/`` (default ``~/.cache/bindermerge/git/``)::

    <name>-<hash>/          one entry per URL (hash: sha256 of the URL without credentials)
        repo.git/           a bare repository, created without templates (so without hooks)
        complete            written last, once the repository exists and is configured
    <name>-<hash>.lock      flock(2) target: shared while reading, exclusive while changing

An entry is used only when ``complete`` names its URL; a commit only when the ref
``refs/bindermerge/<commit>`` (written by git at the end of a complete fetch) leads to a
readable tree. Anything else (a process killed halfway, objects truncated or deleted) is
found out, and the entry is made again from scratch (:meth:`CacheEntry.reset`), never used.
The lock file lives beside the entry, not in it, so replacing the entry never replaces the
lock other processes are waiting on.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from contextlib import contextmanager

from bindermerge.sources.git import command
from bindermerge.user_cache import user_cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

MARKER = "complete"
REPO = "repo.git"
PIN_REFS = "refs/bindermerge/"
_READABLE = re.compile(r"[^A-Za-z0-9._-]+")


def cache_root() -> str:
    """``$XDG_CACHE_HOME/bindermerge/git`` (``~/.cache`` when unset or not absolute)."""
    return os.path.join(user_cache(), "git")


def entry_key(url: str) -> str:
    """The entry's folder name: readable (the repository's name) and unique to the URL."""
    digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    last = url.rstrip("/").rsplit("/", 1)[-1]
    last = last[:-4] if last.endswith(".git") else last
    readable = _READABLE.sub("_", last).strip("._-")[:40] or "repo"
    return f"{readable}-{digest}"


class CacheCorrupt(Exception):
    """An object the cache should hold is missing or unreadable: fetch into a fresh entry."""


class CacheEntry:
    """The cache entry of one URL (credentials already removed by the caller)."""

    __slots__ = ("url", "path", "lock_path", "repo", "marker")

    def __init__(self, url: str, root: str | None = None) -> None:
        self.url = url
        base = root if root is not None else cache_root()
        key = entry_key(url)
        self.path = os.path.join(base, key)
        self.lock_path = os.path.join(base, key + ".lock")
        self.repo = os.path.join(self.path, REPO)
        self.marker = os.path.join(self.path, MARKER)

    def __repr__(self) -> str:
        return f"CacheEntry({self.url!r})"

    @contextmanager
    def locked(self, *, exclusive: bool) -> Iterator[None]:
        """Hold the entry's lock: shared to read, exclusive to create, fetch or reset."""
        import fcntl

        os.makedirs(os.path.dirname(self.lock_path), exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def ready(self) -> bool:
        """True when the entry was created completely, for this URL, and still looks like a
        repository (a removed or emptied ``repo.git`` is a broken entry)."""
        try:
            with open(self.marker, encoding="utf-8", errors="surrogateescape") as fh:
                if fh.read() != self.url + "\n":
                    return False
        except OSError:
            return False
        return os.path.isfile(os.path.join(self.repo, "HEAD")) and os.path.isdir(
            os.path.join(self.repo, "objects")
        )

    def ensure(self) -> None:
        """Create the entry unless it is complete (call with the exclusive lock held)."""
        if not self.ready():
            self.reset()

    def reset(self) -> None:
        """Remove whatever the entry holds and create it afresh (exclusive lock held)."""
        if os.path.lexists(self.path):
            # Renamed first, so a crash halfway through the removal leaves no half entry.
            doomed = f"{self.path}.old-{os.getpid()}"
            os.rename(self.path, doomed)
            shutil.rmtree(doomed, ignore_errors=True)
        os.makedirs(self.path)
        # No gc or maintenance ever prunes a pinned commit's objects: every command bindermerge
        # runs says so (command.run); nothing else works in the cache.
        command.run(["init", "--quiet", "--bare", "--template=", self.repo])
        tmp = self.marker + ".tmp"
        with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(self.url + "\n")
        os.replace(tmp, self.marker)

    def has(self, commit: str) -> bool:
        """True when the entry holds ``commit`` from a complete fetch: its ref leads to a
        readable commit and that commit's tree exists."""
        if not self.ready():
            return False
        ref = PIN_REFS + commit
        try:
            out = command.run(
                ["cat-file", "--batch-check"],
                git_dir=self.repo,
                input=f"{ref}^{{commit}}\n{ref}^{{tree}}\n".encode(),
            )
        except command.GitError as exc:
            if exc.missing or exc.timed_out:
                raise
            return False
        lines = out.decode("ascii", "replace").splitlines()
        return (
            len(lines) == 2
            and lines[0].startswith(commit + " commit ")
            and lines[1].split(" ")[1:2] == ["tree"]
        )

    def lists(self, commit: str) -> bool:
        """True when the entry has the ref of ``commit``: it fetched it once. With
        :meth:`has` False, the objects were deleted or truncated since (a broken entry)."""
        try:
            command.run(["rev-parse", "--verify", "--quiet", PIN_REFS + commit], git_dir=self.repo)
        except command.GitError as exc:
            if exc.missing or exc.timed_out:
                raise
            return False
        return True

    def pin(self, commit: str) -> None:
        """Keep ``commit`` with a ref of its own (fetched some other way than by its id)."""
        command.run(["update-ref", f"{PIN_REFS}{commit}", commit], git_dir=self.repo)

    def is_shallow(self) -> bool:
        return os.path.exists(os.path.join(self.repo, "shallow"))


def inside_cache(path: str) -> bool:
    """True when ``path`` is bindermerge's cache of git sources or lies inside it."""
    root = os.path.realpath(os.path.dirname(cache_root()))  # .../bindermerge
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)
