"""Intersecting PEP 440 specifier sets, dropping redundant bounds, and deciding emptiness.

The merged set is the conjunction of the inputs, so a version is allowed by it exactly when
every input allows it. Bounds are dropped only by rules that keep that law for every version,
including PEP 440's special cases (``>V`` refuses post-releases and local versions of V,
``<V`` refuses pre-releases of V); when a rule's conditions are not met the bound stays.

"Allowed" here ignores pip's pre-release *selection* policy (``contains(v, prereleases=True)``):
that policy decides which candidates pip prefers, not which versions the requirement admits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from packaging.specifiers import Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

_OP_RANK = {"===": 0, "==": 1, "~=": 2, ">=": 3, ">": 4, "<=": 5, "<": 6, "!=": 7}


def _version(spec: Specifier) -> Version | None:
    """The specifier's version, or None for wildcards and arbitrary equality."""
    if spec.operator == "===" or spec.version.endswith(".*"):
        return None
    try:
        return Version(spec.version)
    except InvalidVersion:
        return None


def _base(v: Version) -> Version:
    return Version(v.base_version)


def _drops(keep: Specifier, other: Specifier) -> bool:
    """True when every version ``keep`` allows is also allowed by ``other``.

    Only rules proven against PEP 440's comparison semantics are applied (see module doc).
    """
    a, b = _version(keep), _version(other)
    if a is None or b is None:
        return False
    kop, oop = keep.operator, other.operator
    if kop == "==" and a.local is None:
        # ``==a`` admits a and its local versions, whose public part is a.
        if oop == ">=":
            return a >= b
        if oop == "<=":
            return a <= b
        if oop == ">":
            return a > b and _base(b) < _base(a)
        if oop == "<":
            return a < b and _base(a) < _base(b)
        if oop == "!=":
            return b.local is None and a != b
        return False
    if kop in (">=", ">") and oop in (">=", ">"):
        if oop == ">=":
            # ``>=`` compares public versions, which every version ``keep`` admits exceed b.
            return a >= b
        # ``>b`` also refuses post-releases and local versions of b: safe when b's release
        # is below a's, since then nothing keep admits shares b's release.
        return a > b and _base(b) < _base(a)
    if kop in ("<=", "<") and oop in ("<=", "<"):
        if oop == "<=":
            return a <= b
        # ``<b`` also refuses pre-releases of b: safe when a's release is below b's.
        return a < b and _base(a) < _base(b)
    return False


def simplify(specs: Iterable[Specifier]) -> list[Specifier]:
    """Drop duplicate and redundant specifiers, keeping the set of allowed versions.

    The result is in a stable, readable order: pins, then lower bounds, upper bounds,
    exclusions, each by version.
    """
    unique: dict[str, Specifier] = {}
    for s in specs:
        unique.setdefault(str(s), s)
    items = sorted(unique.values(), key=_order)
    kept: list[Specifier] = []
    for i, s in enumerate(items):
        redundant = any(
            _drops(other, s) and not (_drops(s, other) and j > i)
            for j, other in enumerate(items)
            if j != i
        )
        if not redundant:
            kept.append(s)
    return kept


def _order(s: Specifier) -> tuple[int, Version | str, str]:
    v = _version(s)
    return (_OP_RANK.get(s.operator, 9), v if v is not None else Version("0"), str(s))


def merge_specifier_sets(sets: Sequence[SpecifierSet]) -> SpecifierSet:
    """The conjunction of ``sets`` with redundant bounds dropped."""
    return SpecifierSet(",".join(str(s) for s in simplify(s for ss in sets for s in ss)))


def render(spec: SpecifierSet) -> str:
    """``>=1.22,<2``: comma-joined in the readable order of :func:`simplify`."""
    return ",".join(str(s) for s in sorted(spec, key=_order))


def allows(spec: SpecifierSet, version: Version) -> bool:
    """Whether ``spec`` admits ``version``, regardless of pip's pre-release preference."""
    return spec.contains(version, prereleases=True)


def witness(spec: SpecifierSet) -> Version | None:
    """A version ``spec`` allows, or None when none of the probed versions is allowed.

    With exact pins ``==X`` the answer is exact (one of the pins or nothing). Otherwise candidates
    are drawn around every version the set mentions: the version itself, its neighbours
    above and below in each release component, a post-release and the lowest dev release.
    ``===`` (arbitrary equality) cannot be reasoned about and is taken as satisfiable.
    """
    specs = list(spec)
    if not specs:
        return Version("0")
    if any(s.operator == "===" for s in specs):
        return _arbitrary(specs)
    pins = [v for s in specs if s.operator == "==" and (v := _version(s)) is not None]
    if pins:
        # Every allowed version equals each pin (up to local labels), so one of the pins, or
        # nothing, is allowed: ``==2.1.0`` with ``==2.1.0+cpu`` admits 2.1.0+cpu.
        return next((v for v in pins if allows(spec, v)), None)
    for cand in _candidates(specs):
        if allows(spec, cand):
            return cand
    return None


def _arbitrary(specs: list[Specifier]) -> Version | None:
    # ``===foo`` admits exactly the string foo; keep it when it parses and fits the rest.
    for s in specs:
        if s.operator == "===":
            try:
                v = Version(s.version)
            except InvalidVersion:
                return Version("0")  # undecidable: say satisfiable rather than invent a conflict
            rest = SpecifierSet(",".join(str(x) for x in specs if x is not s))
            return v if allows(rest, v) else None
    return Version("0")


def _candidates(specs: Sequence[Specifier]) -> list[Version]:
    out: set[Version] = {Version("0"), Version("0.dev0"), Version("99999999")}
    for s in specs:
        text = s.version[:-2] if s.version.endswith(".*") else s.version
        try:
            v = Version(text)
        except InvalidVersion:
            continue
        rel = v.release
        epoch = f"{v.epoch}!" if v.epoch else ""

        def make(parts: Iterable[int], suffix: str = "", epoch: str = epoch) -> None:
            try:
                out.add(Version(epoch + ".".join(map(str, parts)) + suffix))
            except InvalidVersion:
                pass

        out.add(v)
        make(rel, ".post1" if v.post is None else f".post{v.post + 1}")
        make(rel, ".dev0")
        make(rel, "a0")
        make(rel + (0, 1))
        make(rel + (1,))
        if v.local:
            make(rel, f"+{v.local}.1")
        for i in range(len(rel)):
            make(rel[:i] + (rel[i] + 1,))
            make(rel[:i] + (rel[i] + 1,), ".dev0")
            if rel[i] > 0:
                make(rel[:i] + (rel[i] - 1, 99999))
                make(rel[:i] + (rel[i] - 1,))
        if v.post is not None:
            make(rel, f".post{v.post}.dev0")
            make(rel, f".post{v.post + 1}.dev0")
        if v.pre is not None:
            letter, num = v.pre
            make(rel, f"{letter}{num + 1}")
            make(rel, f"{letter}{num}.post1")
    return sorted(out)
