"""Laws of the PEP 440 intersection: the merged set admits exactly what every input admits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import Version

from bindermerge.specs import pep440 as specifiers

releases = st.lists(st.integers(0, 4), min_size=1, max_size=3).map(lambda r: ".".join(map(str, r)))
suffixes = st.sampled_from(["", "", "", "a1", "rc2", ".post1", ".dev0", "+local.1"])
versions = st.builds(lambda r, s: Version(r + s), releases, suffixes)
plain_versions = st.builds(
    lambda r, s: r + s, releases, st.sampled_from(["", "", "a1", ".post1", ".dev0"])
)
operators = st.sampled_from(["==", "!=", ">=", "<=", ">", "<", "~="])


@st.composite
def specifier(draw) -> Specifier:
    op = draw(operators)
    v = draw(plain_versions)
    if op == "~=" and "." not in v.split("a")[0].split(".post")[0].split(".dev")[0]:
        v = v + ".0" if v[0].isdigit() and not any(c in v for c in "a.") else "1.0"
    if op in ("==", "!=") and draw(st.booleans()) and all(c.isdigit() or c == "." for c in v):
        v = v + ".*"
    try:
        return Specifier(op + v)
    except InvalidSpecifier:  # a combination PEP 440 does not allow (``~=1``): a plain bound
        return Specifier(">=" + v.replace(".*", ""))


spec_sets = st.lists(specifier(), min_size=0, max_size=3).map(
    lambda ss: SpecifierSet(",".join(map(str, ss)))
)


@settings(max_examples=400, deadline=None)
@given(st.lists(spec_sets, min_size=1, max_size=4), st.lists(versions, min_size=1, max_size=20))
def test_merged_admits_exactly_what_every_input_admits(sets, probes):
    merged = specifiers.merge_specifier_sets(sets)
    for v in probes:
        assert specifiers.allows(merged, v) == all(specifiers.allows(s, v) for s in sets), (
            merged,
            v,
        )


@settings(max_examples=400, deadline=None)
@given(st.lists(spec_sets, min_size=1, max_size=4), st.lists(versions, min_size=1, max_size=30))
def test_emptiness_is_sound(sets, probes):
    merged = specifiers.merge_specifier_sets(sets)
    w = specifiers.witness(merged)
    if w is not None:
        assert all(specifiers.allows(s, w) for s in sets)
    else:
        # Declared empty: no probe version may satisfy every input.
        for v in probes:
            assert not all(specifiers.allows(s, v) for s in sets), (merged, v)


@settings(max_examples=200, deadline=None)
@given(spec_sets)
def test_merging_with_itself_changes_nothing(spec):
    once = specifiers.merge_specifier_sets([spec])
    assert specifiers.merge_specifier_sets([once, once]) == once


def test_examples():
    m = specifiers.merge_specifier_sets([SpecifierSet(">=1.20"), SpecifierSet("<2,>=1.22")])
    assert specifiers.render(m) == ">=1.22,<2"
    assert specifiers.witness(SpecifierSet("==1.21.0,>=1.22")) is None
    assert specifiers.witness(SpecifierSet("<1,>=2")) is None
    assert specifiers.witness(SpecifierSet(">1.0,<1.0.1")) is not None
    # PEP 440 corner: >1.0 refuses 1.0.post1, so it must not be dropped next to >=1.0.post1.
    m = specifiers.merge_specifier_sets([SpecifierSet(">1.0"), SpecifierSet(">=1.0.post1")])
    assert not specifiers.allows(m, Version("1.0.post2"))
