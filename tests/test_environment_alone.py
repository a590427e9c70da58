"""environment.yml does for each source what repo2docker did with that source alone.

Folding takes over only the requirements.txt and runtime.txt repo2docker used for their
source alone; a legacy Python that moves environment.yml into a kernel environment of its own
is a conflict with the sources whose server extensions then land there. Both are checked
against the real repo2docker (tests/helpers/r2d.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import write_tree
from helpers.environments import SEPARATE_KERNEL, installs_into
from ruamel.yaml import YAML

from bindermerge.cli import argv
from bindermerge.kinds.environment import MergedEnvironment
from bindermerge.model import MergeWarning, Origin
from bindermerge.options import BY_CONFIG_KEY, MergeOptions
from bindermerge.pipeline import merge
from bindermerge.specs.server_packages import is_server_side

STALE = {
    "binder/environment.yml": "dependencies:\n  - python=3.11\n  - numpy\n",
    "binder/runtime.txt": "python-2.7\n",
    "binder/requirements.txt": "numpy==1.16.6\n",
}
OTHER = {"binder/environment.yml": "dependencies:\n  - scipy\n"}
LEGACY = {"binder/environment.yml": "dependencies:\n  - python=3.6\n  - numpy\n"}
TOOLS = {
    "binder/environment.yml": (
        "dependencies:\n  - jupyter_server_proxy\n  - scipy\n  - pip\n  - pip:\n"
        "    - nbgitpuller\n    - rich\n"
    )
}


def dependencies(result) -> list[object]:
    return YAML(typ="safe").load(result.file("environment.yml").content)["dependencies"]


def notes(result) -> list[MergeWarning]:
    return [w for w in result.warnings if w.is_info]


def files_of(origins: tuple[Origin, ...] | list[Origin]) -> list[tuple[str, str]]:
    return [(o.source, o.file) for o in origins]


# --------------------------------------------------------------------------- folding


def test_files_repo2docker_ignored_beside_their_environment_stay_out(make_source):
    a, b = make_source("a", STALE), make_source("b", OTHER)
    result = merge([a, b])
    assert result.ok and result.conflicts == []
    assert dependencies(result) == ["python=3.11", "numpy", "scipy"]
    assert {f.path for f in result.files} == {"environment.yml"}
    # said once, at info level; no warning about duplicates bindermerge would have made
    (note,) = notes(result)
    assert note.code == "environment-ignored-not-folded" and note.level == "info"
    assert files_of(note.origins) == [("a", "requirements.txt"), ("a", "runtime.txt")]
    assert "--fold-ignored" in note.message
    assert [w for w in result.warnings if not w.is_info] == []
    assert note.to_json()["level"] == "info"


def test_fold_ignored_folds_them_in(make_source):
    a, b = make_source("a", STALE), make_source("b", OTHER)
    result = merge([a, b], MergeOptions(fold_ignored=True, on_conflict="first"))
    (c,) = result.conflicts
    assert c.key == "python" and files_of(c.sides) == [
        ("a", "environment.yml"),
        ("a", "runtime.txt"),
    ]
    assert {"pip": ["numpy==1.16.6"]} in dependencies(result)
    assert notes(result) == []
    assert "environment-conda-and-pip" in {w.code for w in result.warnings}


def test_an_ignored_python_runtime_stays_out_beside_an_r_runtime(make_source):
    # runtime.txt is not folded when another source's r- runtime selects the R buildpack;
    # the python-2.7 that repo2docker ignored beside its own environment.yml must still not
    # join the runtime.txt merge (it would conflict with the R snapshot, or win).
    # (No python pin in a's environment.yml: under the R buildpack that is a conflict of its
    # own, tested with the Julia and R buildpacks below.)
    unpinned = {**STALE, "binder/environment.yml": "dependencies:\n  - numpy\n"}
    a = make_source("a", unpinned)
    r = make_source("r", {"binder/runtime.txt": "r-2023-06-01\n", "binder/install.R": "1\n"})
    result = merge([a, r])
    assert result.ok and result.conflicts == []
    assert result.file("runtime.txt").content == b"r-2023-06-01\n"
    (note,) = notes(result)
    assert ("a", "runtime.txt") in files_of(note.origins)
    with_it = merge([a, r], MergeOptions(fold_ignored=True))
    assert [c.file for c in with_it.conflicts if c.kind == "runtime"] == ["runtime.txt"]


def test_a_python_pin_under_the_julia_buildpack_is_written_to_runtime_txt(make_source, tmp_path):
    """With a Julia project repo2docker takes the Python version from runtime.txt only: the
    merge writes the pin there, and the real repo2docker builds that Python."""
    from helpers.r2d import inspect_dir

    science = make_source("science", {"environment.yml": "dependencies:\n  - python=3.11\n"})
    julia = make_source(
        "julia", {"Project.toml": '[deps]\nExample = "7876af07-990d-54b4-ab0e-23690620f79a"\n'}
    )
    result = merge([science, julia])
    assert result.ok and result.conflicts == []
    assert result.file("runtime.txt").content == b"python-3.11\n"
    assert [w.code for w in notes(result)] == ["environment-python-for-julia"]
    repo = tmp_path / "repo"
    result.write(repo / "binder")
    info = inspect_dir(repo)
    assert info["python_version"] == "3.11", info
    assert "binder/runtime.txt" in info["files_used"]


def test_a_python_pin_under_the_r_buildpack_is_a_conflict(make_source):
    science = make_source("science", {"environment.yml": "dependencies:\n  - python=3.11\n"})
    r = make_source("r", {"runtime.txt": "r-2023-06-01\n", "install.R": "1\n"})
    result = merge([science, r])
    (c,) = result.conflicts
    assert (c.kind, c.file, c.key) == ("environment", "environment.yml", "python")
    assert [o.source for o in c.sides] == ["science", "r"]
    assert "makes repo2docker build Python 3.10" in c.reason
    # The R side wins: the pin goes (the build's Python is the R buildpack's, as it says).
    last = merge([science, r], on_conflict="last")
    assert "python" not in last.file("environment.yml").content.decode()
    # A pin on the Python the R buildpack builds anyway is no conflict.
    same = make_source("same", {"environment.yml": "dependencies:\n  - python=3.10\n"})
    assert merge([same, r]).conflicts == []


def test_sources_without_an_environment_file_fold_as_before(make_source):
    a = make_source("a", OTHER)
    b = make_source("b", {"requirements.txt": "requests\n", "runtime.txt": "python-3.12\n"})
    result = merge([a, b])
    assert dependencies(result)[0] == "python=3.12"
    assert {"pip": ["requests"]} in dependencies(result)
    assert notes(result) == [] and result.warnings == []


def test_environment_yaml_counts_like_environment_yml(make_source):
    a = make_source("a", {"environment.yaml": "dependencies: [numpy]\n", "requirements.txt": "x\n"})
    result = merge([a, make_source("b", OTHER)])
    (note,) = notes(result)
    assert files_of(note.origins) == [("a", "requirements.txt")]


def test_a_parse_without_the_source_folds_as_before():
    """Without its source's files (a direct parse) nothing is known: the old rule holds."""
    from bindermerge.kinds import environment as env
    from bindermerge.sources.base import SourceFile

    fragment = env.parse(
        SourceFile(Origin("a", "environment.yml", "a/environment.yml"), b"name: x\n", 0o644), None
    )
    assert fragment.alone is None


# Sources whose requirements.txt / runtime.txt repo2docker used or ignored alone.
ALONE_CASES = {
    "conda": {
        "environment.yml": "dependencies:\n  - numpy\n",
        "requirements.txt": "rich\n",
        "runtime.txt": "python-3.9\n",
    },
    "conda-yaml": {"environment.yaml": "dependencies:\n  - numpy\n", "requirements.txt": "rich\n"},
    "r": {
        "environment.yml": "dependencies:\n  - numpy\n",
        "requirements.txt": "rich\n",
        "runtime.txt": "r-2023-01-01\n",
        "install.R": "install.packages('x')\n",
    },
    "julia": {
        "environment.yml": "dependencies:\n  - numpy\n",
        "requirements.txt": "rich\n",
        "runtime.txt": "python-3.9\n",
        "Project.toml": 'name = "X"\n[compat]\njulia = "1.10"\n',
    },
    "python": {"requirements.txt": "rich\n", "runtime.txt": "python-3.9\n"},
    "dot-binder": {
        ".binder/environment.yml": "dependencies:\n  - numpy\n",
        ".binder/requirements.txt": "rich\n",
    },
    "root": {"environment.yml": "dependencies:\n  - numpy\n", "requirements.txt": "rich\n"},
}


def _folded(merged: MergedEnvironment, source: str) -> set[str]:
    """The files of ``source`` whose requests reached the merged environment."""
    origins = [o for d in merged.dependencies for o in d.origins]
    if merged.pip is not None:
        origins += [o for r in merged.pip.requirements for o in r.origins]
    return {o.file for o in origins if o.source == source}


@pytest.mark.repo2docker
@pytest.mark.parametrize("case", sorted(ALONE_CASES))
def test_folded_files_are_the_ones_repo2docker_used_alone(case, tmp_path):
    from helpers.r2d import inspect_dir

    tree = ALONE_CASES[case]
    if case not in ("root", "dot-binder"):
        tree = {f"binder/{k}": v for k, v in tree.items()}
    source = write_tree(tmp_path / "src", tree)
    other = write_tree(tmp_path / "other", OTHER)
    real = inspect_dir(source)
    assert real["error"] is None, real["error"]
    names = {Path(p).name for p in real["files_used"]}
    result = merge([source, other], on_conflict="first")
    merged = result.values["environment"]
    assert isinstance(merged, MergedEnvironment)
    folded = _folded(merged, "src") & {"requirements.txt", "runtime.txt"}
    runtime = next((v for k, v in tree.items() if k.endswith("runtime.txt")), "")
    python_files = {"requirements.txt"} | (
        {"runtime.txt"} if runtime.startswith("python") else set()
    )
    assert folded == names & python_files, (real["files_used"], folded)
    left_out = {
        o.file
        for n in notes(result)
        if n.code == "environment-ignored-not-folded"
        for o in n.origins
    }
    present = {Path(k).name for k in tree}
    assert left_out == (present & python_files) - names


# --------------------------------------------------------------------------- --no-fold, options


def test_no_fold_warns_once_about_what_repo2docker_used_alone(make_source):
    a = make_source("a", STALE)  # ignored alone: nothing lost by keeping it apart
    b = make_source("b", {"requirements.txt": "rich\n"})
    result = merge([a, b], fold=False)
    (w,) = [w for w in result.warnings if w.code == "environment-not-folded"]
    assert files_of(w.origins) == [("b", "requirements.txt")]
    only_ignored = merge([a, make_source("c", OTHER)], fold=False)
    assert "environment-not-folded" not in {w.code for w in only_ignored.warnings}


def test_fold_ignored_is_an_option_of_the_table(tmp_path):
    request = argv.parse(["src", "-o", "out", "--fold-ignored"])
    assert request is not None and MergeOptions(**request.values).fold_ignored is True
    assert BY_CONFIG_KEY["fold-ignored"].name == "fold_ignored"
    assert MergeOptions(fold_ignored=True).digest_items() != MergeOptions().digest_items()


def test_the_command_line_prints_an_info_finding_as_a_note(make_source, cli, tmp_path):
    a, b = make_source("a", STALE), make_source("b", OTHER)
    run = cli(a, b, "-o", tmp_path / "out")
    assert run.code == 0, run.err
    assert "note: " in run.err and "--fold-ignored" in run.err and "warning:" not in run.err
    run = cli(a, b, "-o", tmp_path / "out2", "--json")
    (w,) = json.loads(run.out)["warnings"]
    assert w["level"] == "info" and w["code"] == "environment-ignored-not-folded"
    run = cli(a, b, "-o", tmp_path / "out3", "--fold-ignored")
    assert run.code == 1 and "conflict on 'python'" in run.err  # python-2.7 is folded in now


def test_an_info_finding_does_not_fail_strict(make_source, cli, tmp_path):
    a, b = make_source("a", STALE), make_source("b", OTHER)
    run = cli(a, b, "-o", tmp_path / "out", "--strict")
    assert run.code == 0, run.err


# --------------------------------------------------------------------------- legacy kernel


@pytest.mark.parametrize(
    ("name", "server"),
    [
        ("jupyter-server-proxy", True),
        ("jupyter_server_proxy", True),
        ("jupyterlab", True),
        ("jupyterlab-git", True),
        ("JupyterLab_Git", True),
        ("nbgitpuller", True),
        ("jupyter-rsession-proxy", True),
        ("jupyter-vscode-proxy", True),
        ("voila", True),
        ("jupyter-client", False),
        ("jupyter_core", False),
        ("numpy", False),
        ("ipykernel", False),
    ],
)
def test_server_side_packages(name, server):
    assert is_server_side(name) is server


def test_a_legacy_python_and_another_sources_server_extensions_conflict(make_source):
    a, b = make_source("a", LEGACY), make_source("b", TOOLS)
    result = merge([a, b])
    assert not result.ok
    (c,) = result.conflicts
    assert (c.kind, c.file, c.key) == ("environment", "environment.yml", "python")
    assert [(o.source, o.text) for o in c.sides] == [
        ("a", "python=3.6"),
        ("b", "jupyter_server_proxy"),
        ("b", "nbgitpuller"),
    ]
    assert "Python 3.6" in c.reason and "KERNEL_PYTHON_PREFIX" in c.reason
    assert "jupyter_server_proxy, nbgitpuller" in c.reason


def test_a_legacy_sources_own_extensions_are_where_they_were(make_source):
    own = {"binder/environment.yml": LEGACY["binder/environment.yml"] + "  - nbgitpuller\n"}
    result = merge([make_source("a", own), make_source("b", OTHER)])
    assert result.ok and result.conflicts == []


def test_an_included_file_counts_as_the_file_that_includes_it(make_source):
    b = make_source(
        "b",
        {
            "binder/environment.yml": "dependencies:\n  - pip\n  - pip:\n    - -r extra.txt\n",
            "binder/extra.txt": "nbgitpuller\n",
        },
    )
    (c,) = merge([make_source("a", LEGACY), b]).conflicts
    assert files_of(c.sides) == [("a", "environment.yml"), ("b", "extra.txt")]


def test_a_folded_requirements_txt_counts_too(make_source):
    a = make_source("a", LEGACY)
    b = make_source("b", {"requirements.txt": "jupyterlab-git\nrich\n"})
    (c,) = merge([a, b]).conflicts
    assert files_of(c.sides) == [("a", "environment.yml"), ("b", "requirements.txt")]


def test_a_folded_legacy_runtime_is_the_pin(make_source):
    a = make_source("a", TOOLS)
    b = make_source("b", {"requirements.txt": "nbgitpuller\n", "runtime.txt": "python-2.7\n"})
    (c,) = merge([a, b]).conflicts
    # b's own nbgitpuller went to its kernel's environment alone too: only a's are named
    assert [(o.source, o.file, o.text) for o in c.sides] == [
        ("a", "environment.yml", "jupyter_server_proxy"),
        ("a", "environment.yml", "nbgitpuller"),
        ("b", "runtime.txt", "python-2.7"),
    ]


def test_a_modern_python_or_an_r_runtime_is_no_conflict(make_source):
    modern = {"binder/environment.yml": "dependencies:\n  - python=3.7\n"}
    assert merge([make_source("a", modern), make_source("b", TOOLS)]).conflicts == []
    r = make_source("r", {"runtime.txt": "r-2023-01-01\n", "install.R": "install.packages('x')\n"})
    result = merge([make_source("a", LEGACY), make_source("b", TOOLS), r])
    # repo2docker's R buildpack takes its Python from runtime.txt, not environment.yml
    assert [c.key for c in result.conflicts if "KERNEL" in c.reason] == []


def test_first_keeps_the_pin_and_last_drops_it(make_source):
    a, b = make_source("a", LEGACY), make_source("b", TOOLS)
    first = merge([a, b], on_conflict="first")
    assert first.ok and first.conflicts[0].resolution.source == "a"
    assert dependencies(first)[0] == "python=3.6"
    last = merge([a, b], on_conflict="last")
    assert last.ok and last.conflicts[0].resolution.source == "b"
    assert not any(isinstance(d, str) and d.startswith("python") for d in dependencies(last))


@pytest.mark.repo2docker
def test_the_conflict_is_what_repo2docker_does(make_source, tmp_path):
    """Alone, b's extensions go beside the notebook server; in the merge a kept, into a kernel
    environment of its own; without the conflict, b's are where they were."""
    from helpers.r2d import inspect_dir

    a, b = make_source("a", LEGACY), make_source("b", TOOLS)
    for source, expected in ((a, "kernel"), (b, "notebook")):
        real = inspect_dir(source)
        assert installs_into(real["dockerfile"], source)["binder/environment.yml"] == expected
    for policy, expected in (("first", "kernel"), ("last", "notebook")):
        out = tmp_path / policy
        merge([a, b], on_conflict=policy).write(out / "binder")
        real = inspect_dir(out)
        assert real["error"] is None, real["error"]
        assert installs_into(real["dockerfile"], out)["binder/environment.yml"] == expected
        assert (SEPARATE_KERNEL in real["dockerfile"]) == (expected == "kernel")
