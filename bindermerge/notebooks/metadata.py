"""``metadata.binder``: the environment a notebook runs in, in both forms that circulate.

The proposal for notebooks (Jupyter Discourse, "Embed binder-related metadata in notebook?")
offers ``{"binder_url", "binder_repo", "binder_ref"}`` (the keys pangeo-gallery's
``binder-gallery.yaml`` uses: ``binder_repo: OWNER/REPO``) and, in reply,
``{"binder_url", "environment_url"}`` with a repository address such as
``https://github.com/OWNER/REPO/tree/REF`` (the proposal also wrote ``.../branch/REF``;
GitLab's is ``.../-/tree/REF``). :func:`read_binder` reads either or both (they must agree);
:func:`binder_fields` writes all four keys, so either kind of reader finds what it needs.
Keys of ``metadata.binder`` other than these four are someone else's and are kept.

Standard library only: reading needs no nbformat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bindermerge.links.binderhub import DEFAULT_REF, Environment

KEYS = ("binder_url", "binder_repo", "binder_ref", "environment_url")
_GITHUB = "https://github.com/"
_GITLAB = "https://gitlab.com/"


@dataclass(frozen=True)
class BinderMetadata:
    """What ``metadata.binder`` says: the hub to launch on (None: not said) and the
    environment (its ref ``HEAD`` when neither form names one)."""

    hub: str | None
    env: Environment


class MetadataError(ValueError):
    """``metadata.binder`` is missing or wrong; ``key`` is the dotted key, ``reason`` why."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(f"{key}: {reason}")


def _type_name(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"the number {value!r}"
    return names.get(type(value), type(value).__name__)


def binder_block(metadata: Mapping[str, object]) -> dict[str, object] | None:
    """``metadata.binder`` checked for types: None when absent; :class:`MetadataError` when
    it is not an object or one of :data:`KEYS` holds something other than a string."""
    if "binder" not in metadata:
        return None
    block = metadata["binder"]
    if not isinstance(block, dict):
        raise MetadataError("metadata.binder", f"expected an object, got {_type_name(block)}")
    for key in KEYS:
        if key in block and not isinstance(block[key], str):
            raise MetadataError(
                f"metadata.binder.{key}", f"expected a string, got {_type_name(block[key])}"
            )
    return block


def read_binder(metadata: Mapping[str, object]) -> BinderMetadata:
    """Read a notebook's ``metadata.binder``; :class:`MetadataError` naming the key when it
    is missing, of the wrong type, names no environment or names two different ones."""
    from bindermerge.errors import UsageError
    from bindermerge.links.binderhub import check_ref
    from bindermerge.links.urls import base_url

    block = binder_block(metadata)
    if block is None:
        raise MetadataError("metadata.binder", "missing (bindermerge stamp NOTEBOOK --env ENV)")
    fields = {k: v for k, v in block.items() if k in KEYS and isinstance(v, str)}
    hub = None
    if "binder_url" in fields:
        try:
            hub = base_url(fields["binder_url"], "binder_url")
        except UsageError as exc:
            raise MetadataError("metadata.binder.binder_url", _reason(exc, "binder_url")) from None
    # (environment, its ref or None, the key the ref came from) per form present
    named: list[tuple[Environment, str | None, str]] = []
    if "binder_repo" in fields:
        env, ref = _binder_repo(fields["binder_repo"])
        if "binder_ref" in fields:
            ref = fields["binder_ref"]
        named.append((env, ref, "binder_ref" if "binder_ref" in fields else "binder_repo"))
    elif "binder_ref" in fields:
        raise MetadataError("metadata.binder.binder_ref", "given without binder_repo")
    if "environment_url" in fields:
        env, ref = _environment_url(fields["environment_url"])
        named.append((env, ref, "environment_url"))
    if not named:
        raise MetadataError(
            "metadata.binder", "names no environment (binder_repo or environment_url)"
        )
    if len(named) == 2:
        (first, first_ref, _), (second, second_ref, _) = named
        if _same(first) != _same(second):
            raise MetadataError(
                "metadata.binder",
                f"binder_repo ({first.repo}) and environment_url ({second.repo}) "
                "name different repositories",
            )
        if first_ref is not None and second_ref is not None and first_ref != second_ref:
            raise MetadataError(
                "metadata.binder",
                f"binder_ref ({first_ref}) and environment_url ({second_ref}) name different refs",
            )
    env = named[0][0]
    ref, key = next(((r, k) for _, r, k in named if r is not None), (DEFAULT_REF, ""))
    if key:
        try:
            check_ref(ref, key)
        except UsageError as exc:
            raise MetadataError(f"metadata.binder.{key}", _reason(exc, key)) from None
    return BinderMetadata(hub, Environment(env.provider, env.repo, ref))


def _reason(exc: Exception, key: str) -> str:
    # A UsageError from the links module starts with the name of what it read ("binder_url
    # must be ...", "binder_repo: ..."), which MetadataError already says as its key.
    text = str(exc)
    for prefix in (f"{key}: ", f"{key} "):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def _same(env: Environment) -> tuple[str, str]:
    # GitHub and GitLab names are case-insensitive; a generic URL is compared as written.
    repo = env.repo.lower() if env.provider != "git" else env.repo.rstrip("/")
    return env.provider, repo.removesuffix(".git")


def _spelled(key: str, spelling: str) -> tuple[Environment, str | None]:
    """A source spelling: the environment, and its ``@REF`` when it has one."""
    from bindermerge.errors import UsageError
    from bindermerge.links.binderhub import environment
    from bindermerge.sources.spellings import parse_git

    try:
        env = environment(spelling, what=key)
    except UsageError as exc:
        raise MetadataError(f"metadata.binder.{key}", _reason(exc, key)) from None
    return env, parse_git(spelling).ref


def _binder_repo(text: str) -> tuple[Environment, str | None]:
    """``binder_repo``: ``OWNER/REPO`` (GitHub), a repository URL or a source spelling."""
    from bindermerge.sources.spellings import is_git

    if is_git(text):
        return _spelled("binder_repo", text)
    if "://" in text:
        return _from_url("binder_repo", text)
    if text.count("/") == 1:
        return _spelled("binder_repo", f"gh:{text}")
    raise MetadataError(
        "metadata.binder.binder_repo", f"{text!r} names no repository (OWNER/REPO or a URL)"
    )


def _environment_url(text: str) -> tuple[Environment, str | None]:
    """``environment_url``: a repository address, with ``/tree/REF`` when it names a ref."""
    from bindermerge.sources.spellings import is_git

    if is_git(text):
        return _spelled("environment_url", text)
    return _from_url("environment_url", text)


def _from_url(key: str, text: str) -> tuple[Environment, str | None]:
    """GitHub's ``/OWNER/REPO[/tree/REF]`` (or ``/branch/REF``), GitLab's
    ``/NAMESPACE[/-/tree/REF]``, or any other git URL (no ref in it)."""
    from urllib.parse import unquote, urlsplit

    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise MetadataError(f"metadata.binder.{key}", f"{text!r} is not a URL") from None
    host = (parts.hostname or "").lower()
    path = parts.path.strip("/")
    forge = parts.scheme in ("http", "https") and port is None and not parts.query
    if forge and host == "github.com":
        segments = path.split("/")
        if len(segments) >= 4 and segments[2] in ("tree", "branch"):
            ref = unquote("/".join(segments[3:]))
            return _spelled(key, f"gh:{segments[0]}/{segments[1]}")[0], ref
        if len(segments) == 2:
            return _spelled(key, f"gh:{path}")[0], None
        raise MetadataError(
            f"metadata.binder.{key}",
            f"{text!r} is not a GitHub repository address (OWNER/REPO[/tree/REF])",
        )
    if forge and host == "gitlab.com":
        namespace, sep, ref = path.partition("/-/tree/")
        return _spelled(key, f"gl:{namespace}")[0], unquote(ref) if sep else None
    return _spelled(key, f"git+{text}")[0], None


def binder_fields(env: Environment, hub: str) -> dict[str, str]:
    """The four keys ``stamp`` writes for ``env`` on ``hub``.

    ``binder_url`` is the hub without its final ``/`` (``https://mybinder.org``);
    ``binder_repo`` is ``OWNER/REPO`` on GitHub (as pangeo-gallery writes it), the repository's
    address otherwise; ``environment_url`` is the address of the ref's tree on GitHub and
    GitLab, the repository URL elsewhere (a git server has no tree address to point at, so
    there only ``binder_ref`` carries the ref).
    """
    from bindermerge.links.urls import base_url, encode_path_segment

    ref = encode_path_segment(env.ref, escape_percent=True)
    if env.provider == "gh":
        repo, tree = env.repo, f"{_GITHUB}{env.repo}/tree/{ref}"
    elif env.provider == "gl":
        repo = f"{_GITLAB}{env.repo}"
        tree = f"{repo}/-/tree/{ref}"
    else:
        repo = tree = env.repo
    return {
        "binder_url": base_url(hub).rstrip("/"),
        "binder_repo": repo,
        "binder_ref": env.ref,
        "environment_url": tree,
    }
