"""The merged binder/ behaves as each source did alone (issue 9): the proof harness.

Each block under ``tests/fixtures/blocks/`` is a small repository shaped like a real Binder
template (a PostgreSQL block, OpenRefine behind jupyter-server-proxy, a science stack, a base
box, a mongo block that reads a root dotfile, a block without binder/, ...). Every block is run
alone in a sandbox (:mod:`helpers.sandbox`): repo2docker's own Dockerfile says what the build
installs and runs, the installers and every command that would reach the network are logging
stubs, postBuild and start run as repo2docker runs them, and a probe stands in for the notebook
server. Then blocks are merged with the library API, the merged directory is written as
``binder/`` into a fresh repository and run the same way, and the merged run must contain each
source's run alone: the same commands from the same directories finding the same files, the same
files created and read, the same packages installed and no others, each start's exported
variables reaching the probe, the probe's arguments intact.

A refused merge or a conflict is an accepted outcome (recorded as the test's ``outcome``
property), as long as the conflict rests on files repo2docker used when the source ran alone.

Known failures are listed once, in ``KNOWN``: each is a strict xfail naming the item of issue 9
it belongs to, so a fix turns it into an unexpected pass that tells the fixer to drop the entry.
"""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import write_tree
from helpers.sandbox import (
    DEFAULT_ARGS,
    STUBBED,
    Layout,
    Record,
    conflict_differences,
    differences,
    installed,
    known,
    lay_out_merge,
    prepare,
    problems,
    run,
    run_alone,
    view,
)

import bindermerge

pytestmark = pytest.mark.repo2docker

BLOCKS = Path(__file__).resolve().parent / "fixtures" / "blocks"
NAMES: tuple[str, ...] = tuple(sorted(p.name for p in BLOCKS.iterdir() if p.is_dir()))
Combo = tuple[str, ...]


def _has_script(name: str, script: str) -> bool:
    return any((BLOCKS / name / d / script).is_file() for d in (".binder", "binder", "."))


# ------------------------------------------------------------------------------------------------
# What fails today, and why: one entry per cause. Remove an entry when its fix lands (the strict
# xfails it produced then fail as unexpected passes).


@dataclass(frozen=True)
class Known:
    """A known failure: the issue item (a key of ``known.ITEMS``; "" when issue 9 lacks it)."""

    item: str
    why: str
    when: Callable[[Combo], bool]
    even_if_conflicting: bool = False  # it also spoils a merge that is refused with a conflict


def _all(*names: str) -> Callable[[Combo], bool]:
    return lambda combo: set(names) <= set(combo)


KNOWN: tuple[Known, ...] = ()
# Pairs whose merge is refused with a conflict (an accepted outcome): no later failure applies.
# install.R ran for rstats alone; with a Project.toml the Julia buildpack never runs it.
# A python pin (basebox, science) with an R runtime: the R buildpack builds its own Python.
CONFLICTING = (
    {"basebox", "legacy"}, {"legacy", "science"}, {"julia", "rstats"},
    {"basebox", "rstats"}, {"rstats", "science"},
)  # fmt: skip


def _conflicts(combo: Combo) -> bool:
    return any(pair <= set(combo) for pair in CONFLICTING)


def _param(combo: Combo) -> object:
    applies = [
        k for k in KNOWN if k.when(combo) and (k.even_if_conflicting or not _conflicts(combo))
    ]
    marks = known.xfail(known.reason(k.item, k.why) for k in applies)
    return pytest.param(combo, id="+".join(combo), marks=marks)


STARTS = tuple(n for n in NAMES if _has_script(n, "start"))
# Every block alone, every pair in name order, every pair of starts the other way round (the
# chain's order matters for starts), and triples shaped like real compositions.
TRIPLES: tuple[Combo, ...] = (
    ("postgres", "openrefine", "science"),  # the issue's own example
    ("openrefine", "science", "basebox"),
    ("basebox", "science", "widgets"),
    ("science", "openrefine", "workspace"),
    ("workspace", "openrefine", "science"),
    ("basebox", "openrefine", "workspace"),
    ("widgets", "openrefine", "rstats"),
    ("legacy", "openrefine", "widgets"),
    ("julia", "openrefine", "widgets"),
    ("basebox", "mongo", "voila"),
    ("rstats", "widgets", "workspace"),
    ("science", "voila", "widgets"),
)


def _combos() -> Iterator[Combo]:
    yield from ((n,) for n in NAMES)
    yield from itertools.combinations(NAMES, 2)
    yield from ((b, a) for a, b in itertools.combinations(STARTS, 2))
    yield from TRIPLES


COMBOS = list(dict.fromkeys(_combos()))


# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Record]:
    """Each block's run alone, made once per module."""
    cache: dict[str, Record] = {}

    def get(name: str) -> Record:
        if name not in cache:
            cache[name] = run_alone(BLOCKS / name, tmp_path_factory.mktemp(f"alone-{name}"))
        return cache[name]

    return get


def _merge_and_run(
    combo: Sequence[str], runs: dict[str, Record], base: Path
) -> tuple[str, list[str], Record | None]:
    """Merge the blocks and run the result: (outcome, differences, merged record)."""
    try:
        result = bindermerge.merge([BLOCKS / n for n in combo])
    except bindermerge.BinderMergeError as exc:
        return f"refused: {exc}", [], None
    assert result.sources == list(combo)
    if not result.ok:
        unresolved = [c for c in result.conflicts if not c.resolved]
        outcome = "conflict: " + "; ".join(c.message() for c in unresolved)
        return outcome, conflict_differences(unresolved, runs), None
    root_layout = [n for n in combo if runs[n].layout.root_layout]
    merged = run(lay_out_merge(result, base, root_layout=root_layout))
    return "merged", differences(runs, merged, combo), merged


@pytest.mark.parametrize("combo", [_param(c) for c in COMBOS])
def test_merged_build_does_what_each_source_did_alone(
    combo: Combo,
    alone: Callable[[str], Record],
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    runs = {n: alone(n) for n in combo}
    outcome, diffs, _ = _merge_and_run(combo, runs, tmp_path / "merged")
    record_property("outcome", outcome)
    assert not diffs, f"{outcome}\n" + "\n".join(diffs)
    assert outcome.startswith("conflict") == _conflicts(combo), outcome


# ------------------------------------------------------------------------------------------------
# The blocks themselves: each one works alone and does something worth comparing.


@pytest.mark.parametrize("name", NAMES)
def test_each_block_builds_and_starts_cleanly_alone(
    name: str, alone: Callable[[str], Record]
) -> None:
    rec = alone(name)
    assert rec.r2d_error is None
    assert not rec.build_failed, rec.stderr()
    assert rec.probe is not None and rec.probe.argv == DEFAULT_ARGS
    assert not problems(rec), rec.stderr()
    v = view(rec, name)
    assert installed(rec) or v.commands or v.created or v.exported, "the block does nothing"


# ------------------------------------------------------------------------------------------------
# The harness: it finds what it is meant to find (each test breaks a working merge by hand).


def _merged(tmp_path: Path, combo: Combo, alone: Callable[[str], Record]) -> Layout:
    result = bindermerge.merge([BLOCKS / n for n in combo])
    roots = [n for n in combo if alone(n).layout.root_layout]
    return lay_out_merge(result, tmp_path / "merged", root_layout=roots)


def test_a_run_is_equivalent_to_another_run_of_the_same_block(
    tmp_path: Path, alone: Callable[[str], Record]
) -> None:
    for name in ("postgres", "basebox", "widgets"):
        again = run_alone(BLOCKS / name, tmp_path / name)
        assert differences({name: alone(name)}, again) == []


def test_harness_sees_a_file_a_script_no_longer_finds(
    tmp_path: Path, alone: Callable[[str], Record]
) -> None:
    layout = _merged(tmp_path, ("openrefine",), alone)
    (layout.root / "binder" / "openrefine" / "proxy" / "jupyter_server_config.py").unlink()
    diffs = differences({"openrefine": alone("openrefine")}, run(layout))
    assert "openrefine: the build fails after merging" in diffs
    assert (
        "openrefine: <ROOT>/.jupyter/jupyter_server_config.py is not created after merging" in diffs
    )
    assert any("new error: cp:" in d and "No such file" in d for d in diffs), diffs


def test_harness_sees_a_working_directory_leak(
    tmp_path: Path, alone: Callable[[str], Record]
) -> None:
    layout = _merged(tmp_path, ("openrefine",), alone)
    start = layout.root / "binder" / "start"
    text = start.read_text().replace(
        "\n", '\nmkdir -p "$HOME/elsewhere" && cd "$HOME/elsewhere"\n', 1
    )
    start.write_text(text)
    diffs = differences({"openrefine": alone("openrefine")}, run(layout))
    assert (
        "openrefine: exported REFINE_DIR='<ROOT>/openrefine-workspace' reaches the command as "
        "'<ROOT>/elsewhere/openrefine-workspace'"
    ) in diffs


def test_harness_sees_packages_nobody_installed_alone(
    tmp_path: Path, alone: Callable[[str], Record]
) -> None:
    layout = _merged(tmp_path, ("science",), alone)
    env = layout.root / "binder" / "environment.yml"
    env.write_text(env.read_text().replace("- scipy", "- scipy\n  - tensorflow", 1))
    diffs = differences({"science": alone("science")}, run(layout))
    assert diffs == ["merged: installs what no source installed alone: conda tensorflow"]


def test_harness_sees_lost_variables_arguments_and_commands(
    tmp_path: Path, alone: Callable[[str], Record]
) -> None:
    layout = _merged(tmp_path, ("postgres", "basebox"), alone)
    # basebox's start re-splits the arguments and loses its exports before handing over
    start = layout.root / "binder" / "basebox" / "start"
    start.write_text("#!/bin/sh\nexec $@\n")
    pg = layout.root / "binder" / "postgres" / "postBuild"  # make postgres' postBuild work
    pg.write_text(pg.read_text().replace("-f binder/seed.sql", '-f "$(dirname "$0")/seed.sql"'))
    diffs = differences({"postgres": alone("postgres"), "basebox": alone("basebox")}, run(layout))
    assert "basebox: exported EDITOR='vim.tiny' does not reach the command" in diffs
    assert any(d.startswith("basebox: the command's arguments") for d in diffs), diffs
    # the arguments are the container's, so every source sees them re-split; nothing else
    assert not [d for d in diffs if d.startswith("postgres") and "arguments" not in d], diffs


def test_scripts_run_as_repo2docker_runs_them(tmp_path: Path) -> None:
    repo = write_tree(
        tmp_path / "src" / "plain",
        {
            # no #! line: /bin/sh (dash) runs it, and bash's [[ is "not found"
            "binder/postBuild": '[[ -n "$HOME" ]] && echo bash\necho "$0" > "$HOME/ran-as"\n',
            "binder/start": 'exec "$@"\n',  # no #! line: "Exec format error"
            "binder/requirements.txt": "-r extra.txt\n",
            "binder/extra.txt": "six\n",
        },
    )
    rec = run_alone(repo, tmp_path / "sbx")
    assert installed(rec) == {("pip", "six")}  # nested -r resolved beside the including file
    assert rec.postbuild is not None and rec.postbuild.status == 0
    assert "[[: not found" in rec.postbuild.stderr
    assert (rec.layout.root / "ran-as").read_text() == "./binder/postBuild\n"
    assert rec.start is not None and rec.start.error is not None
    assert "Exec format error" in rec.start.error
    assert rec.probe is None


def test_missing_requirements_file_fails_the_build_like_pip(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "src" / "broken", {"binder/requirements.txt": "-r gone.txt\n"})
    rec = run_alone(repo, tmp_path / "sbx")
    assert rec.build_failed
    assert "Could not open requirements file" in rec.stderr()
    assert rec.probe is None


def test_every_stubbed_command_is_the_stub_on_the_sandbox_path(tmp_path: Path) -> None:
    layout = Layout(tmp_path, tmp_path / "home", {}, False)
    layout.root.mkdir()
    env = prepare(layout)
    names = " ".join(STUBBED)
    out = subprocess.run(
        ["/bin/sh", "-c", f"for n in {names}; do command -v $n; done"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [str(layout.stubs / n) for n in STUBBED]
