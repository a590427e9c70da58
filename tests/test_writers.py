"""Generated YAML and TOML read back as exactly what was merged, in every reader.

environment.yml is read by YAML 1.2 readers (ruamel.yaml in conda and repo2docker) and by
YAML 1.1 readers (PyYAML, where ``yes``, ``on`` and ``007`` are not strings); Project.toml by
tomllib. The writers (bindermerge.render.yaml / .toml) must get every value through both,
whatever its text; tags conda's loader refuses must be refused on the way in.
"""

from __future__ import annotations

import datetime
import io
import json
import math
from pathlib import Path

import pytest
import tomllib
import yaml as pyyaml
from helpers import run_process, tree_bytes
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from bindermerge import __version__
from bindermerge.context import MergeContext, MergeOptions
from bindermerge.errors import ParseError
from bindermerge.kinds import environment as env
from bindermerge.kinds.environment import MergedDependency, MergedEnvironment, Note
from bindermerge.model import Origin
from bindermerge.pipeline import merge
from bindermerge.render import toml
from bindermerge.specs import pip

# The values the issue lists: each was once written unquoted and the output failed to parse
# (or parsed to something else).
TRICKY = [
    "=",
    "*x",
    "&a",
    "!x",
    "%x",
    "@x",
    "a: b",
    "a #b",
    "1.10",
    "yes",
    "on",
    "007",
    "",
    "  lead",
]
MORE_TRICKY = ["<<", "~", "null", "No", "y", "0o17", "0x1F", "1_000", "1:20", "1e3", ".inf", "-",
               "- x", "? x", "[a]", "{a}", "a\nb", "tab\there", "trail ", "#x", "x:", "'q'", '"q"',
               "|", ">", "`x", "2024-01-01", "\u2028", "\x85", "\ufeff", "\x00",
               "é ü 日本"]  # fmt: skip


def load_both(text: str) -> tuple[object, object]:
    """The document as ruamel.yaml (YAML 1.2, safe) and PyYAML (YAML 1.1, safe) read it."""
    return YAML(typ="safe", pure=True).load(text), pyyaml.safe_load(text)


def same(a: object, b: object, *, ordered: bool = True) -> bool:
    """Equal with the same types all the way down (True is not 1, "1" is not 1); mapping
    order counts unless ``ordered`` is false (TOML tables have none)."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys_match = list(a) == list(b) if ordered else set(a) == set(b)
        return keys_match and all(same(a[k], b[k], ordered=ordered) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(
            same(x, y, ordered=ordered) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


def assert_reads_back(text: str, expected: dict[str, object]) -> None:
    for reader, data in zip(("ruamel.yaml (1.2)", "PyYAML (1.1)"), load_both(text), strict=True):
        assert same(data, expected), (reader, data, expected, text)


# --------------------------------------------------------------------------- environment.yml


def expected_of(merged: MergedEnvironment) -> dict[str, object]:
    """What environment.yml must load to: the merged values, nothing else."""
    out: dict[str, object] = {}
    if merged.name is not None:
        out["name"] = merged.name
    if merged.channels:
        out["channels"] = [c for c, _ in merged.channels]
    deps: list[object] = [d.text for d in merged.dependencies]
    if merged.pip is not None:
        lines = [f"-c {merged.constraints_file}"] if merged.pip.constraints else []
        deps.append({"pip": lines + pip.render_lines(merged.pip, with_sources=False)})
    out["dependencies"] = deps
    if merged.variables:
        out["variables"] = {k: v for k, v, _ in merged.variables}
    out.update(merged.others)
    return out


def render_text(merged: MergedEnvironment, sources: tuple[str, ...] = ("a", "b")) -> str:
    ctx = MergeContext(MergeOptions(), sources)
    (f,) = [f for f in env.render(merged, ctx) if f.path == env.FILE]
    return f.content.decode("utf-8")


# Any text at all, as a YAML source could hold it (a double-quoted scalar can spell any
# character), and text without line breaks for what a comment carries.
ANY_TEXT = st.text(max_size=20) | st.sampled_from(TRICKY + MORE_TRICKY)
names = st.text(max_size=12)
origins = st.lists(
    st.builds(
        lambda s, f: Origin(s, f, f"{s}/{f}", 1, ""),
        names,
        st.sampled_from([env.FILE, "requirements.txt"]),
    ),
    max_size=3,
)
scalars = (
    ANY_TEXT | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none() | st.dates()
)


def _styled(container: CommentedMap | CommentedSeq, flow: bool) -> CommentedMap | CommentedSeq:
    if flow:  # as a carried value loaded from "[a, b]" or "{k: v}" keeps its flow style
        container.fa.set_flow_style()
    return container


yaml_values = st.recursive(
    scalars,
    lambda inner: (
        st.builds(_styled, st.lists(inner, max_size=3).map(CommentedSeq), st.booleans())
        | st.builds(
            _styled,
            st.dictionaries(ANY_TEXT, inner, max_size=3).map(lambda d: CommentedMap(d.items())),
            st.booleans(),
        )
    ),
    max_leaves=8,
)
KNOWN = {"name", "channels", "dependencies", "variables", "prefix"}


@st.composite
def merged_environments(draw: st.DrawFn) -> MergedEnvironment:
    deps = [
        MergedDependency(
            name=f"d{i}",
            text=draw(ANY_TEXT),
            origins=draw(origins),
            comments=draw(st.lists(ANY_TEXT, max_size=2)),
            leading=draw(st.lists(ANY_TEXT, max_size=2)),
            added=draw(st.none() | ANY_TEXT),
        )
        for i in range(draw(st.integers(0, 4)))
    ]
    merged_pip = None
    if draw(st.booleans()):
        merged_pip = pip.MergedPip(
            options=[(t, draw(origins)) for t in draw(st.lists(ANY_TEXT, max_size=2))],
            requirements=[
                pip.MergedRequirement(t, draw(origins))
                for t in draw(st.lists(ANY_TEXT, max_size=3))
            ],
            constraints=[
                pip.MergedRequirement("anyio<5", draw(origins), constraint=True)
                for _ in range(draw(st.integers(0, 1)))
            ],
        )
    others = draw(
        st.dictionaries(ANY_TEXT.filter(lambda k: k not in KNOWN), yaml_values, max_size=3)
    )
    return MergedEnvironment(
        name=draw(st.none() | ANY_TEXT),
        channels=[(c, draw(origins)) for c in draw(st.lists(ANY_TEXT, max_size=3, unique=True))],
        dependencies=deps,
        pip=merged_pip,
        variables=[
            (k, v, draw(origins))
            for k, v in draw(st.dictionaries(ANY_TEXT, ANY_TEXT, max_size=3)).items()
        ],
        others=list(others.items()),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(merged_environments())
def test_environment_yml_reads_back_as_merged_in_yaml_1_1_and_1_2(merged):
    assert_reads_back(render_text(merged), expected_of(merged))


@settings(max_examples=50, deadline=None)
@given(merged_environments())
def test_rendering_is_deterministic(merged):
    assert render_text(merged) == render_text(merged)


@pytest.mark.parametrize("value", TRICKY + MORE_TRICKY)
def test_each_tricky_value_reads_back(value):
    merged = MergedEnvironment(
        name=value,
        channels=[(value, [])],
        dependencies=[MergedDependency("x", value, [], comments=[value], leading=[value])],
        pip=pip.MergedPip(options=[(value, [])], requirements=[pip.MergedRequirement(value, [])]),
        variables=[(value, value, [])],
        others=[(value, value)] if value not in KNOWN else [],
    )
    assert_reads_back(render_text(merged), expected_of(merged))


def _quoted(value: str) -> str:
    return json.dumps(value)  # a JSON string is a YAML double-quoted scalar


@pytest.mark.parametrize("value", TRICKY)
def test_tricky_values_survive_a_merge(make_source, value):
    """End to end: a source that quotes the value gets it back, quoted where it must be."""
    channel = f"  - {_quoted(value)}\n" if value.strip() else ""
    text = f"name: {_quoted(value)}\nchannels:\n  - conda-forge\n{channel}"
    text += f"variables:\n  V: {_quoted(value)}\n  {_quoted(value or 'E')}: x\n"
    text += f"extra: {_quoted(value)}\n"
    a = make_source("a", {"environment.yml": text})
    result = merge([a])
    out = result.file(env.FILE).content.decode()
    merged = result.values["environment"]
    assert isinstance(merged, MergedEnvironment)
    assert merged.name == value and ("V", value) in [(k, v) for k, v, _ in merged.variables]
    assert_reads_back(out, expected_of(merged))


def test_pip_lines_the_pip_engine_keeps_verbatim_read_back(make_source):
    lines = ["--extra-index-url https://x.example/simple?a=1#frag",
             "requests>=2 ; python_version >= '3.8'",
             "pkg @ https://x.example/p.whl#sha256=00", "-e git+https://x.example/r.git#egg=r",
             "--pre", "numpy==1.26.*"]  # fmt: skip
    body = "".join(f"    - {_quoted(line)}\n" for line in lines)
    a = make_source("a", {"environment.yml": f"dependencies:\n  - pip\n  - pip:\n{body}"})
    result = merge([a])
    merged = result.values["environment"]
    assert isinstance(merged, MergedEnvironment)
    assert_reads_back(result.file(env.FILE).content.decode(), expected_of(merged))


def _reads_as(text: str, doc: object) -> bool:
    try:
        return bool(YAML(typ="safe", pure=True).load(text) == doc)
    except YAMLError:
        return False


# Variables, names and channels written by a source through an emitter, merged, read back.
_source_text = st.text(min_size=1, max_size=15)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    name=_source_text,
    channels=st.lists(
        _source_text.map(lambda c: c.strip().rstrip("/")).filter(
            lambda c: c and "default" not in c
        ),
        max_size=3,
        unique=True,
    ),
    variables=st.dictionaries(_source_text, _source_text, max_size=4),
)
def test_any_source_values_merge_and_read_back(tmp_path_factory, name, channels, variables):
    doc = {"name": name, "channels": channels, "variables": variables, "dependencies": ["numpy"]}
    root = tmp_path_factory.mktemp("src")
    (root / "binder").mkdir()
    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(doc, stream)
    text = stream.getvalue()
    # Jinja-looking text is refused on purpose ("render the template first"): not this test's;
    # nor is ruamel's safe dumper writing YAML it does not read back ({a: ?0}, '\x85').
    assume("{{" not in text and "{%" not in text and _reads_as(text, doc))
    (root / "binder" / env.FILE).write_text(text, encoding="utf-8")
    result = merge([root])
    merged = result.values["environment"]
    assert isinstance(merged, MergedEnvironment)
    assert merged.name == name and [c for c, _ in merged.channels] == channels
    assert {k: v for k, v, _ in merged.variables} == variables
    assert_reads_back(result.file(env.FILE).content.decode(), expected_of(merged))


# --------------------------------------------------------------------------- carried keys


def test_carried_keys_keep_their_comments_and_read_back_alike(make_source):
    a = make_source("a", {"environment.yml": (
        "platforms:  # conda-lock\n"
        "  # x86 first\n"
        "  - linux-64  # the image\n"
        "  - osx-arm64\n"
        "# conda packages\n"
        "dependencies: [numpy]\n"
        "octal: 0o17  # YAML 1.2 spelling\n"
        "big: 1e3\n"
        "when: 2024-01-31\n"
        "stamp: 2001-12-14t21:59:43.10-05:00\n"
        "flag: yes\n"
        "nested:\n  k: [1, '2', 3.0]\n  z: null\n"
    )})  # fmt: skip
    result = merge([a])
    out = result.file(env.FILE).content.decode()
    assert (
        "platforms:  # conda-lock\n  # x86 first\n  - linux-64  # the image\n  - osx-arm64\n" in out
    )
    assert "octal: 15  # YAML 1.2 spelling\n" in out
    assert "conda packages" not in out
    expected = {"platforms": ["linux-64", "osx-arm64"], "octal": 15, "big": 1000.0,
                "when": datetime.date(2024, 1, 31), "flag": "yes",
                "stamp": datetime.datetime(2001, 12, 14, 21, 59, 43, 100000,
                                           datetime.timezone(datetime.timedelta(hours=-5))),
                "nested": {"k": [1, "2", 3.0], "z": None}}  # fmt: skip
    for data in load_both(out):
        assert isinstance(data, dict)
        assert same({k: data[k] for k in expected}, expected), data


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("extra: !!set {a: null}\n", 1, "a set"),
        ("extra: !!omap [{a: 1}]\n", 1, "ordered map"),
        ("extra:\n  1: x\n", 1, "not text"),
        ("base: &b {a: 1}\nextra:\n  <<: *b\n", 3, "merge key"),
        ("dependencies: &d [numpy]\nextra:\n  - *d\n", 2, "alias"),
        ("? [a, b]\n: x\n", 1, "must be text"),
    ],
)
def test_carried_values_that_cannot_be_written_alike_are_refused(make_source, text, line, words):
    a = make_source("a", {"binder/environment.yml": text})
    with pytest.raises(ParseError) as info:
        merge([a])
    message = str(info.value)
    assert f"binder/environment.yml:{line}: " in message and words in message, message
    assert "\n" not in message


# --------------------------------------------------------------------------- tags


TAGGED = [
    ("dependencies: !!python/object/apply:os.system ['touch PWNED']\n", 1,
     "!!python/object/apply:os.system"),
    ("dependencies:\n  - numpy\n  - !!python/name:os.system scipy\n", 3, "!!python/name:os.system"),
    ("name: !custom x\n", 1, "!custom"),
    ("dependencies: [numpy]\nextra: !custom {a: 1}\n", 2, "!custom"),
    ("dependencies:\n  - pip:\n    - !req requests\n", 3, "!req"),
    ("%TAG !e! tag:example.com,2000:\n---\nvariables:\n  A: !e!x 1\n", 4, "tag:example.com,2000:x"),
    ("variables:\n  A: =\n", 2, "'='"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "tag"), TAGGED)
def test_tags_conda_refuses_are_a_one_line_error(make_source, cli, tmp_path, text, line, tag):
    a = make_source("a", {"binder/environment.yml": text})
    with pytest.raises(ParseError) as info:
        merge([a])
    message = str(info.value)
    assert message.startswith(f"{a}/binder/environment.yml:{line}: "), message
    assert tag in message and "\n" not in message
    run = cli(a, "-o", tmp_path / "out")
    assert run.code == 2 and "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1, run.err
    assert not (tmp_path / "out").exists()
    assert not Path("PWNED").exists()


def test_a_tag_leaves_an_earlier_output_untouched(make_source, tmp_path):
    """The real command line (``python -m bindermerge SRC -o OUT``): exit 2, output as it was."""
    a = make_source("a", {"binder/environment.yml": "dependencies: [numpy]\n"})
    out = tmp_path / "out"
    assert run_process(a, "-o", out).code == 0
    before = tree_bytes(out)
    (a / "binder" / "environment.yml").write_text(TAGGED[0][0])
    run = run_process(a, "-o", out)
    assert run.code == 2, run
    assert "environment.yml:1:" in run.err and "!!python/object/apply:os.system" in run.err
    assert "Traceback" not in run.err
    assert tree_bytes(out) == before


def test_standard_tags_conda_reads_are_accepted(make_source):
    a = make_source("a", {"environment.yml": "name: !!str 2024\ndependencies:\n  - !!str numpy\n"})
    result = merge([a])
    data = load_both(result.file(env.FILE).content.decode())
    assert all(same(d, {"name": "2024", "dependencies": ["numpy"]}) for d in data)


# --------------------------------------------------------------------------- comments


def test_comments_with_line_breaks_of_any_yaml_version_stay_comments():
    breaks = ["a\nb: 1", "a\rb: 1", "a\x85b: 1", "a\u2028b: 1", "a\u2029b: 1"]
    merged = MergedEnvironment(
        dependencies=[
            MergedDependency(
                "x", "x", [Origin(s, env.FILE, s) for s in breaks], comments=breaks, leading=breaks
            )
        ],  # fmt: skip
    )
    text = render_text(merged)
    assert_reads_back(text, {"dependencies": ["x"]})


NOTED = Origin("a", env.FILE, "a", 9, "tqdm")


def test_emitter_keeps_todays_layout():
    merged = MergedEnvironment(
        name="demo",
        channels=[("conda-forge", [Origin("a", env.FILE, "a")])],
        dependencies=[
            MergedDependency("numpy", "numpy>=1", [Origin("a", env.FILE, "a")], ["fast"],
                             ["math", ""]),
            MergedDependency("pip", "pip", [],
                             added="added by bindermerge: the pip: block needs it"),
        ],
        pip=pip.MergedPip(
            requirements=[pip.MergedRequirement("rich", [Origin("b", "requirements.txt", "b")]),
                          pip.MergedRequirement("tqdm", [NOTED])]
        ),
        notes={NOTED: Note(NOTED, "bars", ("progress", ""))},
        variables=[("THREADS", "1", [Origin("a", env.FILE, "a")])],
    )  # fmt: skip
    assert render_text(merged).replace(__version__, "V") == (
        "# Generated by bindermerge V from: a, b\n"
        "# Edit the sources and run bindermerge again rather than editing this file.\n"
        "name: demo\n"
        "channels:\n"
        "  - conda-forge  # from a\n"
        "dependencies:\n"
        "  # math\n"
        "  #\n"
        "  - numpy>=1  # from a; fast\n"
        "  - pip  # added by bindermerge: the pip: block needs it\n"
        "  - pip:\n"
        "      - rich  # from b (requirements.txt)\n"
        "      # progress\n"
        "      #\n"
        "      - tqdm  # from a; bars\n"
        "variables:\n"
        '  THREADS: "1"  # from a\n'
    )


# --------------------------------------------------------------------------- Project.toml


toml_keys = st.text(max_size=10)
toml_scalars = (
    st.text(max_size=15)
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.booleans()
    | st.dates()
    | st.times()
    | st.datetimes(
        timezones=st.sampled_from(
            [
                None,
                datetime.timezone.utc,
                datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
            ]
        )
    )
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(toml_keys, inner, max_size=3),
    max_leaves=8,
)
toml_documents = st.dictionaries(
    toml_keys, toml_values | st.dictionaries(toml_keys, toml_values, max_size=4), max_size=5
)


@settings(max_examples=400, deadline=None)
@given(toml_documents)
def test_toml_writer_reads_back_with_tomllib(doc):
    assert same(tomllib.loads(toml.dumps(doc)), doc, ordered=False)


@pytest.mark.parametrize("value", TRICKY + MORE_TRICKY + ['"""', "'''", "\\", "\x7f", "\r\n"])
def test_toml_entry_text_is_valid_toml(value):
    assert tomllib.loads(toml.entry_text(value, value)) == {value: value}


PYCALL = "438e738f-606a-5dbb-bf0a-cddfbfd45ab0"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    deps=st.lists(st.tuples(toml_keys, st.text(max_size=15)), max_size=6, unique_by=lambda t: t[0]),
    extras=st.dictionaries(toml_keys, toml_values, max_size=3),
)
def test_merged_project_toml_reads_back_as_merged(tmp_path_factory, deps, extras):
    """Two sources with disjoint [deps] and one with more tables: the union, as tomllib reads it."""
    import tomlkit

    half = len(deps) // 2
    first = {"deps": dict(deps[:half]), "compat": {"julia": "1.10"}, "extras": extras}
    second = {"deps": dict(deps[half:]), "compat": {"julia": "1.10"}, "targets": {"test": ["Test"]}}
    roots = []
    for i, doc in enumerate((first, second)):
        root = tmp_path_factory.mktemp(f"jl{i}")
        (root / "binder").mkdir()
        (root / "binder" / "Project.toml").write_text(tomlkit.dumps(doc), encoding="utf-8")
        roots.append(root)
    result = merge(roots)
    assert result.ok, result.conflicts
    out = result.file("Project.toml").content.decode()
    assert out.startswith("# Generated by bindermerge")
    expected: dict[str, object] = {"deps": dict(sorted(deps))} if deps else {}
    expected["compat"] = {"julia": "1.10"}
    expected["extras"] = dict(sorted(extras.items()))
    expected["targets"] = {"test": ["Test"]}
    assert same(tomllib.loads(out), expected, ordered=False)
