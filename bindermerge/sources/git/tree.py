"""A commit's files read straight from a cache entry's object store, never checked out.

``git ls-tree -r -z <commit>`` lists every path with its mode and object id (no blob is read);
``git cat-file --batch`` then reads the blobs a merge needs, one at a time, and nothing else:
a 50 MB file in an unrelated folder costs a line of the listing. Nothing of the repository is
ever written to disk, so no link in it can be followed on disk either: links (mode 120000) are
resolved inside the tree by :meth:`GitTree.follow`, and one that leaves the source is refused
by the rules of :mod:`bindermerge.sources.walk`. Submodules (mode 160000) are listed as
such and never fetched.
"""

from __future__ import annotations

import errno
import posixpath
import subprocess

from bindermerge.sources.git import command
from bindermerge.sources.git.cache import CacheCorrupt

# ls-tree's modes (100664: written by very old gits); a tree (040000) never shows with -r.
KINDS = {"100644": "file", "100755": "file", "100664": "file"}
KINDS.update({"120000": "link", "160000": "submodule"})
MAX_LINK = 4096  # PATH_MAX: a longer "link" is no link a checkout could make
_MAX_HOPS = 40  # as the kernel's limit on links followed in one path


class ObjectReader:
    """One ``git cat-file --batch`` process reading blobs by id, on demand."""

    def __init__(self, repo: str) -> None:
        self.repo = repo
        self._proc: subprocess.Popen[bytes] | None = None

    def read(self, oid: str) -> bytes:
        """The bytes of blob ``oid``; :class:`CacheCorrupt` when it is missing or unreadable."""
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(oid.encode("ascii") + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().decode("ascii", "replace").split()
        except OSError:
            header = []
        if len(header) != 3 or header[0] != oid:
            self.close()
            raise CacheCorrupt(f"object {oid} is {' '.join(header[1:]) or 'unreadable'}")
        size = int(header[2])
        data = proc.stdout.read(size)
        proc.stdout.read(1)  # the newline after the contents
        if len(data) != size:
            self.close()
            raise CacheCorrupt(f"object {oid} is truncated")
        if header[1] not in ("blob",):
            raise CacheCorrupt(f"object {oid} is a {header[1]}, not a file")
        return data

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            try:
                self._proc = subprocess.Popen(
                    ["git", f"--git-dir={self.repo}", "cat-file", "--batch"],
                    env=command.environment(network=False),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            except FileNotFoundError:
                raise command.GitError(command.NO_GIT, missing=True) from None
        return self._proc

    def close(self) -> None:
        """End the process (it ends by itself at the end of its input)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            command.kill(proc)
        if proc.stdout is not None:
            proc.stdout.close()


class Listing:
    """Every path of a commit (``ls-tree -r``): its kind, mode and object id, and the names in
    each directory. Paths are text, bytes that are not UTF-8 kept as surrogate escapes (as
    the file system gives them)."""

    def __init__(self, entries: dict[str, tuple[str, str, str]], reader: ObjectReader) -> None:
        self.entries = entries  # path -> (kind, mode, object id)
        self.reader = reader
        self.dirs: dict[str, set[str]] = {"": set()}
        for path in entries:
            parts = path.split("/")
            for i, name in enumerate(parts):
                self.dirs.setdefault("/".join(parts[:i]), set()).add(name)
        self._links: dict[str, str | None] = {}

    @classmethod
    def read(cls, repo: str, commit: str, reader: ObjectReader) -> Listing:
        """The listing of ``commit``; :class:`CacheCorrupt` when git cannot read its trees."""
        try:
            out = command.run(["ls-tree", "-r", "-z", "--full-tree", commit], git_dir=repo)
        except command.GitError as exc:
            if exc.missing or exc.timed_out:
                raise
            raise CacheCorrupt(exc.message) from None
        entries: dict[str, tuple[str, str, str]] = {}
        for record in out.split(b"\0"):
            if not record:
                continue
            head, _, raw = record.partition(b"\t")
            mode, _kind, oid = head.decode("ascii").split(" ")
            path = raw.decode("utf-8", "surrogateescape")
            for part in path.split("/"):
                if part in ("", ".", ".."):
                    from bindermerge.sources.walk import WalkError

                    # git refuses to check such a tree out; it can only be made on purpose.
                    raise WalkError(
                        f"the repository has a path named {path!r}, which git itself "
                        "refuses to check out",
                        path,
                        unsafe=True,
                    )
            entries[path] = (KINDS.get(mode, "other"), mode, oid)
        return cls(entries, reader)

    def kind(self, full: str) -> str | None:
        entry = self.entries.get(full)
        if entry is not None:
            return entry[0]
        return "dir" if full in self.dirs else None

    def link(self, full: str) -> str | None:
        """What the link at ``full`` says; None when it cannot be a link (too long, NUL)."""
        if full not in self._links:
            data = self.reader.read(self.entries[full][2])
            ok = len(data) <= MAX_LINK and b"\0" not in data and data
            self._links[full] = data.decode("utf-8", "surrogateescape") if ok else None
        return self._links[full]

    def follow(self, full: str) -> str | None:
        """The repository path ``full`` leads to with every link on the way resolved, as the
        kernel would in a checkout; None when it leaves the repository. A missing path is
        returned as it would be named (a dangling link: nothing there)."""
        todo = [p for p in full.split("/") if p not in ("", ".")]
        done: list[str] = []
        hops = 0
        while todo:
            part = todo.pop(0)
            if part == "..":
                if not done:
                    return None
                done.pop()
                continue
            here = "/".join([*done, part])
            if self.kind(here) != "link":
                done.append(part)
                continue
            hops += 1
            if hops > _MAX_HOPS:  # a loop: the link itself, which is no file (as on disk)
                return "/".join([here, *todo])
            text = self.link(here)
            if text is None or text.startswith("/"):
                return None  # absolute: outside any checkout
            todo = [p for p in text.split("/") if p not in ("", ".")] + todo
        return "/".join(done)


class GitTree:
    """The tree of a commit below ``prefix`` (``""``: the repository), as
    :mod:`bindermerge.sources.walk` asks about trees: links leaving ``prefix`` lead out."""

    __slots__ = ("listing", "prefix")

    def __init__(self, listing: Listing, prefix: str = "") -> None:
        self.listing = listing
        self.prefix = prefix

    def __repr__(self) -> str:
        return f"GitTree({self.prefix!r})"

    def _full(self, path: str) -> str:
        if not path:
            return self.prefix
        return f"{self.prefix}/{path}" if self.prefix else path

    def kind(self, path: str) -> str | None:
        return self.listing.kind(self._full(path))

    def names(self, path: str) -> list[str]:
        return sorted(self.listing.dirs.get(self._full(path), ()))

    def follow(self, path: str) -> str | None:
        target = self.listing.follow(self._full(path))
        if target is None:
            return None
        if not self.prefix:
            return target
        if target == self.prefix:
            return ""
        if target.startswith(self.prefix + "/"):
            return target[len(self.prefix) + 1 :]
        return None

    def link_text(self, path: str) -> str:
        text = self.listing.link(self._full(path))
        return text if text is not None else "an impossible link"

    def real_name(self, path: str) -> str:
        target = self.follow(path)
        full = self._full(target if target is not None else path)
        return posixpath.basename(full)

    def parent_of(self, path: str) -> GitTree:
        target = self.follow(path)
        full = self._full(target if target is not None else path)
        return GitTree(self.listing, posixpath.dirname(full))

    def read(self, path: str) -> bytes:
        entry = self.listing.entries.get(self._full(path))
        if entry is None or entry[0] != "file":
            raise FileNotFoundError(errno.ENOENT, "not a file of the commit", path)
        return self.listing.reader.read(entry[2])

    def mode(self, path: str) -> int:
        entry = self.listing.entries.get(self._full(path))
        return 0o755 if entry is not None and entry[1] == "100755" else 0o644
