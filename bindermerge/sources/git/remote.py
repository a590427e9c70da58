"""Asking a remote: which commit a REF names (``git ls-remote``), and fetching exactly that
commit into a cache entry (``git fetch --depth 1 <url> <commit>``).

A commit id the server refuses to send by id (an old server, ``uploadpack.allowAnySHA1InWant``
off), or an abbreviated one, is found by a fuller fetch of the branches and tags and
``git rev-parse``. Each function raises :class:`~bindermerge.sources.git.command.GitError`
when git fails; the caller words the error for the source.
"""

from __future__ import annotations

from bindermerge.sources.git import command
from bindermerge.sources.git.cache import PIN_REFS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bindermerge.sources.git.cache import CacheEntry

ALL_REFS = "refs/bindermerge-all/"
_FETCH = ("fetch", "--quiet", "--no-tags", "--no-recurse-submodules")


class AmbiguousRef(Exception):
    """A REF that is both a branch and a tag (on different commits), or an abbreviation
    matching several commits; the message says what to write instead."""


def resolve(url: str, ref: str | None) -> tuple[str | None, str]:
    """``(commit, what it is)`` for REF on the remote: ``what`` is ``branch main``,
    ``tag v1`` or ``default branch main``. ``(None, "")`` when the remote has no such ref.

    Without REF (or with ``HEAD``): the remote's default branch. A tag is peeled to the commit
    it names (``refs/tags/v1^{}``). REF may be a full ref name (``refs/heads/x``).
    """
    if ref is None or ref == "HEAD":
        out = _ls_remote(["--symref", url, "HEAD"])
        default, sha = "", None
        for line in out:
            if line.startswith("ref: ") and line.endswith("\tHEAD"):
                default = line[5:-5].removeprefix("refs/heads/")
            elif line.endswith("\tHEAD"):
                sha = line.split("\t", 1)[0]
        return sha, f"default branch {default}".rstrip()
    if ref.startswith("refs/"):
        refs = _refs(_ls_remote([url, ref, ref + "^{}"]))
        found = refs.get(ref + "^{}") or refs.get(ref)
        return found, ref
    heads, tags = f"refs/heads/{ref}", f"refs/tags/{ref}"
    refs = _refs(_ls_remote([url, heads, tags, tags + "^{}"]))
    branch = refs.get(heads)
    tag = refs.get(tags + "^{}") or refs.get(tags)
    if branch and tag and branch != tag:
        raise AmbiguousRef(
            f"REF {ref!r} is both a branch and a tag on different commits; "
            f"write @{heads} or @{tags}"
        )
    if branch:
        return branch, f"branch {ref}"
    return (tag, f"tag {ref}") if tag else (None, "")


def _ls_remote(args: list[str]) -> list[str]:
    out = command.run(["ls-remote", *args], network=True)
    return out.decode("utf-8", "surrogateescape").splitlines()


def _refs(lines: list[str]) -> dict[str, str]:
    refs = {}
    for line in lines:
        sha, _, name = line.partition("\t")
        if name:
            refs[name] = sha
    return refs


def fetch_commit(entry: CacheEntry, url: str, commit: str) -> None:
    """Fetch ``commit`` (a full id) into ``entry``, shallow, under the ref that keeps it.

    Raises :class:`LookupError` when the remote answered but does not have the commit, and
    :class:`~bindermerge.sources.git.command.GitError` when git failed."""
    try:
        command.run(
            [*_FETCH, "--depth=1", url, f"+{commit}:{PIN_REFS}{commit}"],
            git_dir=entry.repo,
            network=True,
        )
        return
    except command.GitError as exc:
        if exc.missing or exc.timed_out:
            raise
    # The server would not send it by id: fetch what it advertises and look for it there.
    fetch_everything(entry, url)
    if _commit_of(entry, commit) != commit:
        raise LookupError(commit)
    entry.pin(commit)


def fetch_everything(entry: CacheEntry, url: str) -> None:
    """Fetch every branch and tag with their whole history (a shallow entry is deepened)."""
    args = [*_FETCH]
    if entry.is_shallow():
        args.append("--unshallow")
    args += [url, f"+refs/heads/*:{ALL_REFS}heads/*", f"+refs/tags/*:{ALL_REFS}tags/*"]
    command.run(args, git_dir=entry.repo, network=True)


def find_abbreviated(entry: CacheEntry, prefix: str) -> str | None:
    """The one commit of ``entry`` whose id starts with ``prefix`` (4 or more hex digits), or
    None; :class:`AmbiguousRef` when several do."""
    try:
        out = command.run(["rev-parse", f"--disambiguate={prefix}"], git_dir=entry.repo)
    except command.GitError as exc:
        if exc.missing or exc.timed_out:
            raise
        return None
    candidates = out.decode("ascii", "replace").split()
    if not candidates:
        return None
    checked = command.run(
        ["cat-file", "--batch-check"],
        git_dir=entry.repo,
        input="".join(c + "\n" for c in candidates).encode(),
    )
    commits = [
        line.split(" ")[0]
        for line in checked.decode("ascii", "replace").splitlines()
        if line.split(" ")[1:2] == ["commit"]
    ]
    if len(commits) > 1:
        shown = ", ".join(c[:12] for c in sorted(commits)[:4])
        raise AmbiguousRef(f"REF {prefix!r} is the start of several commits ({shown}); give more")
    return commits[0] if commits else None


def _commit_of(entry: CacheEntry, name: str) -> str | None:
    try:
        out = command.run(
            ["rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"], git_dir=entry.repo
        )
    except command.GitError as exc:
        if exc.missing or exc.timed_out:
            raise
        return None
    return out.decode("ascii", "replace").strip() or None
