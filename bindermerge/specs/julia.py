"""Julia ``[compat]`` specifiers as sets of versions: parse, intersect, write back.

Pkg reads a compat entry as a union (comma-separated) of caret (``1.2``, ``^1.2``), tilde
(``~1.2``), equality (``=1.2.3``), inequality (``>= 1.2``, ``≥ 1.2``, ``< 1.2``) and hyphen
(``1.2 - 1.5``) specifiers, each an interval of ``major.minor.patch`` versions (Pkg's
compatibility docs). Combining the bounds of several sources is the intersection of their
sets; the result is written back with the same vocabulary.

repo2docker also reads ``[compat] julia`` to choose the Julia to install, with a parser that
understands one caret, tilde or inequality specifier and no union or hyphen
(repo2docker/semver.py): :func:`repo2docker_readable` says whether a text is such a specifier.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

Version = tuple[int, int, int]
_NUM = r"\d+(?:\.\d+){0,2}"
_SIMPLE = re.compile(rf"^(?P<op>\^|~|=|>=|≥|<)?\s*(?P<v>{_NUM})$")
_HYPHEN = re.compile(rf"^(?P<lo>{_NUM})\s+-\s+(?P<hi>{_NUM})$")


class CompatError(ValueError):
    """A compat entry bindermerge cannot read (the message quotes it)."""


@dataclass(frozen=True)
class Interval:
    """Versions ``lo <= v < hi``; ``hi`` None means no upper bound."""

    lo: Version
    hi: Version | None

    def __post_init__(self) -> None:
        if self.hi is not None and self.hi <= self.lo:
            raise ValueError(f"empty interval {self}")


VersionSet = tuple[Interval, ...]


def _parts(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def _pad(parts: tuple[int, ...]) -> Version:
    padded = parts + (0,) * (3 - len(parts))
    return (padded[0], padded[1], padded[2])


def _wildcard_upper(parts: tuple[int, ...]) -> Version:
    """The exclusive upper bound of ``a``, ``a.b``, ``a.b.c`` read as ``a.*``, ``a.b.*``, exact."""
    if len(parts) == 1:
        return (parts[0] + 1, 0, 0)
    if len(parts) == 2:
        return (parts[0], parts[1] + 1, 0)
    return (parts[0], parts[1], parts[2] + 1)


def _caret_upper(parts: tuple[int, ...]) -> Version:
    """Pkg's caret: the left-most non-zero given number may not change."""
    for i, n in enumerate(parts):
        if n != 0 or i == len(parts) - 1:
            return _pad(parts[:i] + (n + 1,))
    raise AssertionError("unreachable")


def _tilde_upper(parts: tuple[int, ...]) -> Version:
    if len(parts) == 1:
        return (parts[0] + 1, 0, 0)
    if len(parts) == 3 and parts[0] == 0 and parts[1] == 0:
        return (0, 0, parts[2] + 1)
    return (parts[0], parts[1] + 1, 0)


def _one(spec: str) -> Interval:
    m = _HYPHEN.match(spec)
    if m:
        return Interval(_pad(_parts(m["lo"])), _wildcard_upper(_parts(m["hi"])))
    m = _SIMPLE.match(spec)
    if not m:
        raise CompatError(f"unrecognised compat specifier {spec!r}")
    op, parts = m["op"] or "^", _parts(m["v"])
    lo = _pad(parts)
    if op == "^":
        return Interval(lo, _caret_upper(parts))
    if op == "~":
        return Interval(lo, _tilde_upper(parts))
    if op == "=":
        return Interval(lo, _wildcard_upper(parts))
    if op in (">=", "≥"):
        return Interval(lo, None)
    if lo == (0, 0, 0):
        raise CompatError(f"compat specifier {spec!r} allows no version")
    return Interval((0, 0, 0), lo)


def parse(text: str) -> VersionSet:
    """The versions a compat entry allows, as sorted disjoint intervals.

    Raises :class:`CompatError` for text Pkg would not read.
    """
    pieces = [p.strip() for p in text.split(",")]
    if not pieces or any(not p for p in pieces):
        raise CompatError(f"unrecognised compat entry {text!r}")
    try:
        return normalise(_one(p) for p in pieces)
    except ValueError as exc:
        raise CompatError(f"compat entry {text!r}: {exc}") from None


def normalise(intervals: Iterable[Interval]) -> VersionSet:
    """Sort intervals and join the ones that overlap or touch."""
    out: list[Interval] = []
    for iv in sorted(intervals, key=lambda iv: (iv.lo, iv.hi is None, iv.hi or iv.lo)):
        if out and (out[-1].hi is None or iv.lo <= out[-1].hi):
            prev = out[-1]
            hi = None if prev.hi is None or iv.hi is None else max(prev.hi, iv.hi)
            out[-1] = Interval(prev.lo, hi)
        else:
            out.append(iv)
    return tuple(out)


def intersect(a: VersionSet, b: VersionSet) -> VersionSet:
    """Versions allowed by both sets (empty when none)."""
    out = []
    for x in a:
        for y in b:
            lo = max(x.lo, y.lo)
            his = [h for h in (x.hi, y.hi) if h is not None]
            hi = min(his) if his else None
            if hi is None or lo < hi:
                out.append(Interval(lo, hi))
    return normalise(out)


def contains(vs: VersionSet, v: Version) -> bool:
    """True when ``v`` is in the set."""
    return any(iv.lo <= v and (iv.hi is None or v < iv.hi) for iv in vs)


def _fmt(v: Version, keep: int = 1) -> str:
    parts = list(v)
    while len(parts) > keep and parts[-1] == 0:
        parts.pop()
    return ".".join(map(str, parts))


def _render_one(iv: Interval) -> str:
    if iv.hi is None:
        return f">= {_fmt(iv.lo)}"
    # The shortest caret, tilde or equality specifier that means exactly this interval.
    for n in (1, 2, 3):
        parts = iv.lo[:n]
        if _pad(parts) != iv.lo:
            continue
        text = ".".join(map(str, parts))
        for op, upper in (("", _caret_upper), ("~", _tilde_upper), ("=", _wildcard_upper)):
            if upper(parts) == iv.hi:
                return op + text
    if iv.lo == (0, 0, 0):
        return f"< {_fmt(iv.hi)}"
    a, b, c = iv.hi
    last = f"{a}.{b}.{c - 1}" if c else (f"{a}.{b - 1}" if b else f"{a - 1}")
    return f"{_fmt(iv.lo)} - {last}"


def render(vs: VersionSet) -> str:
    """A compat entry Pkg reads as exactly this set (which must not be empty)."""
    if not vs:
        raise ValueError("an empty version set has no compat entry")
    return ", ".join(_render_one(iv) for iv in vs)


_R2D_FORM = re.compile(rf"^(?:\^|~|>=|≥|<)?\s*{_NUM}$")


def repo2docker_readable(text: str) -> bool:
    """True when repo2docker's own parser reads ``text`` as Pkg does (one simple specifier).

    repo2docker reads ``=1.3`` as exactly 1.3.0 where Pkg allows 1.3.*, so equality with fewer
    than three numbers does not count.
    """
    text = text.strip()
    if re.fullmatch(rf"={_NUM}", text):
        return text.count(".") == 2
    return bool(_R2D_FORM.match(text))
