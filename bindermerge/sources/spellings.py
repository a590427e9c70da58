"""How a source is spelled: a local directory, or a git repository (``gh:``, ``gl:``, ``git+URL``).

The one reader of source specs. :func:`parse_git` turns a git spelling into a :class:`GitSpec`
(the URL git clones, the REF, the SUBDIR, and the forge, which launch links need);
:func:`is_git` tells the spellings apart without touching the disk; :func:`looks_remote` spots
something meant as a URL that fits no spelling, so it is refused with the list instead of being
looked for as a directory. Standard library only: the fast ``--check`` path and the config file
reader use it.

Spellings (REF: a branch, a tag or a commit; SUBDIR: a folder inside the repository)::

    gh:OWNER/REPO[@REF][#SUBDIR]     https://github.com/OWNER/REPO.git
    gl:OWNER/REPO[@REF][#SUBDIR]     https://gitlab.com/OWNER/REPO.git (OWNER may hold subgroups)
    git+URL[@REF][#SUBDIR]           any URL git clones: https://, ssh://, file://, git://
    git+URL[@REF]#subdirectory=SUBDIR   pip's spelling of the same
"""

from __future__ import annotations

SPELLINGS = (
    "gh:OWNER/REPO[@REF][#SUBDIR]",
    "gl:OWNER/REPO[@REF][#SUBDIR]",
    "git+URL[@REF][#SUBDIR] (URL: https://, ssh://, file://, git://)",
)
SPELLINGS_TEXT = "; ".join(SPELLINGS)

FORGE_URLS = {"gh": "https://github.com/", "gl": "https://gitlab.com/"}
GIT_SCHEMES = ("https", "http", "ssh", "file", "git")

# Character classes spelled as sets, not regular expressions: importing re costs the fast
# --check path, which reads every source spec through here, about a fifth of its start-up.
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# GitHub's own rule for owner and repository names (letters, digits, '-', '_', '.'); GitLab
# allows the same characters in a path segment.
_SEGMENT = _ASCII_ALNUM | frozenset("_.-")
_SCHEME = _ASCII_ALNUM | frozenset("+.-")
_HEX = frozenset("0123456789abcdef")


def _is_segment(text: str) -> bool:
    return bool(text) and set(text) <= _SEGMENT


def _is_hex(text: str, shortest: int) -> bool:
    return shortest <= len(text) <= 64 and set(text) <= _HEX


class SpecError(ValueError):
    """A spec that looks like a git source and is not a valid one; the message says why."""


class GitSpec:
    """A parsed git source spec.

    ``url`` is what git clones; ``forge`` is ``"gh"``, ``"gl"`` or ``"git"`` (BinderHub's
    provider names); ``repo_path`` is ``OWNER/REPO`` for the forges and the URL's path
    otherwise; ``ref`` and ``subdir`` are None when not given.
    """

    __slots__ = ("spec", "forge", "url", "repo_path", "ref", "subdir")

    def __init__(
        self,
        spec: str,
        forge: str,
        url: str,
        repo_path: str,
        ref: str | None,
        subdir: str | None,
    ) -> None:
        self.spec = spec
        self.forge = forge
        self.url = url
        self.repo_path = repo_path
        self.ref = ref
        self.subdir = subdir

    def __repr__(self) -> str:
        return f"GitSpec({self.spec!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GitSpec):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[str, str, str | None, str | None]:
        return (self.forge, self.url, self.ref, self.subdir)

    @property
    def repo_name(self) -> str:
        """The repository's own name (``postgres-binder``): the last path segment, no ``.git``."""
        last = self.repo_path.rstrip("/").rsplit("/", 1)[-1]
        return last[:-4] if last.endswith(".git") else last

    @property
    def is_commit(self) -> bool:
        """True when REF is a full commit id (40 or 64 hex digits): its content never changes."""
        return self.ref is not None and len(self.ref) in (40, 64) and _is_hex(self.ref, 40)

    @property
    def may_be_commit(self) -> bool:
        """True when REF could be an abbreviated commit id (4 to 64 hex digits)."""
        return self.ref is not None and _is_hex(self.ref, 4)

    def canonical(self) -> str:
        """The spec in its shortest spelling, REF and SUBDIR included."""
        return self._spelled(self.url, self.ref, self.subdir)

    @property
    def public_url(self) -> str:
        """``url`` without credentials: what a manifest records, a message shows and a cache
        is keyed by. An http(s) URL loses its whole user part (a token is often spelled as
        the user name); any other keeps the user name (``ssh://git@host/...``) alone."""
        if "@" not in self.url:
            return self.url
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(self.url)
        if "@" not in parts.netloc:
            return self.url
        userinfo, host = parts.netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = host if parts.scheme in ("https", "http") or not user else f"{user}@{host}"
        return urlunsplit(parts._replace(netloc=netloc))

    def display(self, *, subdir: bool = True) -> str:
        """:meth:`canonical` without credentials (``subdir=False``: without SUBDIR too)."""
        return self._spelled(self.public_url, self.ref, self.subdir if subdir else None)

    def _spelled(self, url: str, ref: str | None, subdir: str | None) -> str:
        if self.forge in FORGE_URLS:
            text = f"{self.forge}:{self.repo_path}"
        else:
            text = f"git+{url}"
        if ref:
            text += f"@{ref}"
        if subdir:
            text += f"#{subdir}"
        return text


def is_git(spec: str) -> bool:
    """True when ``spec`` is spelled as a git source (it may still be an invalid one)."""
    return spec.startswith(("gh:", "gl:", "git+"))


def looks_remote(spec: str) -> bool:
    """True when ``spec`` starts like a URL or a shorthand (``https://``, ``github:``) rather
    than a path. The caller checks first that no directory of that name exists."""
    # ``scheme:`` before any slash: a letter, then letters, digits, '+', '.' or '-'.
    scheme, colon, _rest = spec.partition(":")
    return (
        bool(colon)
        and scheme[:1] in _ASCII_ALNUM
        and not scheme[:1].isdigit()
        and set(scheme) <= _SCHEME
        and not spec.startswith(("./", "../", "/"))
    )


def parse_git(spec: str) -> GitSpec:
    """Parse a git spelling; :class:`SpecError` with the reason when it fits none."""
    if any(not c.isprintable() or c.isspace() for c in spec):
        raise SpecError("a git source has no spaces or control characters")
    body, subdir = _split_fragment(spec)
    if spec.startswith(("gh:", "gl:")):
        forge, rest = spec[:2], body[3:]
        path, ref = _split_ref(rest)
        segments = path.split("/")
        if path.endswith(".git"):
            path = path[:-4]
            segments = path.split("/")
        if len(segments) < 2 or (forge == "gh" and len(segments) != 2):
            shape = "OWNER/REPO" if forge == "gh" else "OWNER/[GROUP/...]REPO"
            raise SpecError(f"{forge}: needs {shape}, got {rest!r}")
        for segment in segments:
            if not _is_segment(segment) or segment in (".", ".."):
                raise SpecError(f"{segment!r} is not a repository or owner name")
        return GitSpec(spec, forge, f"{FORGE_URLS[forge]}{path}.git", path, ref, subdir)
    if not spec.startswith("git+"):
        raise SpecError(f"not a git source; the spellings are: {SPELLINGS_TEXT}")
    from urllib.parse import urlsplit

    url_part = body[4:]
    parts = urlsplit(url_part)
    if parts.scheme not in GIT_SCHEMES or not (parts.netloc or parts.scheme == "file"):
        raise SpecError(
            f"git+ needs a URL git clones ({', '.join(s + '://' for s in GIT_SCHEMES)}), "
            f"got {url_part!r}"
        )
    # pip's rule: REF follows the last '@' of the path (an '@' in the host part is userinfo).
    path, ref = _split_ref(parts.path)
    if parts.query:
        raise SpecError(f"a git URL takes no query ({parts.query!r})")
    url = f"{parts.scheme}://{parts.netloc}{path}"
    if not path.strip("/"):
        raise SpecError(f"{url_part!r} names no repository")
    return GitSpec(spec, "git", url, path.strip("/"), ref, subdir)


def _split_fragment(spec: str) -> tuple[str, str | None]:
    if "#" not in spec:
        return spec, None
    body, fragment = spec.split("#", 1)
    if "=" in fragment:  # pip's #subdirectory=SUBDIR (with &egg=... and the like)
        from urllib.parse import parse_qs

        fields = parse_qs(fragment, keep_blank_values=True)
        unknown = sorted(set(fields) - {"subdirectory", "egg"})
        if unknown:
            raise SpecError(f"unknown fragment key {unknown[0]!r}; use #SUBDIR or #subdirectory=")
        values = fields.get("subdirectory", [])
        if len(values) > 1:
            raise SpecError("subdirectory= given twice")
        fragment = values[0] if values else ""
        if not fragment:
            return body, None
    return body, _subdir(fragment)


def _subdir(text: str) -> str | None:
    # Slashes around it are dropped: "/db" and "db/" are the folder db of the repository.
    text = text.strip("/")
    if not text or text == ".":
        return None
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if ".." in parts or "\\" in text:
        raise SpecError(f"SUBDIR {text!r} must be a folder inside the repository")
    return "/".join(parts)


def _split_ref(path: str) -> tuple[str, str | None]:
    if "@" not in path:
        return path, None
    path, ref = path.rsplit("@", 1)
    if not ref:
        raise SpecError("nothing after '@': give a branch, a tag or a commit")
    # A REF starting with '-' would reach git as an option; git's own ref rules forbid the rest.
    if ref.startswith("-") or ".." in ref or ref.endswith((".", "/", ".lock")) or "\\" in ref:
        raise SpecError(f"{ref!r} is not a branch, tag or commit name")
    if any(c in ref for c in "~^:?*[") or "@{" in ref:
        raise SpecError(f"{ref!r} is not a branch, tag or commit name")
    return path, ref
