"""BinderHub launch URLs: ``<hub>/v2/<provider>/<repository>/<ref>[?urlpath=...]``.

The forms are BinderHub's (``docs/source/developer/repoproviders.rst`` and the UI's
``makeShareableUrl`` in ``LinkGenerator.jsx``): GitHub ``gh/OWNER/REPO/REF``; GitLab
``gl/<namespace, encodeURIComponent'd>/REF``; any other git server ``git/<clone URL,
encodeURIComponent'd>/REF``. The ref goes into the path as the WHATWG URL parser escapes it,
with one change: a ``%`` in a ref is written ``%25``, because BinderHub decodes the ref of
``gl``/``git`` specs (and GitHub decodes the one it is sent), so a raw ``%`` would name
another ref. ``urlpath`` is serialised as ``URLSearchParams`` does.

An environment is named by a git source spelling (``gh:OWNER/REPO[@REF]``, ``gl:...``,
``git+https://...[@REF]``, read by :mod:`bindermerge.sources.spellings`); without ``@REF``
the ref is ``HEAD``, the remote's default branch, which BinderHub resolves. Standard library
only; nothing here touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass

from bindermerge.links.urls import (
    base_url,
    encode_path_segment,
    encode_uri_component,
    form_urlencode,
)

DEFAULT_HUB = "https://mybinder.org"
DEFAULT_REF = "HEAD"
PROVIDERS = ("gh", "gl", "git")
# What a BinderHub can fetch from (GitRepoProvider.allowed_protocols' default).
FETCHABLE_SCHEMES = ("https", "http", "git", "ssh")


@dataclass(frozen=True)
class Environment:
    """A repository a BinderHub builds: BinderHub's provider name, the repository, the ref.

    ``repo`` is ``OWNER/REPO`` for ``gh``, the namespace (``GROUP/[SUBGROUP/]REPO``) for
    ``gl`` and the clone URL for ``git``. Build one with :func:`environment`.
    """

    provider: str
    repo: str
    ref: str = DEFAULT_REF

    @property
    def spec(self) -> str:
        """The environment as a source spelling: ``gh:OWNER/REPO@REF``."""
        name = f"git+{self.repo}" if self.provider == "git" else f"{self.provider}:{self.repo}"
        return f"{name}@{self.ref}"

    @property
    def repository_url(self) -> str:
        """The repository's address: ``https://github.com/OWNER/REPO``, GitLab's, or the URL."""
        if self.provider == "gh":
            return f"https://github.com/{self.repo}"
        if self.provider == "gl":
            return f"https://gitlab.com/{self.repo}"
        return self.repo

    def build_path(self) -> str:
        """The part of a launch URL after ``v2/``: ``gh/OWNER/REPO/REF``, escaped."""
        repo = self.repo if self.provider == "gh" else encode_uri_component(self.repo)
        return f"{self.provider}/{repo}/{encode_path_segment(self.ref, escape_percent=True)}"


def environment(spec: str, *, ref: str | None = None, what: str = "ENV") -> Environment:
    """Read an environment spelling; ``ref`` applies when the spelling has no ``@REF``.

    Raises :class:`~bindermerge.errors.UsageError` (naming ``what``) for a spelling that is
    not a git source, one with a ``#SUBDIR`` (BinderHub builds a whole repository), a
    repository a hub cannot fetch (``file://``) or a ref that git would not accept.
    """
    from bindermerge.errors import UsageError
    from bindermerge.sources.spellings import SPELLINGS_TEXT, SpecError, is_git, parse_git

    if not is_git(spec):
        raise UsageError(f"{what} {spec!r} is not a repository; spellings: {SPELLINGS_TEXT}")
    try:
        parsed = parse_git(spec)
    except SpecError as exc:
        raise UsageError(f"{what} {spec!r}: {exc}") from None
    if parsed.subdir is not None:
        raise UsageError(
            f"{what} {spec!r}: a BinderHub builds a whole repository; a #SUBDIR cannot be launched"
        )
    if parsed.forge == "git":
        scheme = parsed.url.split(":", 1)[0]
        if scheme not in FETCHABLE_SCHEMES:
            raise UsageError(
                f"{what} {spec!r}: a BinderHub cannot fetch a {scheme}:// repository "
                f"(it fetches {', '.join(s + '://' for s in FETCHABLE_SCHEMES)})"
            )
        repo = parsed.url
    else:
        repo = parsed.repo_path
    chosen = parsed.ref or ref or DEFAULT_REF
    check_ref(chosen, what)
    return Environment(parsed.forge, repo, chosen)


def check_ref(ref: str, what: str = "ENV") -> None:
    """Refuse a ref git would not accept as a branch, tag or commit name (``git
    check-ref-format``'s rules), so that the ref in the path reads back as itself."""
    from bindermerge.errors import UsageError

    parts = ref.split("/")
    bad = (
        not ref
        or ref == "@"
        or ref.startswith("-")
        or any(not c.isprintable() or c.isspace() or c in "~^:?*[\\" for c in ref)
        or ".." in ref
        or "@{" in ref
        or ref.endswith(".")
        or any(not p or p.startswith(".") or p.endswith(".lock") for p in parts)
    )
    if bad:
        raise UsageError(f"{what}: {ref!r} is not a branch, tag or commit name")


def binder_url(env: Environment, *, hub: str = DEFAULT_HUB, urlpath: str | None = None) -> str:
    """The launch URL of ``env`` on ``hub``, opening ``urlpath`` when given."""
    url = base_url(hub) + "v2/" + env.build_path()
    if urlpath:
        url += "?" + form_urlencode([("urlpath", urlpath)])
    return url
