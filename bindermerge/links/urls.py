"""URL serialisation as the WHATWG URL standard does it, which is what browsers and the link
generators of BinderHub and nbgitpuller use.

Python's :func:`urllib.parse.quote` and :func:`~urllib.parse.urlencode` follow RFC 3986 and
differ from it: ``urlencode`` leaves ``~`` alone and escapes ``*``, ``quote`` writes a space
as ``%20``. A link must be byte-identical to the one the upstream generator would make, so
the three encodings the generators use are spelled out here:

- :func:`form_urlencode`: the ``application/x-www-form-urlencoded`` serializer behind
  ``URLSearchParams.toString()`` (a space becomes ``+``; ASCII letters, digits and ``*-._``
  stay; every other byte of the UTF-8 encoding becomes ``%XX``);
- :func:`encode_uri_component`: JavaScript's ``encodeURIComponent`` (keeps
  ``A-Za-z0-9-_.!~*'()``), which BinderHub applies to a GitLab namespace or a git URL;
- :func:`encode_path_segment`: what assigning ``url.pathname`` escapes (the path
  percent-encode set: C0 controls, space, ``"#<>?`{}``, DEL and everything beyond ASCII).

Strings are encoded as UTF-8 after replacing lone surrogates with U+FFFD, as the standard's
"scalar value string" conversion does. Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable

_ALNUM = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_FORM_SAFE = _ALNUM | frozenset(b"*-._")
_COMPONENT_SAFE = _ALNUM | frozenset(b"-_.!~*'()")
# The path percent-encode set is the complement of these printable ASCII bytes.
_PATH_SAFE = frozenset(range(0x21, 0x7F)) - frozenset(b'"#<>?`{}')


def has_control(text: str) -> bool:
    """True when ``text`` holds a C0 or C1 control character or DEL (which a path or a
    branch name in a link would never mean)."""
    return any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)


def _utf8(text: str) -> bytes:
    if text.isascii():
        return text.encode("ascii")
    # A lone surrogate has no UTF-8 form: the standard replaces each with U+FFFD, and a
    # surrogate pair stands for one character. A round trip through UTF-16 does both.
    scalars = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return scalars.encode("utf-8")


def _percent_encode(data: bytes, safe: frozenset[int]) -> str:
    return "".join(chr(b) if b in safe else f"%{b:02X}" for b in data)


def form_urlencode(pairs: Iterable[tuple[str, str]]) -> str:
    """Serialise name/value pairs as ``URLSearchParams.toString()`` does, in the order given."""
    return "&".join(f"{_form_component(name)}={_form_component(value)}" for name, value in pairs)


def _form_component(text: str) -> str:
    return "".join(
        "+" if b == 0x20 else chr(b) if b in _FORM_SAFE else f"%{b:02X}" for b in _utf8(text)
    )


def encode_uri_component(text: str) -> str:
    """JavaScript's ``encodeURIComponent(text)``."""
    return _percent_encode(_utf8(text), _COMPONENT_SAFE)


def encode_path_segment(text: str, *, escape_percent: bool = False) -> str:
    """Escape ``text`` as the WHATWG URL parser escapes a path (``/`` stays a separator).

    A ``%`` is left as it is, as the parser leaves it, unless ``escape_percent``: then it
    becomes ``%25`` so that a literal ``%`` (a git ref may hold one) decodes back to itself.
    """
    safe = _PATH_SAFE - {0x25} if escape_percent else _PATH_SAFE
    return _percent_encode(_utf8(text), safe)


def base_url(text: str, what: str = "--hub") -> str:
    """A hub's address as a base URL: ``https://mybinder.org`` -> ``https://mybinder.org/``.

    Scheme and host are lower-cased, a default port is dropped, the path is escaped as the
    WHATWG parser escapes it and ends with ``/`` (BinderHub and nbgitpuller both add their
    paths below the hub's). Raises :class:`~bindermerge.errors.UsageError` naming ``what`` for
    anything that cannot be a public hub address: another scheme, credentials (a launch link
    is shared), a query or fragment, dot segments.
    """
    from urllib.parse import urlsplit

    from bindermerge.errors import UsageError

    stripped = text.strip()
    if not stripped or any(not c.isprintable() or c.isspace() for c in stripped):
        raise UsageError(f"{what} {text!r} is not a URL")
    try:
        parts = urlsplit(stripped)
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"{what} {text!r} is not a URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{what} must be an http:// or https:// URL, got {text!r}")
    if parts.username is not None or parts.password is not None:
        raise UsageError(f"{what} must not carry credentials: a launch link is shared")
    if parts.query or parts.fragment or stripped.endswith(("?", "#")):
        raise UsageError(f"{what} takes no query or fragment, got {text!r}")
    host = parts.hostname
    if not host.isascii():
        try:  # the standard maps a Unicode host to its punycode (ASCII) form
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise UsageError(f"{what} has a host name that is not valid: {text!r}") from None
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    segments = parts.path.split("/")
    if "\\" in parts.path or any(s in (".", "..") for s in segments):
        raise UsageError(f"{what} path must not hold '.', '..' or '\\' segments: {text!r}")
    path = encode_path_segment(parts.path)
    if not path.startswith("/"):
        path = "/" + path
    if not path.endswith("/"):
        path += "/"
    return f"{scheme}://{host}{path}"
