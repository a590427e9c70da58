"""The conda spec algebra: parsing with rattler, conjunction, emptiness, rendering."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from bindermerge.errors import ParseError
from bindermerge.model import Origin
from bindermerge.repo2docker.constants import PYTHON_PIN_RE
from bindermerge.specs import conda as cs


def origin(source: str = "a", line: int = 1) -> Origin:
    return Origin(source, "environment.yml", f"{source}/binder/environment.yml", line)


def spec(text: str, source: str = "a", line: int = 1) -> cs.CondaSpec:
    return cs.parse_spec(text, origin(source, line))


def combined(*texts: str) -> cs.Combined | cs.Clash:
    return cs.combine([spec(t, chr(ord("a") + i), i + 1) for i, t in enumerate(texts)])


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "name", "version", "build", "channel"),
    [
        ("numpy", "numpy", None, None, None),
        ("numpy=1.2", "numpy", "1.2.*", None, None),
        ("numpy 1.2.*", "numpy", "1.2.*", None, None),
        ("numpy>=1,<2", "numpy", ">=1,<2", None, None),
        ("numpy 1.2|1.4", "numpy", "==1.2|==1.4", None, None),
        ("numpy==1.2", "numpy", "==1.2", None, None),
        ("numpy=1.2=py37_0", "numpy", "==1.2", "py37_0", None),
        ("numpy >=1.2 py*", "numpy", ">=1.2", "py*", None),
        ("bokeh::jupyter_bokeh==2.0.3", "jupyter_bokeh", "==2.0.3", None, "bokeh"),
        ("conda-forge/label/dev::numpy", "numpy", None, None, "conda-forge/label/dev"),
        ("Numpy=*", "numpy", None, None, None),
        ("fortran-magic ", "fortran-magic", None, None, None),
    ],
)
def test_parse_with_rattler(text, name, version, build, channel):
    s = spec(text)
    assert (s.name, s.version, s.build, s.channel) == (name, version, build, channel)
    assert s.text == text.strip()


def test_bracket_attributes_are_kept_opaque():
    s = spec("numpy[license=MIT]")
    assert s.attributes == '[license="MIT"]' and s.version is None


@pytest.mark.parametrize(
    "text",
    [
        "numpy==",
        "numpy>=1.2,",
        "numpy@1.2",
        "numpy>=1.2;python_version<'3'",
        "numpy >=1.2 py37 extra",
        "  ",
    ],
)
def test_unparseable_specs_are_parse_errors_with_line(text):
    with pytest.raises(ParseError) as info:
        cs.parse_spec(text, origin("src", 7))
    assert str(info.value).startswith("src/binder/environment.yml:7: ")
    assert "\n" not in str(info.value)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_parse_never_raises_anything_but_parse_error(text):
    try:
        cs.parse_spec(text, origin())
    except ParseError as exc:
        assert "\n" not in str(exc)


# --------------------------------------------------------------------------- combining


def test_different_exact_pins_conflict():
    r = combined("numpy=1.19.5", "numpy=1.26.4")
    assert isinstance(r, cs.Clash) and r.field == "version"
    assert r.reason == "pinned to different versions"
    assert [s.origin.source for s in r.specs] == ["a", "b"]


def test_disjoint_ranges_conflict():
    r = combined("numpy>=2", "numpy<1.27")
    assert isinstance(r, cs.Clash) and r.reason == "no version satisfies all of them"


def test_the_conflict_names_the_first_pair_that_is_already_empty():
    r = combined("numpy>=1.2", "numpy>=1.3", "numpy<1.3")
    assert isinstance(r, cs.Clash)
    assert [s.text for s in r.specs] == ["numpy>=1.3", "numpy<1.3"]


def test_compatible_ranges_are_conjoined():
    r = combined("numpy>=1.20", "numpy<2")
    assert isinstance(r, cs.Combined) and r.text == "numpy>=1.20,<2"


def test_an_implied_bound_is_dropped_and_the_sources_spelling_kept():
    r = combined("numpy=1.26", "numpy>=1.20")
    assert isinstance(r, cs.Combined) and r.text == "numpy=1.26" and r.version == "1.26.*"


def test_disjunctions_are_parenthesised():
    r = combined("numpy 1.2|1.4", "numpy>=1.3")
    assert isinstance(r, cs.Combined)
    assert r.version == ">=1.3,(==1.2|==1.4)"
    assert cs.allows(r.version, "1.4") and not cs.allows(r.version, "1.2")


def test_builds_must_agree_or_an_exact_build_must_match_the_glob():
    assert isinstance(combined("numpy=1.2=py37_0", "numpy=1.2=py38_0"), cs.Clash)
    r = combined("numpy >=1.2 py*", "numpy 1.2.3 py37_0")
    assert isinstance(r, cs.Combined) and r.build == "py37_0"
    assert isinstance(combined("numpy >=1 py*", "numpy >=1 *cuda"), cs.Clash)


def test_explicit_channels_must_agree():
    r = combined("bokeh::jupyter_bokeh", "conda-forge::jupyter_bokeh")
    assert isinstance(r, cs.Clash) and r.field == "channel"
    r = combined("bokeh::jupyter_bokeh==2.0.3", "jupyter_bokeh>=2")
    assert isinstance(r, cs.Combined) and r.text == "bokeh::jupyter_bokeh==2.0.3"


def test_identical_specs_keep_their_text():
    r = combined("numpy", "numpy", "numpy")
    assert isinstance(r, cs.Combined) and r.text == "numpy"


@pytest.mark.parametrize(
    ("version", "xy"),
    [
        ("3.11.*", "3.11"),
        ("==3.7.6", "3.7"),
        ("3.11.*,>=3.11.1", "3.11"),
        (">=3.10", None),
        ("3.*", None),
        (">=3.11.1,<3.12", "3.11"),
        (">=3.11,<3.12.0a0", "3.11"),
        (None, None),
    ],
)
def test_pinned_minor(version, xy):
    # ">=3.11.1,<3.12" admits 3.12.0rc1 in conda's order, but every release it admits is 3.11.
    assert cs.pinned_minor(version) == xy


@pytest.mark.parametrize(
    ("version", "build", "text"),
    [
        ("3.11.*", None, "python=3.11"),
        ("==3.11.4", None, "python==3.11.4"),
        ("3.11.*,!=3.11.2", None, "python=3.11,!=3.11.2"),
        ("==3.7.6", "h357f687_2", 'python==3.7.6[build="h357f687_2"]'),
        (">=3.10", None, "python>=3.10"),
    ],
)
def test_render_python_is_read_by_repo2docker(version, build, text):
    assert cs.render_python(version, build) == text
    again = spec(text)
    assert again.version == version and again.build == build
    m = PYTHON_PIN_RE.match(text)
    xy = cs.pinned_minor(version)
    assert (m.group(1).startswith(xy) if m else None) == (True if xy else None)


# --------------------------------------------------------------------------- laws (hypothesis)

_SUFFIX = st.sampled_from(
    ["", "", "", "a", "a1", "b2", "rc1", "dev", ".dev0", ".post1", "post", "_1"]
)
_VERSION = st.builds(
    lambda segs, suffix, epoch: (f"{epoch}!" if epoch else "") + ".".join(map(str, segs)) + suffix,
    st.lists(st.integers(0, 3), min_size=1, max_size=4),
    _SUFFIX,
    st.sampled_from([0, 0, 0, 0, 1]),
)
_OP = st.sampled_from(["==", "!=", ">=", ">", "<=", "<", "~=", "=", "prefix", "!=prefix", ""])


def _atom(op: str, v: str) -> str:
    if op == "prefix":
        return f"{v}.*"
    if op == "!=prefix":
        return f"!={v}.*"
    return f"{op}{v}"


_ATOM = st.builds(_atom, _OP, _VERSION)
_VSPEC = st.one_of(
    _ATOM,
    st.builds(lambda a, b: f"{a},{b}", _ATOM, _ATOM),
    st.builds(lambda a, b: f"{a}|{b}", _ATOM, _ATOM),
    st.builds(lambda a, b, c: f"({a}|{b}),{c}", _ATOM, _ATOM, _ATOM),
)


def _valid(vspec: str) -> cs.CondaSpec | None:
    try:
        return cs.parse_spec(f"pkg {vspec}", origin())
    except ParseError:
        return None


def _probes(specs, extra):
    """Versions to test a law on: the sampled ones plus every candidate around every literal."""
    literals = [lit for s in specs if s.version for lit in cs._literals(s.version)]
    return {str(v) for v in cs._candidates(literals)} | {v for v in extra if cs._version(v)}


LAW = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@LAW
@given(st.lists(_VSPEC, min_size=2, max_size=3), st.lists(_VERSION, max_size=25))
@example([">=2", "<1.27"], ["1.26", "2.0"])
@example(["1.2.*", ">=1.2.3", "!=1.2.5"], ["1.2.4", "1.2.5", "1.3"])
def test_a_version_satisfies_the_merge_exactly_when_it_satisfies_every_input(vspecs, versions):
    specs = [s for s in map(_valid, vspecs) if s is not None]
    assume(len(specs) >= 2)
    r = cs.combine(specs)
    for v in _probes(specs, versions):
        every = all(cs.allows(s.version, v) for s in specs)
        if isinstance(r, cs.Clash):
            # A clash means no *release* fits: pre-release-only solutions are conflicts too.
            from rattler import Version

            release = cs._is_release(Version(str(v)))
            assert not (every and release), (
                f"{v} satisfies every input, yet the merge says no release does"
            )
        else:
            assert cs.allows(r.version, v) == every, (v, r.version)
            # ...and the text written to environment.yml means the same (rattler reads it back).
            assert cs.allows(cs.parse_spec(r.text, origin()).version, v) == every, (v, r.text)


@LAW
@given(_VSPEC, st.lists(_VERSION, max_size=30))
@example("(==0|>=1!1a1),~=1!0a", ["0", "1!1"])  # the release above a pre-release, in an epoch
def test_release_witness_is_a_release_the_spec_admits(vspec, versions):
    s = _valid(vspec)
    assume(s is not None and s.version is not None)
    from rattler import Version

    w = cs.release_witness(s.version)
    if w is None:
        assert not any(
            cs.allows(s.version, v) and cs._is_release(Version(str(v)))
            for v in _probes([s], versions)
        )
    else:
        assert cs.allows(s.version, w) and cs._is_release(Version(w))


@LAW
@given(_VSPEC, st.lists(_VERSION, max_size=30))
def test_emptiness_is_only_claimed_when_no_version_fits(vspec, versions):
    s = _valid(vspec)
    assume(s is not None and s.version is not None)
    w = cs.witness(s.version)
    if w is None:
        assert not any(cs.allows(s.version, v) for v in _probes([s], versions))
    else:
        assert cs.allows(s.version, w)


@LAW
@given(_VSPEC, st.lists(_VERSION, max_size=20))
def test_simplify_keeps_the_set_of_versions(vspec, versions):
    s = _valid(vspec)
    assume(s is not None)
    simpler = cs.simplify(s.version)
    for v in _probes([s], versions):
        assert cs.allows(simpler, v) == cs.allows(s.version, v), (v, s.version, simpler)


@LAW
@given(_VSPEC)
def test_merging_a_spec_with_itself_changes_nothing(vspec):
    s = _valid(vspec)
    assume(s is not None)
    r = cs.combine([s, s])
    assert isinstance(r, cs.Combined) and r.text == s.text


@pytest.mark.parametrize(
    "text",
    [
        "numpy",
        "numpy=1.2",
        "numpy>=1,<2",
        "numpy 1.2.* py*",
        "conda-forge::numpy >=1.2",
        "numpy[license=MIT]",
        'numpy >=1,<2 h1[build_number=">=3"]',
    ],
)
def test_render_round_trips_through_rattler(text):
    s = spec(text)
    out = cs.render(s.name, s.version, s.build, s.channel, s.attributes)
    assert spec(out).canonical() == s.canonical()


def test_a_merged_disjunction_is_written_without_parentheses():
    """conda's parser (conda-lock's copy) reads ``numpy (a|b)`` as plain numpy: never write it."""
    from conda_lock._vendor.conda.models.match_spec import MatchSpec

    r = combined("numpy=1.26|2.0", "numpy<2")
    assert isinstance(r, cs.Combined) and "(" not in r.text
    conda = MatchSpec(r.text)
    for v, ok in [("1.26.4", True), ("2.0", False), ("1.25", False)]:
        assert (
            conda.match({"name": "numpy", "version": v, "build": "0", "build_number": 0}) == ok
        ), v
        assert cs.allows(r.version, v) == ok, v
