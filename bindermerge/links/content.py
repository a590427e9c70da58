"""The content repository an nbgitpuller link pulls, and the folder it lands in.

A content repository is given as a URL (``https://github.com/me/course``) or as a source
spelling (``gh:me/course[@BRANCH]``, ``gl:...``, ``git+URL[@BRANCH]``), or found from a
notebook's git remote (:func:`public_url` maps ``git@github.com:me/course.git`` and
``ssh://`` remotes to the https address a hub can clone, and drops credentials: a launch link
is shared). Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass

# Hosts that serve a repository at its address with and without ``.git``: a remote mapped to
# https drops the suffix there, so the folder nbgitpuller clones into is the repository's name.
FORGE_HOSTS = ("github.com", "gitlab.com")
CLONE_SCHEMES = ("https", "http", "git", "ssh")


@dataclass(frozen=True)
class Content:
    """A repository nbgitpuller pulls: its URL, the branch (None: the remote's default) and
    the folder to clone into (None: nbgitpuller's default, see :func:`clone_directory`)."""

    repo: str
    branch: str | None = None
    target_path: str | None = None

    def __post_init__(self) -> None:
        # nbgitpuller clones into repo.split('/')[-1]: after a trailing slash that is "", the
        # server's root itself. git clones the same repository without it.
        object.__setattr__(self, "repo", self.repo.rstrip("/"))


def clone_directory(content: Content) -> str:
    """The folder nbgitpuller clones ``content`` into, relative to the server's root.

    nbgitpuller's handlers use ``targetPath`` when given, else the last segment of the
    repository URL (``repo.split('/')[-1]``: ``course.git`` stays ``course.git``; a trailing
    slash was dropped when the :class:`Content` was made).
    """
    if content.target_path:
        return content.target_path
    return content.repo.split("/")[-1]


def content(
    repo: str,
    *,
    branch: str | None = None,
    target_path: str | None = None,
    what: str = "--content",
) -> Content:
    """Read a content repository given on the command line or by a caller.

    Raises :class:`~bindermerge.errors.UsageError` for something a hub cannot clone, a URL
    with credentials, an empty branch or target path, or a branch given twice.
    """
    from bindermerge.errors import UsageError
    from bindermerge.sources.spellings import FORGE_URLS, SpecError, is_git, parse_git

    if branch is not None and not branch:
        raise UsageError("--content-branch must not be empty")
    if target_path is not None:
        from bindermerge.links.apps import relative_path

        target_path = relative_path(target_path, "--target-path").rstrip("/")
        if not target_path:
            raise UsageError("--target-path must name a folder")
    if is_git(repo):
        try:
            parsed = parse_git(repo)
        except SpecError as exc:
            raise UsageError(f"{what} {repo!r}: {exc}") from None
        if parsed.subdir is not None:
            raise UsageError(f"{what} {repo!r}: nbgitpuller pulls a whole repository (no #SUBDIR)")
        if parsed.ref is not None and branch is not None:
            raise UsageError(f"{what} {repo!r} names a branch and so does --content-branch")
        branch = branch if branch is not None else parsed.ref
        forge = FORGE_URLS.get(parsed.forge)
        url = f"{forge}{parsed.repo_path}" if forge else parsed.url
    else:
        url = repo
    return Content(_clonable(url, what), branch, target_path)


def _clonable(url: str, what: str) -> str:
    from urllib.parse import urlsplit

    from bindermerge.errors import UsageError

    if not url or any(not c.isprintable() or c.isspace() for c in url):
        raise UsageError(f"{what} {url!r} is not a repository URL")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise UsageError(f"{what} {url!r} is not a repository URL: {exc}") from None
    if parts.scheme.lower() not in CLONE_SCHEMES or not parts.hostname:
        raise UsageError(
            f"{what} must be a URL a hub can clone "
            f"({', '.join(s + '://' for s in CLONE_SCHEMES)} or gh:/gl:), got {url!r}"
        )
    if parts.password is not None or (parts.username is not None and parts.scheme != "ssh"):
        raise UsageError(f"{what} must not carry credentials: a launch link is shared")
    if parts.query or parts.fragment:
        raise UsageError(f"{what} takes no query or fragment, got {url!r}")
    if not parts.path.strip("/"):
        raise UsageError(f"{what} {url!r} names no repository")
    return url


def public_url(remote: str) -> str | None:
    """The https address of a git remote, for a link others can open; None for a remote no
    hub can reach (a local path, ``file://``).

    ``git@host:path`` and ``ssh://[user@]host[:port]/path`` become ``https://host/path``;
    ``git://`` becomes https too; credentials in an https remote are dropped. ``.git`` is
    dropped on GitHub and GitLab, which serve the repository at both addresses.
    """
    from urllib.parse import urlsplit

    remote = remote.strip()
    scp = _scp_form(remote)
    if scp is not None:
        host, path = scp
        scheme = "https"
    else:
        try:
            parts = urlsplit(remote)
        except ValueError:
            return None
        if parts.scheme not in CLONE_SCHEMES or not parts.hostname:
            return None
        scheme = parts.scheme if parts.scheme in ("http", "https") else "https"
        host = parts.hostname
        if parts.port is not None and parts.scheme in ("http", "https"):
            host = f"{host}:{parts.port}"  # an ssh port says nothing about the https one
        path = parts.path
    path = path.strip("/")
    if not path:
        return None
    if host.lower() in FORGE_HOSTS:
        host = host.lower()
        if path.endswith(".git"):
            path = path[: -len(".git")]
    return f"{scheme}://{host}/{path}"


def _scp_form(remote: str) -> tuple[str, str] | None:
    """``[user@]host:path`` as git reads it: a colon before any slash, not ``scheme://``."""
    head, sep, path = remote.partition(":")
    if not sep or "/" in head or path.startswith("//") or not head:
        return None
    host = head.rsplit("@", 1)[-1]
    if len(host) == 1:  # git treats C:foo as a Windows path, not a host
        return None
    return host, path
