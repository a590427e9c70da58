"""environment.yml: merging, folding requirements.txt and runtime.txt, what repo2docker reads."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from helpers import CORPUS, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from bindermerge import __version__
from bindermerge.errors import InputError
from bindermerge.kinds import environment as env
from bindermerge.model import Origin
from bindermerge.options import MergeOptions
from bindermerge.pipeline import merge
from bindermerge.repo2docker.constants import DEFAULT_PYTHON, MAJOR_PYTHONS, PYTHON_PIN_RE
from bindermerge.repo2docker.python import conda_python_pin
from bindermerge.sources.base import SourceFile

FIXTURES = Path(__file__).parent / "fixtures" / "environment"
GOLDEN = Path(__file__).parent / "golden" / "environment"
OWN_FILES = (env.FILE, env.CONSTRAINTS, env.UNFOLDED_CONSTRAINTS)

# case -> (sources in merge order, merge options, the Python version repo2docker must pick)
CASES: dict[str, tuple[list[str], dict[str, object], str]] = {
    "analysis": (["binder_db", "binder_ml", "binder_dash"], {}, "3.11"),
    # unknown keys carried with their comments; values YAML 1.1 readers would misread
    "carried": (["one", "two"], {}, "3.12"),
    "channels": (["lab", "bio", "legacy"], {}, "3.12"),
    # api's requirements.txt (with its -c constraints.txt) sits beside its own environment.yml,
    # where repo2docker ignored it: folded only on request
    "constraints": (["api", "web"], {"fold_ignored": True}, "3.10"),
    "pinned": (["frozen", "extra"], {}, "3.9"),
    "conflicts": (["course2021", "course2024"], {"on_conflict": "last"}, "3.11"),
    # stale: a python-2.7 runtime.txt and a requirements.txt repeating conda's packages beside
    # its own environment.yml; repo2docker ignored both, and so does the merge
    "stale": (["course", "tools"], {}, "3.11"),
}


def load(data: bytes | str) -> dict:
    return YAML(typ="safe").load(data)


def env_text(result) -> str:
    f = result.file(env.FILE)
    assert f is not None, [x.path for x in result.files]
    return f.content.decode()


def merge_case(case: str, monkeypatch: pytest.MonkeyPatch):
    sources, options, _ = CASES[case]
    monkeypatch.chdir(FIXTURES / case)  # relative paths: stable messages in the report
    return merge(sources, MergeOptions(**options))


def report(result) -> str:
    lines = [f"conflict: {c.message()}" for c in result.conflicts]
    lines += [f"{w.level} [{w.code}]: {w.text()}" for w in result.warnings]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("case", sorted(CASES))
def test_realistic_merges_match_golden_files(case, monkeypatch):
    result = merge_case(case, monkeypatch)
    assert result.ok
    produced = {f.path: f.content for f in result.files if f.path in OWN_FILES}
    produced["report.txt"] = report(result).encode()
    produced = {k: v.replace(__version__.encode(), b"VERSION") for k, v in produced.items()}
    golden = GOLDEN / case
    if os.environ.get("BINDERMERGE_UPDATE_GOLDEN"):
        golden.mkdir(parents=True, exist_ok=True)
        for stale in golden.iterdir():
            stale.unlink()
        for name, data in produced.items():
            (golden / name).write_bytes(data)
    assert sorted(produced) == sorted(p.name for p in golden.iterdir()), (
        "BINDERMERGE_UPDATE_GOLDEN=1"
    )
    for name, data in produced.items():
        assert data == (golden / name).read_bytes(), f"{case}/{name}: BINDERMERGE_UPDATE_GOLDEN=1"
    # repo2docker would ignore these next to environment.yml: they were folded in.
    assert not {"requirements.txt", "runtime.txt"} & {f.path for f in result.files}
    text = produced[env.FILE].decode()
    assert text.endswith("\n") and not text.endswith("\n\n") and "\r" not in text


@pytest.mark.repo2docker
@pytest.mark.parametrize("case", sorted(CASES))
def test_repo2docker_reads_the_merged_environment(case, monkeypatch, tmp_path):
    from helpers.r2d import inspect_dir

    result = merge_case(case, monkeypatch)
    result.write(tmp_path / "repo" / "binder")
    info = inspect_dir(tmp_path / "repo")
    assert info["error"] is None, info["error"]
    assert info["buildpack"] == "CondaBuildPack"
    assert "binder/environment.yml" in info["files_used"]
    assert info["ignored"] == []
    assert info["python_version"] == CASES[case][2]


def test_output_does_not_depend_on_the_hash_seed(tmp_path):
    script = (
        "import os, sys; from bindermerge.pipeline import merge\n"
        "for case, srcs in (('analysis', ['binder_db', 'binder_ml', 'binder_dash']),"
        " ('channels', ['lab', 'bio', 'legacy'])):\n"
        f"    os.chdir({str(FIXTURES)!r} + '/' + case)\n"
        "    r = merge(srcs)\n"
        "    sys.stdout.buffer.write(r.file('environment.yml').content)\n"
    )
    outs = set()
    for seed in ("0", "1", "4242", "random"):
        proc = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outs.add(proc.stdout)
    assert len(outs) == 1


# --------------------------------------------------------------------------- dependencies


def test_specs_for_one_package_are_combined(make_source):
    a = make_source("a", {"environment.yml": "dependencies:\n  - numpy>=1.20\n  - scipy\n"})
    b = make_source("b", {"environment.yml": "dependencies:\n  - numpy<2\n  - scipy=1.11\n"})
    deps = load(env_text(merge([a, b])))["dependencies"]
    assert deps == ["numpy>=1.20,<2", "scipy=1.11"]


def test_two_exact_pins_are_a_conflict_naming_both_files_and_lines(make_source):
    a = make_source("a", {"environment.yml": "dependencies:\n  - python\n  - numpy=1.19.5\n"})
    b = make_source("b", {"environment.yml": "dependencies:\n  - numpy=1.26.4\n"})
    result = merge([a, b])
    assert not result.ok
    (c,) = result.conflicts
    assert (c.kind, c.file, c.key) == ("environment", "environment.yml", "numpy")
    assert [(o.source, o.line, o.text) for o in c.sides] == [
        ("a", 3, "numpy=1.19.5"),
        ("b", 2, "numpy=1.26.4"),
    ]
    assert c.sides[0].where().endswith("a/environment.yml:3")
    assert "pinned to different versions" in c.message()
    first = merge([a, b], on_conflict="first")
    assert "numpy=1.19.5" in load(env_text(first))["dependencies"]
    assert first.conflicts[0].resolution.source == "a"


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ("numpy>=2", "numpy<1.27", "no version satisfies"),
        ("numpy=1.2=py37_0", "numpy=1.2=py38_0", "different build strings"),
        ("bokeh::jupyter_bokeh", "conda-forge::jupyter_bokeh", "different explicit channels"),
    ],
)
def test_other_conflicts(make_source, a, b, reason):
    sa = make_source("a", {"environment.yml": f"dependencies:\n  - {a}\n"})
    sb = make_source("b", {"environment.yml": f"dependencies:\n  - {b}\n"})
    result = merge([sa, sb])
    assert [reason in c.reason for c in result.conflicts] == [True]


def test_comments_survive_and_provenance_is_recorded(make_source):
    a = make_source(
        "a",
        {
            "environment.yml": (
                "# file comment, not a dependency's\n"
                "dependencies:\n"
                "  # plotting\n"
                "  # (headless)\n"
                "  - matplotlib-base  # no Qt\n"
                "  - 'numpy # not a comment'  # quoted\n"
            ).replace("'numpy # not a comment'", "numpy")
        },
    )
    b = make_source(
        "b", {"environment.yml": "dependencies:\n  - matplotlib-base>=3.8  # colormaps\n"}
    )
    text = env_text(merge([a, b]))
    assert (
        "  # plotting\n  # (headless)\n  - matplotlib-base>=3.8  # from a, b; no Qt; colormaps\n"
        in text
    )
    assert "  - numpy  # from a; quoted\n" in text
    assert "file comment" not in text


def test_merging_is_deterministic_and_ends_with_one_newline(make_source):
    a = make_source("a", {"environment.yml": "channels: [conda-forge]\r\ndependencies: [numpy]"})
    r1, r2 = merge([a]), merge([a])
    assert r1.file("environment.yml").content == r2.file("environment.yml").content
    assert r1.file("environment.yml").content.endswith(b"- numpy  # from a\n")


# --------------------------------------------------------------------------- python


def test_runtime_txt_is_folded_into_a_python_pin(make_source):
    a = make_source("a", {"environment.yml": "dependencies:\n  - numpy\n"})
    b = make_source("b", {"runtime.txt": "python-3.12\n", "requirements.txt": "requests\n"})
    result = merge([a, b])
    assert result.ok and {f.path for f in result.files} == {"environment.yml"}
    deps = load(env_text(result))["dependencies"]
    assert deps[0] == "python=3.12"
    assert deps[-1] == {"pip": ["requests"]} and "pip" in deps


def test_runtime_and_environment_python_conflict(make_source):
    a = make_source("a", {"environment.yml": "dependencies:\n  - python=3.10\n"})
    b = make_source("b", {"runtime.txt": "python-3.12\n"})
    (c,) = merge([a, b]).conflicts
    assert c.key == "python" and [o.file for o in c.sides] == ["environment.yml", "runtime.txt"]
    assert c.sides[1].text == "python-3.12"


@pytest.mark.parametrize(
    ("deps", "expected"),
    [
        (["python 3.11.*"], "python=3.11"),
        # every release >=3.11.0,<3.12 admits is 3.11: the pin makes repo2docker pick 3.11, not 3.10
        (["python>=3.10", "python<3.12,>=3.11.0"], "python=3.11,>=3.11.0,<3.12"),
        (["python=3.11", "python>=3.11.2"], "python=3.11,>=3.11.2"),
        (["conda-forge::python=3.11"], "python=3.11"),
    ],
)
def test_python_is_written_the_way_repo2docker_reads_it(make_source, deps, expected):
    sources = [
        make_source(f"s{i}", {"environment.yml": f"dependencies:\n  - {d}\n  - numpy\n"})
        for i, d in enumerate(deps)
    ]
    result = merge(sources)
    first = load(env_text(result))["dependencies"][0]
    assert first == expected


def test_python_that_excludes_repo2dockers_default_is_warned(make_source):
    a = make_source("a", {"environment.yml": "dependencies:\n  - python>=3.12\n"})
    codes = [w.code for w in merge([a]).warnings]
    assert "environment-python-unpinned" in codes


def test_a_bare_major_version_is_repo2dockers_default_for_it(make_source):
    a = make_source("a", {"environment.yml": "dependencies:\n  - python=2\n"})
    assert merge([a]).warnings == []


@pytest.mark.repo2docker
def test_what_we_know_of_repo2docker_matches_the_installed_one():
    from repo2docker.buildpacks.conda import PYTHON_REGEX, CondaBuildPack

    assert PYTHON_REGEX.pattern == PYTHON_PIN_RE.pattern
    assert CondaBuildPack.major_pythons == MAJOR_PYTHONS


def test_channel_qualified_python_loses_its_channel_with_a_warning(make_source):
    a = make_source("a", {"environment.yml": "dependencies:\n  - conda-forge::python=3.11\n"})
    result = merge([a])
    assert load(env_text(result))["dependencies"] == ["python=3.11"]
    assert [w.code for w in result.warnings] == ["environment-python-channel"]


def test_r_runtime_is_not_folded(make_source):
    a = make_source("a", {"environment.yml": "dependencies:\n  - python=3.11\n"})
    b = make_source(
        "b", {"runtime.txt": "r-4.3-2024-01-10\n", "install.R": "install.packages('x')\n"}
    )
    result = merge([a, b])
    assert "runtime.txt" in {f.path for f in result.files}
    (w,) = [w for w in result.warnings if w.code == "environment-runtime-r"]
    assert "R buildpack" in w.message and DEFAULT_PYTHON in w.message


# --------------------------------------------------------------------------- pip block and folding


def test_one_pip_block_with_every_requirement_and_option(make_source):
    a = make_source(
        "a",
        {
            "environment.yml": (
                "dependencies:\n  - pip\n  - pip:\n      - requests>=2  # http\n"
                "  - pip:\n      - rich\n"
            )
        },
    )
    b = make_source(
        "b", {"requirements.txt": "--extra-index-url https://x.example/simple\nrequests<3\n"}
    )
    result = merge([a, b])
    deps = load(env_text(result))["dependencies"]
    assert deps == [
        "pip",
        {"pip": ["--extra-index-url https://x.example/simple", "requests>=2,<3", "rich"]},
    ]
    assert "requests>=2,<3  # from a, b (requirements.txt); http" in env_text(result)
    assert "environment-several-pip-blocks" in [w.code for w in result.warnings]


def test_pip_is_not_added_twice_and_not_added_without_a_block(make_source):
    a = make_source("a", {"environment.yml": "dependencies:\n  - numpy\n"})
    assert load(env_text(merge([a])))["dependencies"] == ["numpy"]
    b = make_source("b", {"environment.yml": "dependencies:\n  - pip=23\n  - pip:\n    - x\n"})
    assert load(env_text(merge([a, b])))["dependencies"] == ["numpy", "pip=23", {"pip": ["x"]}]


def test_include_inside_the_pip_block_is_read_next_to_the_environment_file(make_source):
    a = make_source(
        "a",
        {
            "binder/environment.yml": "dependencies:\n  - pip\n  - pip:\n    - -r extra.txt\n",
            "binder/extra.txt": "tqdm\n",
        },
    )
    result = merge([a])
    assert load(env_text(result))["dependencies"][1] == {"pip": ["tqdm"]}
    assert "extra.txt" not in {Path(f.path).name for f in result.files}


def test_constraints_go_to_constraints_txt(monkeypatch):
    result = merge_case("constraints", monkeypatch)
    assert load(env_text(result))["dependencies"][-1]["pip"][0] == "-c constraints.txt"
    assert b"anyio<5" in result.file("constraints.txt").content


def test_no_fold_keeps_files_apart_with_one_warning(make_source):
    a = make_source("a", {"environment.yml": "dependencies:\n  - numpy\n"})
    b = make_source("b", {"requirements.txt": "requests\n", "runtime.txt": "python-3.12\n"})
    c = make_source("c", {"requirements.txt": "rich\n"})
    result = merge([a, b, c], fold=False)
    assert {"environment.yml", "requirements.txt", "runtime.txt"} <= {f.path for f in result.files}
    (w,) = [w for w in result.warnings if w.code == "environment-not-folded"]
    assert [(o.source, o.file) for o in w.origins] == [
        ("b", "requirements.txt"),
        ("c", "requirements.txt"),
        ("b", "runtime.txt"),
    ]
    assert "requirements.txt and runtime.txt" in w.message and w.level == "warning"
    assert load(env_text(result))["dependencies"] == ["numpy"]
    # Said once: not again as "repo2docker will ignore the merged requirements.txt".
    assert [w.code for w in result.warnings if not w.is_info] == ["environment-not-folded"]


def test_without_any_environment_file_nothing_changes(make_source):
    a = make_source("a", {"requirements.txt": "requests\n", "runtime.txt": "python-3.12\n"})
    paths = {f.path for f in merge([a]).files}
    assert "environment.yml" not in paths and {"requirements.txt", "runtime.txt"} <= paths


@pytest.mark.parametrize(
    ("conda", "pip_name"),
    [
        ("pytables", "tables"),
        ("pytorch", "torch"),
        ("jupyter_client", "jupyter-client"),
        ("numpy", "NumPy"),
    ],
)
def test_a_package_from_both_conda_and_pip_is_warned(make_source, conda, pip_name):
    a = make_source(
        "a",
        {"environment.yml": f"dependencies:\n  - {conda}\n  - pip\n  - pip:\n    - {pip_name}\n"},
    )
    (w,) = [w for w in merge([a]).warnings if w.code == "environment-conda-and-pip"]
    assert [o.line for o in w.origins] == [2, 5]


# --------------------------------------------------------------------------- other keys


def test_name_prefix_variables_and_unknown_keys(make_source):
    a = make_source(
        "a",
        {
            "environment.yml": (
                "name: first\nprefix: /opt/env\nvariables:\n  A: '1'\n  B: 3.10\n"
                "platforms:  # conda-lock\n  - linux-64\ndependencies: []\n"
            )
        },
    )
    b = make_source("b", {"environment.yml": "name: second\nvariables:\n  A: '1'\n  C: x y\n"})
    result = merge([a, b])
    data = load(env_text(result))
    assert data["name"] == "first" and "prefix" not in data
    assert data["variables"] == {"A": "1", "B": "3.10", "C": "x y"}
    assert data["platforms"] == ["linux-64"]
    codes = {w.code for w in result.warnings}
    assert {"environment-prefix-dropped", "environment-unknown-key"} <= codes
    assert load(env_text(merge([a, b], name="mine")))["name"] == "mine"


def test_a_variable_with_two_values_is_a_conflict(make_source):
    a = make_source("a", {"environment.yml": "variables:\n  MODE: fast\n"})
    b = make_source("b", {"environment.yml": "variables:\n  MODE: slow\n"})
    (c,) = merge([a, b]).conflicts
    assert c.key == "variables.MODE" and [o.line for o in c.sides] == [2, 2]


def test_channel_order_keeps_each_sources_priorities(make_source):
    a = make_source("a", {"environment.yml": "channels: [conda-forge]\n"})
    b = make_source("b", {"environment.yml": "channels: [pytorch, nvidia, conda-forge]\n"})
    c = make_source("c", {"environment.yml": "channels: [conda-forge, pytorch]\n"})
    result = merge([a, b, c])
    assert load(env_text(result))["channels"] == ["pytorch", "nvidia", "conda-forge"]
    (w,) = result.warnings
    assert w.code == "environment-channel-order" and [o.source for o in w.origins] == ["b", "c"]


def test_environment_yaml_is_ignored_next_to_environment_yml(make_source):
    a = make_source(
        "a",
        {
            "environment.yml": "dependencies: [numpy]\n",
            "environment.yaml": "dependencies: [[broken\n",
        },
    )
    result = merge([a])
    assert [w.code for w in result.warnings] == ["environment-yaml-ignored"]
    assert {f.path for f in result.files} == {"environment.yml"}


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("dependencies: [numpy\n", 2, "invalid YAML"),
        ("dependencies: numpy\n", 1, "dependencies must be a list"),
        ("dependencies:\n  - numpy\n  - numpy==\n", 3, "invalid conda dependency 'numpy=='"),
        ("name: {{ cookiecutter.name }}\n", 1, "Jinja placeholder"),
        ("dependencies:\n  - {% if x %}numpy{% endif %}\n", 2, "Jinja placeholder"),
        ("channels: conda-forge\n", 1, "channels must be a list"),
        ("dependencies:\n  - 3.5\n", 2, "not a number"),
        ("dependencies:\n  - conda: [x]\n", 2, "only 'pip:'"),
        ("dependencies:\n  - pip: requests\n", 2, "pip: must be a list"),
        ("name: a\nname: b\n", 2, "duplicate key 'name'"),
        ("- numpy\n", 1, "must be a mapping"),
        ("variables:\n  A: [1]\n", 2, "variable A"),
        ("dependencies:\n  - pip:\n    - '@@@'\n", 3, "invalid requirement"),
    ],
)
def test_bad_input_is_one_line_naming_file_and_line(make_source, cli, tmp_path, text, line, words):
    a = make_source("a", {"binder/environment.yml": text})
    with pytest.raises(InputError) as info:
        merge([a])
    message = str(info.value)
    assert f"binder/environment.yml:{line}: " in message and words in message, message
    assert "\n" not in message
    run = cli(a, "-o", tmp_path / "out")
    assert run.code == 2 and "Traceback" not in run.err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("case", sorted(CASES))
def test_without_the_c_parser_the_output_is_the_same(case, monkeypatch):
    with_c = merge_case(case, monkeypatch)
    monkeypatch.setitem(sys.modules, "ruamel.yaml.cyaml", None)  # import fails: pure composer
    pure = merge_case(case, monkeypatch)
    assert [f.content for f in pure.files] == [f.content for f in with_c.files]
    assert pure.warnings == with_c.warnings and pure.conflicts == with_c.conflicts


_YAMLISH = st.lists(
    st.sampled_from(
        [
            "name: x",
            "channels:",
            "dependencies:",
            "  - numpy",
            "  - pip:",
            "    - rich",
            "      - 'a: b'",
            "  -",
            "variables:",
            "  A: 1",
            "- x",
            "  - {{ x }}",
            "\t- y",
            "  - numpy=1.2=py*",
            "  - [a, b]",
            "  # c",
            "prefix: /x",
            "? k",
            "&a x: *a",
            "  - *a",
        ]
    ),
    max_size=8,
).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_YAMLISH, st.text(max_size=60)))
def test_any_text_parses_or_fails_with_one_line(text):
    file = SourceFile(Origin("a", "environment.yml", "a/environment.yml"), text.encode(), 0o644)
    try:
        env.parse(file, None)
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("a/environment.yml")


# --------------------------------------------------------------------------- laws


_POOL = [
    "numpy",
    "scipy",
    "pandas",
    "python",
    "r-base",
    "bokeh::jupyter_bokeh",
    "pytables",
    "xarray",
]
_VERS = ["", "=1.2", ">=1", "<3", ">=1.5,<2", " 1.*", "==1.2.3", " 1.2|1.4"]
_SOURCE = st.fixed_dictionaries(
    {
        "channels": st.permutations(["conda-forge", "bioconda", "pytorch", "nodefaults"]).flatmap(
            lambda p: st.integers(0, 4).map(lambda n: p[:n])
        ),
        "deps": st.dictionaries(st.sampled_from(_POOL), st.sampled_from(_VERS), max_size=6),
        "pip": st.lists(
            st.sampled_from(["requests>=2", "rich", "tqdm<5", "--pre", "tables"]),
            unique=True,
            max_size=3,
        ),
        "variables": st.dictionaries(
            st.sampled_from(["A", "B"]), st.sampled_from(["1", "x"]), max_size=2
        ),
    }
)


def _write(root: Path, source: dict) -> Path:
    lines = ["channels:", *[f"  - {c}" for c in source["channels"]], "dependencies:"]
    lines += [f"  - {name}{v}" for name, v in source["deps"].items()]
    if source["pip"]:
        lines += ["  - pip:", *[f"      - {p}" for p in source["pip"]]]
    if source["variables"]:
        lines += ["variables:", *[f"  {k}: '{v}'" for k, v in source["variables"].items()]]
    return write_tree(root, {"binder/environment.yml": "\n".join(lines) + "\n"})


def _meaning(result) -> dict:
    data = load(env_text(result))
    return {k: data.get(k) for k in ("channels", "dependencies", "variables", "name")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SOURCE)
def test_merging_a_source_with_itself_changes_nothing(source):
    with tempfile.TemporaryDirectory() as tmp:
        # The same source twice is refused ("give each source once"): an identical copy.
        a = _write(Path(tmp) / "a", source)
        copy = _write(Path(tmp) / "copy", source)
        once, twice = merge([a]), merge([a, copy])
        assert once.ok and twice.ok
        assert _meaning(once) == _meaning(twice)
        assert [w.code for w in once.warnings] == [w.code for w in twice.warnings]
        # ...and the single merge means what the source says, package by package.
        deps = [d for d in _meaning(once)["dependencies"] if isinstance(d, str) and d != "pip"]
        assert len(deps) == len(source["deps"])


# --------------------------------------------------------------------------- corpus


def _corpus_env_dirs() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted({p.parent for p in CORPUS.rglob("environment.y*ml")})


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the checkout")
def test_corpus_environments_alone_and_in_pairs(tmp_path):
    from helpers.r2d import inspect_dir

    dirs = _corpus_env_dirs()
    assert len(dirs) >= 20
    outcomes = []
    for i, d in enumerate(dirs):
        for group in ([d], [d, dirs[(i + 1) % len(dirs)]]):
            try:
                result = merge(group, on_conflict="first")
            except InputError as exc:
                assert "\n" not in str(exc) and str(exc).strip()
                outcomes.append(("refused", str(exc)))
                continue
            assert result.ok
            out = tmp_path / f"r{len(outcomes)}"
            result.write(out / "binder")
            info = inspect_dir(out)
            outcomes.append(("merged", info["buildpack"]))
            if info["buildpack"] != "CondaBuildPack":
                continue  # e.g. a REQUIRE or a dated R runtime.txt in the same source
            assert info["error"] is None, (group, info["error"])
            assert "binder/environment.yml" in info["files_used"]
            pins = {
                conda_python_pin(x)
                for x in load(env_text(result))["dependencies"] or []
                if isinstance(x, str)
            }
            pins.discard(None)
            if pins:
                assert info["python_version"] in pins, (group, pins, info["python_version"])
    assert sum(kind == "merged" for kind, _ in outcomes) > len(outcomes) // 2


def test_flow_style_yaml_that_libyaml_refuses(make_source):
    """YAML 1.2 that repo2docker reads (``::`` in a flow sequence) merges like block style."""
    a = make_source(
        "a",
        {
            "environment.yml": "channels: [https://conda.anaconda.org/conda-forge]\n"
            "dependencies: [python=3.11, conda-forge::numpy]\n"
        },
    )
    result = merge([a])
    assert result.ok
    text = result.file("environment.yml").content.decode()
    assert "  - python=3.11  # from a\n  - conda-forge::numpy  # from a\n" in text


def test_top_level_alias_is_refused(make_source):
    a = make_source("a", {"environment.yml": "dependencies: &d\n  - numpy\nextra: *d\n"})
    with pytest.raises(InputError) as info:
        merge([a])
    assert str(info.value).startswith(f"{a}/environment.yml:3:") and "alias" in str(info.value)


def test_folded_requirements_keep_their_comments(make_source):
    """requirements.txt folded into environment.yml's pip: block keeps the comment after a
    line and the comment lines above it, next to the provenance (issue 9 item 11)."""
    a = make_source("a", {"environment.yml": "dependencies:\n  - pip\n  - pip:\n"
                          "    # above rich\n    - rich  # why rich\n"})  # fmt: skip
    b = make_source("b", {"requirements.txt": "# the ABI broke in 2\nnumpy<2  # pinned: ABI "
                          "break\nrich\n"})  # fmt: skip
    text = env_text(merge([a, b]))
    assert (
        "      # the ABI broke in 2\n      - numpy<2  # from b (requirements.txt); pinned: "
        "ABI break\n" in text
    )
    assert "      # above rich\n      - rich  # from a, b (requirements.txt); why rich\n" in text
    assert text.count("why rich") == 1 and text.count("above rich") == 1
    assert load(text)["dependencies"][1] == {"pip": ["rich", "numpy<2"]}
