"""Conda match specs: parse them with rattler, combine the specs for one package, decide emptiness.

Every spec is parsed by py-rattler's ``MatchSpec`` (the same grammar conda and mamba use):
``channel::name``, ``=1.2`` (which means ``1.2.*``), ``1.2.*``, ``>=1,<2``, ``|``, build
strings, bracket attributes. Nothing here decides what a spec *means*: whether a version is
allowed is always asked of rattler's ``VersionSpec.matches``.

What this module adds is the algebra rattler does not expose:

* **conjunction**: the specs of one package are combined by joining their version specs
  with ``,`` (a conjunction in conda's grammar, where ``,`` binds tighter than ``|``; a
  disjunctive operand is parenthesised). The law, tested with hypothesis: a version is allowed
  by the combined spec exactly when every input allows it.
* **emptiness**: rattler has no emptiness test, so :func:`witness` probes candidate versions
  derived from the versions the spec itself mentions: each one, its neighbours in every
  segment, pre-release, post-release and "just above" forms, prefixes, plus extremes. A version
  spec's answer can only change at the versions it mentions, so a non-empty spec admits one
  of those candidates; a found candidate is a proof of satisfiability, and "empty" is claimed
  only when none is found (the property tests check that no sampled version is then allowed).
* **redundancy**: a conjunct is dropped only when the others together with its negation are
  empty (so the others already imply it); the law above still holds.

To split a version spec into conjuncts and collect its versions, the *canonical* text rattler
prints (``str(VersionSpec)``) is walked character by character; user text is never taken apart
by hand.

rattler is imported inside functions: ``import bindermerge`` must stay cheap.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from bindermerge.errors import ParseError
from bindermerge.model import Origin

if TYPE_CHECKING:  # pragma: no cover
    from bindermerge.specs.rattler_core import VersionLike as Version
    from bindermerge.specs.rattler_core import VersionSpecLike as VersionSpec

# Characters that can start a version operator in rattler's canonical output.
_OPERATOR_CHARS = "=!<>~"
# Characters no conda build string contains: a "build" holding them is a misplaced pip
# marker or a second spec on the same line (``numpy>=1.2;python_version<'3'``).
_NOT_IN_BUILD = set(" \t;'\"(),<>=|")


@dataclass(frozen=True)
class CondaSpec:
    """One conda dependency as a source wrote it, with rattler's reading of it.

    ``name`` is rattler's normalised package name, ``version`` rattler's canonical version
    spec (``None``: any version), ``build`` the build string or glob, ``channel`` the text
    before ``::`` (with a subdir when given), and ``attributes`` the canonical bracket part
    (``[license="MIT"]``) for anything else (build number, subdir, hashes...), kept opaque.
    """

    text: str
    name: str
    version: str | None
    build: str | None
    channel: str | None
    attributes: str
    origin: Origin

    def canonical(self) -> str:
        """rattler's canonical spelling, the key for "the same request"."""
        return _assemble(self.name, self.version, self.build, self.channel, self.attributes)


def parse_spec(text: str, origin: Origin) -> CondaSpec:
    """Parse one conda dependency with rattler; raise :class:`ParseError` naming ``origin``.

    The message keeps rattler's first line, which names the offending part.
    """
    from bindermerge.specs import rattler_core

    spec_text = text.strip()
    where = origin if origin.text else origin.at(origin.line, spec_text)
    if not spec_text:
        raise ParseError("empty conda dependency", where)
    try:
        match = rattler_core.match_spec(spec_text)
    except _rattler_errors() as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ParseError(f"invalid conda dependency {spec_text!r}: {reason}", where) from None
    build = match.build
    if build is not None and _NOT_IN_BUILD & set(build):
        raise ParseError(
            f"invalid conda dependency {spec_text!r}: {build!r} is not a build string "
            "(a pip-style marker or two specs on one line?)",
            where,
        )
    canonical = match.canonical
    bracket = canonical.find("[")
    head = canonical if bracket < 0 else canonical[:bracket]
    channel = head.split("::", 1)[0] if "::" in head else None
    name = match.name
    version = match.version
    if version == "*":
        version = None
    return CondaSpec(
        text=spec_text,
        name=name,
        version=version,
        build=build,
        channel=channel,
        attributes=canonical[bracket:] if bracket >= 0 else "",
        origin=where,
    )


def _rattler_errors() -> tuple[type[Exception], ...]:
    """Every exception class py-rattler raises for bad input (its own classes, plus ValueError)."""
    from bindermerge.specs import rattler_core

    return rattler_core.errors()


# --------------------------------------------------------------------------- version algebra


@lru_cache(maxsize=4096)
def _version_spec(text: str) -> VersionSpec:
    from bindermerge.specs import rattler_core

    return rattler_core.version_spec(text)


@lru_cache(maxsize=16384)
def _version(text: str) -> Version | None:
    from bindermerge.specs import rattler_core

    try:
        return rattler_core.version(text)
    except _rattler_errors():  # a probe we made up that rattler rejects: not a candidate
        return None


def allows(version_spec: str | None, version: str) -> bool:
    """Whether rattler's ``VersionSpec(version_spec)`` admits ``version`` (None: any)."""
    if version_spec is None:
        return True
    v = _version(version)
    if v is None:
        raise ValueError(f"not a conda version: {version!r}")
    return bool(_version_spec(version_spec).matches(v))


def _split_top(text: str, sep: str) -> list[str]:
    """Split canonical spec text at ``sep`` outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _strip_parens(text: str) -> str:
    """``(a,b)`` -> ``a,b`` while one pair of parentheses wraps the whole text."""
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for i, ch in enumerate(text):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and i < len(text) - 1:
                return text  # the first group closes early: "(a)|(b)"
        text = text[1:-1]
    return text


def conjuncts(version_spec: str | None) -> list[str]:
    """The top-level conjuncts of a canonical version spec (a disjunction is one, parenthesised)."""
    if version_spec is None:
        return []
    text = _strip_parens(str(_version_spec(version_spec)))
    if len(_split_top(text, "|")) > 1:
        return [f"({text})"]
    out: list[str] = []
    for part in _split_top(text, ","):
        inner = _strip_parens(part)
        if inner != part or part.startswith("("):
            out.extend(conjuncts(inner))
        elif part and part != "*":
            out.append(part)
    return out


def _join(parts: Sequence[str]) -> str | None:
    return ",".join(parts) if parts else None


def _literals(version_spec: str) -> list[str]:
    """The version strings a canonical spec mentions (operators and ``.*`` removed)."""
    out: list[str] = []
    token = ""
    for ch in version_spec + ",":
        if ch in ",|()":
            t = token.lstrip(_OPERATOR_CHARS).removesuffix(".*")
            if t and t != "*" and t not in out:
                out.append(t)
            token = ""
        else:
            token += ch
    return out


# Suffixes that sort just below a version in conda's order (dev < _ < a < b < rc < release)
# and just above it (post releases, extra segments).
_BELOW = ("dev", "dev0", "_", "a", "a0", "b0", "rc0", "rc1", ".dev0", ".0a0", ".0dev")
_ABOVE = (".0.0.0.0.0.1", ".0.1", ".1", "post", "post1", ".post1", "_1", "+1", "a1")
_EXTREMES = ("0", "0dev", "0a0", "0.0.0.0.1", "99999999", "99999999.99999999", "1!0", "9999!0")


@lru_cache(maxsize=8192)
def _candidates_for(literal: str) -> tuple[str, ...]:
    """Versions around one literal, as strings (invalid ones are skipped later)."""
    v = _version(literal)
    if v is None:
        return ()
    base = str(v)
    out = [base, literal]
    out += [base + s for s in _BELOW + _ABOVE]
    try:
        out.append(str(v.with_alpha()))
        out.append(str(v.bump_last()))
    except _rattler_errors():  # rattler refuses to bump some shapes (a trailing letter)
        pass
    count = v.segment_count
    segments = v.segments()
    for i in range(count):
        try:
            out.append(str(v.bump_segment(i)))
        except _rattler_errors():
            pass
        try:
            prefix = str(v.with_segments(0, i)) if i else ""
        except _rattler_errors():
            continue
        if prefix:
            out += [prefix, prefix + "dev", prefix + ".99999", prefix + ".99999.99999"]
        head = segments[i][0] if segments[i] else None
        if isinstance(head, int):
            # the next release of this segment: above a pre-release like 1a1 ("2")
            out.append(f"{prefix}.{head + 1}" if prefix else str(head + 1))
        if isinstance(head, int) and head > 0:
            below = f"{prefix}.{head - 1}" if prefix else str(head - 1)
            out += [below, below + ".99999", below + ".99999.99999"]
    epoch = v.epoch
    if epoch:
        out.append(f"{int(epoch) + 1}!0")
        out.append(f"{int(epoch) - 1}!99999999" if int(epoch) > 0 else "0")
        # The same neighbours inside this epoch: the ones above lose it where rattler's
        # segment helpers drop it (1!1a1 -> "2", not "1!2").
        rest = literal.split("!", 1)[-1]
        for c in (*_candidates_for(rest), *_EXTREMES):
            if "!" not in c:
                out.append(f"{epoch}!{c}")
    return tuple(dict.fromkeys(out))


def _candidates(literals: Iterable[str]) -> list[Version]:
    seen: dict[str, None] = {}
    for lit in literals:
        for c in _candidates_for(lit):
            seen.setdefault(c, None)
    for c in _EXTREMES:
        seen.setdefault(c, None)
    out = []
    for text in seen:
        v = _version(text)
        if v is not None:
            out.append(v)
    return out


def witness(version_spec: str | None) -> str | None:
    """A version the spec admits, or None when no candidate is admitted (the spec is empty).

    See the module docstring for the candidates and why they suffice.
    """
    if version_spec is None:
        return "0"
    spec = _version_spec(version_spec)
    for cand in _candidates(_literals(str(spec))):
        if spec.matches(cand):
            return str(cand)
    return None


def is_empty(version_spec: str | None) -> bool:
    """True when no version satisfies the spec (decided by :func:`witness`)."""
    return witness(version_spec) is None


# Segment parts that make a conda version a pre-release (dev < _ < a < b < rc < release).
_PRERELEASE = frozenset({"dev", "_", "a", "b", "c", "rc", "alpha", "beta", "pre", "preview"})


def _is_release(v: Version) -> bool:
    """Not a dev or pre-release build: what an environment can be expected to install.

    Other letters are release versions (openssl ``1.1.1w``).
    """
    if v.is_dev:
        return False
    return not any(
        isinstance(p, str) and p.lower() in _PRERELEASE for seg in v.segments() for p in seg
    )


def release_witness(version_spec: str | None) -> str | None:
    """A release version the spec admits, or None.

    A merge whose only solutions are pre-releases (``python=3.11`` with ``python<3.11`` admits
    just 3.11.0 dev builds) is a conflict for a user, though not an empty set: conflicts and
    the Python pin are decided with this; redundancy keeps the exact :func:`is_empty`.
    """
    if version_spec is None:
        return "0"
    spec = _version_spec(version_spec)
    for cand in _candidates(_literals(str(spec))):
        if _is_release(cand) and spec.matches(cand):
            return str(cand)
    return None


def has_release(version_spec: str | None) -> bool:
    """True when some release version satisfies the spec (see :func:`release_witness`)."""
    return release_witness(version_spec) is not None


def conjoin(version_specs: Iterable[str | None]) -> str | None:
    """The conjunction of version specs, canonical, without duplicates (None: any version)."""
    parts: list[str] = []
    for vs in version_specs:
        for c in conjuncts(vs):
            if c not in parts:
                parts.append(c)
    return _join(parts)


def _negation(atom: str) -> str | None:
    """The complement of a single comparison, or None when it has no single-atom complement."""
    for op, neg in (("==", "!="), ("!=", "=="), (">=", "<"), ("<=", ">"), (">", "<="), ("<", ">=")):
        if atom.startswith(op):
            rest = atom[len(op) :]
            if op == "!=" and rest.endswith(".*"):
                return rest  # not-starts-with <-> starts-with
            if rest.endswith(".*"):
                return None
            return neg + rest
    if atom.endswith(".*") and atom[0] not in _OPERATOR_CHARS + "(":
        return "!=" + atom
    return None


def _drop_order(atom: str) -> int:
    # Try to drop the weakest-looking conjuncts first so that pins survive: exclusions,
    # then bounds, then starts-with, then exact pins.
    if atom.startswith("!="):
        return 0
    if atom[:1] in "<>":
        return 1
    if atom.endswith(".*"):
        return 2
    if atom.startswith("=="):
        return 3
    return 4


def simplify(version_spec: str | None) -> str | None:
    """Drop conjuncts implied by the others; the set of allowed versions is unchanged."""
    kept = conjuncts(version_spec)
    if len(kept) < 2:
        return _join(kept)
    for atom in sorted(kept, key=_drop_order):
        negated = _negation(atom)
        others = [k for k in kept if k != atom]
        if negated is None or not others:
            continue
        if is_empty(_join([*others, negated])):
            kept = others
    return _join(sorted(kept, key=_reading_order))


def _reading_order(atom: str) -> int:
    # pins, lower bounds, upper bounds, exclusions, then groups: ">=1.20,<2", not "<2,>=1.20"
    if atom.startswith("==") or (atom[0] not in _OPERATOR_CHARS + "("):
        return 0
    if atom[0] == ">" or atom.startswith("~="):
        return 1
    if atom[0] == "<":
        return 2
    if atom.startswith("!="):
        return 3
    return 4


def pinned_minor(version_spec: str | None) -> str | None:
    """``X.Y`` when every release the spec admits is ``X.Y`` or ``X.Y.*`` (Python's pin)."""
    if version_spec is None or not has_release(version_spec):
        return None
    for lit in _literals(str(_version_spec(version_spec))):
        v = _version(lit)
        mm = v.as_major_minor() if v is not None else None
        if mm is None:
            continue
        xy = f"{mm[0]}.{mm[1]}"
        if not has_release(_join([*conjuncts(version_spec), f"!={xy}.*"])):
            return xy
    return None


# --------------------------------------------------------------------------- whole specs


@dataclass(frozen=True)
class Combined:
    """The specs of one package combined into one request, and how to write it."""

    name: str
    version: str | None
    build: str | None
    channel: str | None
    attributes: str
    text: str


@dataclass(frozen=True)
class Clash:
    """No single spec satisfies these inputs; ``specs`` are the sides, in input order."""

    field: str  # "version", "build", "channel" or "attributes"
    specs: tuple[CondaSpec, ...]
    reason: str


def combine(specs: Sequence[CondaSpec]) -> Combined | Clash:
    """Combine specs of one package (given in source order) into one, or say why not.

    Version constraints are conjoined and simplified; an empty conjunction is a clash naming
    the first pair of inputs that is already empty (or every constrained input when only all
    of them together are). A build string must be the same everywhere, or an exact build
    that matches the others' globs; explicit channels and bracket attributes must agree.
    """
    if not specs:
        raise ValueError("combine() needs at least one spec")
    first = specs[0]
    if all(s.canonical() == first.canonical() for s in specs):
        return Combined(
            first.name, first.version, first.build, first.channel, first.attributes, first.text
        )

    clash = _one_value(specs, "channel", "different explicit channels") or _one_value(
        specs, "attributes", "different bracket attributes"
    )
    if clash is not None:
        return clash
    build = _combine_builds(specs)
    if isinstance(build, Clash):
        return build

    distinct: list[CondaSpec] = []
    for s in specs:
        if s.version is not None and all(d.version != s.version for d in distinct):
            distinct.append(s)
    version = conjoin(s.version for s in distinct)
    if len(distinct) > 1 and not has_release(version):
        return Clash("version", _empty_core(distinct), _version_reason(_empty_core(distinct)))
    version = simplify(version)
    channel = next((s.channel for s in specs if s.channel), None)
    attributes = next((s.attributes for s in specs if s.attributes), "")
    key = _assemble(first.name, version, build, channel, attributes)
    # Keep a source's own spelling when the result is exactly what that source asked for.
    text = next((s.text for s in specs if s.canonical() == key), None)
    if text is None:
        text = render(first.name, version, build, channel, attributes)
    return Combined(first.name, version, build, channel, attributes, text)


def _one_value(specs: Sequence[CondaSpec], attr: str, reason: str) -> Clash | None:
    sides: list[CondaSpec] = []
    for s in specs:
        value = getattr(s, attr)
        if value and all(getattr(o, attr) != value for o in sides):
            sides.append(s)
    return Clash(attr, tuple(sides), reason) if len(sides) > 1 else None


def _combine_builds(specs: Sequence[CondaSpec]) -> str | None | Clash:
    sides: list[tuple[CondaSpec, str]] = []  # each distinct build string, first asker
    for s in specs:
        if s.build and all(b != s.build for _, b in sides):
            sides.append((s, s.build))
    if len(sides) < 2:
        return sides[0][1] if sides else None
    exact = [(s, b) for s, b in sides if "*" not in b]
    if len(exact) == 1 and all(fnmatch.fnmatchcase(exact[0][1], glob) for _, glob in sides):
        return exact[0][1]
    clashing = exact if len(exact) > 1 else sides
    return Clash("build", tuple(s for s, _ in clashing), "different build strings")


def _empty_core(specs: Sequence[CondaSpec]) -> tuple[CondaSpec, ...]:
    """The first pair whose versions already exclude each other, else all of them."""
    for i, a in enumerate(specs):
        for b in specs[i + 1 :]:
            if not has_release(conjoin([a.version, b.version])):
                return (a, b)
    return tuple(specs)


def _version_reason(specs: Sequence[CondaSpec]) -> str:
    if len(specs) == 2 and all(_is_pin(s.version) for s in specs):
        return "pinned to different versions"
    return "no version satisfies all of them"


def _is_pin(version: str | None) -> bool:
    """``==X`` or ``X.*`` (conda's ``=X``) alone."""
    if version is None or any(ch in version for ch in ",|"):
        return False
    return version.startswith("==") or _is_prefix_atom(version)


def _assemble(
    name: str, version: str | None, build: str | None, channel: str | None, attributes: str
) -> str:
    """rattler's canonical form for these parts (``conda-forge::numpy >=1,<2 py*``)."""
    text = f"{channel}::{name}" if channel else name
    if version is not None or build:
        text += f" {version or '*'}"
    if build:
        text += f" {build}"
    return text + attributes


def _dnf_terms(text: str) -> list[list[str]]:
    """A canonical version spec as a disjunction of conjunctions (lists of atoms)."""
    text = _strip_parens(text)
    disjuncts = _split_top(text, "|")
    if len(disjuncts) > 1:
        return [term for d in disjuncts for term in _dnf_terms(d)]
    terms: list[list[str]] = [[]]
    for part in _split_top(text, ","):
        factor = _dnf_terms(part) if part.startswith("(") else [[part]]
        terms = [t + f for t in terms for f in factor]
    return terms


def without_parentheses(version: str) -> str:
    """``(1.26.*|==2.0),<2`` as ``1.26.*,<2|==2.0,<2``: the same versions, no parentheses.

    conda's own spec parser (and conda-lock's copy of it) reads a parenthesised group in a
    match spec's version as nothing or rejects it, so the merged text never holds one.
    ``,`` binds tighter than ``|`` in conda's grammar, so the distributed form means the same.
    """
    if "(" not in version:
        return version
    return "|".join(",".join(dict.fromkeys(t)) for t in _dnf_terms(version))


def render(
    name: str, version: str | None, build: str | None, channel: str | None, attributes: str = ""
) -> str:
    """The usual conda spelling: ``numpy=1.2``, ``numpy>=1,<2``, ``numpy 1.2.* py*``.

    A lone starts-with becomes ``name=X`` and a spec starting with an operator is written
    without a space, as people write them; anything else uses rattler's canonical form.
    """
    prefix = f"{channel}::" if channel else ""
    if version is not None:
        version = without_parentheses(version)
    if build or attributes or version is None:
        return prefix + _assemble(name, version, build, None, attributes)
    if _is_prefix_atom(version):
        return f"{prefix}{name}={version[:-2]}"
    if version[0] in _OPERATOR_CHARS:
        return f"{prefix}{name}{version}"
    return f"{prefix}{name} {version}"


def _is_prefix_atom(version: str) -> bool:
    return (
        version.endswith(".*")
        and version[0] not in _OPERATOR_CHARS + "("
        and not any(ch in version for ch in ",|")
    )


def render_python(version: str | None, build: str | None, attributes: str = "") -> str:
    """A python spec repo2docker reads: it takes ``X.Y`` from ``python\\s*=+\\s*([\\d.]*)``.

    When the spec pins ``X.Y`` the text starts ``python=X.Y`` (or ``python==X.Y.Z``);
    further conjuncts follow after a comma (``python=3.11,!=3.11.2``) and a build string goes
    into brackets (``python=3.11[build="*_cpython"]``), which conda and rattler read as the
    same spec.
    """
    xy = pinned_minor(version)
    if xy is None:
        return render("python", version, build, None, attributes)
    parts = conjuncts(version)
    if len(parts) == 1 and parts[0].startswith("=="):
        text = f"python{parts[0]}"
    else:
        text = f"python={xy}" + "".join(f",{p}" for p in parts if p != f"{xy}.*")
    if build:
        inner = f'build="{build}"' + (f", {attributes[1:-1]}" if attributes else "")
        return f"{text}[{inner}]"
    return text + attributes
