"""A branch of the user's repository, read and written with git's plumbing only.

``bindermerge basebox`` commits onto a branch without a checkout: blobs and trees go into the
object store (``hash-object``, ``mktree``), the commit is made with ``commit-tree`` and the
branch moved with ``update-ref`` against the commit it was read at. HEAD, the index, the work
tree, untracked files and stashes are never read or written, so the user's checkout is exactly
as it was whether a run succeeds or fails. Every command goes through
:mod:`bindermerge.sources.git.command`: no prompt, no hook, a timeout.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from bindermerge.errors import OutputError
from bindermerge.sources.git import command

EMPTY = ""  # update-ref's "this ref must not exist yet"


class BranchError(OutputError):
    """The repository or the branch cannot be used as asked (exit 2)."""


@dataclass(frozen=True)
class Entry:
    """A file of a commit: its mode (``100644``, ``100755``, ``120000``) and blob."""

    mode: str
    blob: str


@dataclass(frozen=True)
class Repository:
    """A git repository on disk: its git directory and its work tree's root."""

    git_dir: str
    root: str

    def git(self, *args: str, input: bytes | None = None, network: bool = False) -> bytes:
        try:
            return command.run(list(args), git_dir=self.git_dir, input=input, network=network)
        except command.GitError as exc:
            raise BranchError(f"{exc.command}: {exc.message}") from None

    def text(self, *args: str) -> str:
        return self.git(*args).decode("utf-8", "surrogateescape").strip()


def open_repository(directory: str) -> Repository:
    """The repository holding ``directory``; :class:`BranchError` when there is none."""
    try:
        out = command.run(
            ["-C", directory, "rev-parse", "--absolute-git-dir", "--show-toplevel"]
        ).decode("utf-8", "surrogateescape")
    except command.GitError as exc:
        if exc.missing:
            raise BranchError(exc.message) from None
        raise BranchError(f"{directory}: not in a git repository ({exc.message})") from None
    lines = out.splitlines()
    git_dir = lines[0]
    root = lines[1] if len(lines) > 1 else os.path.dirname(git_dir)  # a bare repository
    return Repository(git_dir, root)


def check_branch_name(repo: Repository, name: str) -> str:
    """``refs/heads/NAME`` for a valid branch name; :class:`BranchError` otherwise."""
    # git's own rules for a branch name (``git branch`` refuses HEAD and @{-1} forms too).
    if not name or name.startswith("-") or name == "HEAD" or "@{" in name:
        raise BranchError(f"--branch {name!r} is not a branch name git accepts")
    try:
        repo.git("check-ref-format", f"refs/heads/{name}")
    except BranchError:
        raise BranchError(f"--branch {name!r} is not a branch name git accepts") from None
    return f"refs/heads/{name}"


def head_of(repo: Repository, ref: str) -> str | None:
    """The commit ``ref`` points at, or None when it does not exist."""
    try:
        out = repo.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except BranchError:
        return None
    return out.decode().strip() or None


def checked_out(repo: Repository, ref: str) -> str | None:
    """The work tree that has ``ref`` checked out (moving it would change what that work
    tree's status says), or None."""
    listing = repo.git("worktree", "list", "--porcelain", "-z").decode("utf-8", "surrogateescape")
    tree = None
    for field in listing.split("\0"):
        if field.startswith("worktree "):
            tree = field[len("worktree ") :]
        elif field == f"branch {ref}":
            return tree or repo.root
    return None


def files_of(repo: Repository, commit: str) -> dict[str, Entry]:
    """Every file of ``commit``: path -> entry (submodules and the like included, as
    mode ``160000``, so nothing the branch holds goes unseen)."""
    out = repo.git("ls-tree", "-r", "-z", "--full-tree", commit)
    entries = {}
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        if not record:
            continue
        meta, path = record.split("\t", 1)
        mode, _type, blob = meta.split(" ")
        entries[path] = Entry(mode, blob)
    return entries


def read_blobs(repo: Repository, blobs: list[str]) -> list[bytes]:
    """The contents of ``blobs``, in order, with one ``cat-file --batch``."""
    if not blobs:
        return []
    out = repo.git("cat-file", "--batch", input="".join(f"{b}\n" for b in blobs).encode())
    contents = []
    at = 0
    for _blob in blobs:
        newline = out.index(b"\n", at)
        header = out[at:newline].split(b" ")
        size = int(header[2])
        start = newline + 1
        contents.append(out[start : start + size])
        at = start + size + 1  # the content is followed by a newline
    return contents


def write_tree(repo: Repository, files: dict[str, tuple[str, bytes]]) -> str:
    """A tree holding ``files`` (path -> (mode, bytes)), folders included; its id."""
    blobs = {path: (mode, _store(repo, data)) for path, (mode, data) in files.items()}
    return _mktree(repo, blobs)


def _store(repo: Repository, data: bytes) -> str:
    return repo.git("hash-object", "-w", "--no-filters", "--stdin", input=data).decode().strip()


def _mktree(repo: Repository, entries: dict[str, tuple[str, str]]) -> str:
    here: dict[str, tuple[str, str, str]] = {}  # name -> (mode, type, id)
    below: dict[str, dict[str, tuple[str, str]]] = {}
    for path, (mode, blob) in entries.items():
        head, sep, rest = path.partition("/")
        if sep:
            below.setdefault(head, {})[rest] = (mode, blob)
        else:
            here[head] = (mode, "blob", blob)
    for name, inner in below.items():
        here[name] = ("040000", "tree", _mktree(repo, inner))
    listing = "".join(f"{m} {t} {i}\t{n}\0" for n, (m, t, i) in sorted(here.items()))
    return (
        repo.git("mktree", "-z", input=listing.encode("utf-8", "surrogateescape")).decode().strip()
    )


def tree_of(repo: Repository, commit: str) -> str:
    return repo.text("rev-parse", f"{commit}^{{tree}}")


def commit(repo: Repository, tree: str, parent: str | None, message: str) -> str:
    """A new commit of ``tree`` on ``parent`` (none: an orphan); its id."""
    args = ["commit-tree", tree, "-F", "-"]
    if parent is not None:
        args[2:2] = ["-p", parent]
    try:
        return command.run(args, git_dir=repo.git_dir, input=message.encode()).decode().strip()
    except command.GitError as exc:
        hint = ""
        if "identity" in exc.message.lower() or "user.email" in exc.message:
            hint = " (set git config user.name and user.email)"
        raise BranchError(f"git commit-tree: {exc.message}{hint}") from None


def move(repo: Repository, ref: str, new: str, old: str | None) -> None:
    """Point ``ref`` at ``new`` if it still points at ``old`` (None: if it does not exist):
    another process moving the branch meanwhile makes this fail instead of losing its work."""
    repo.git("update-ref", "-m", "bindermerge basebox", ref, new, old or EMPTY)


def push(repo: Repository, remote: str, ref: str) -> None:
    """Push ``ref`` to the same name on ``remote``."""
    repo.git("push", "--quiet", "--no-verify", remote, f"{ref}:{ref}", network=True)


def remote_url(repo: Repository, remote: str) -> str | None:
    """The URL configured for ``remote`` (as written: not rewritten by ``insteadOf``, which
    may point at a mirror or a local path no hub can name), or None without such a remote."""
    try:
        return repo.text("config", "--get", f"remote.{remote}.url") or None
    except BranchError:
        return None


def check_push_target(repo: Repository, remote: str) -> None:
    """Refuse, before anything is committed, a push to a remote that does not exist."""
    if "/" in remote or ":" in remote:  # a URL or a path: git will say if it cannot reach it
        return
    if remote_url(repo, remote) is None:
        raise BranchError(f"--push {remote}: the repository has no remote named {remote}")
