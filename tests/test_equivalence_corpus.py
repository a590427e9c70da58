"""The equivalence harness over the real binder directories in ../shared/corpus.

Each corpus directory holds the data files of one real repository's configuration directory
(``MANIFEST.tsv`` says which repository and sub-path; its scripts are not included). Each one
is laid out as that repository (under ``binder/`` or ``.binder/`` when it came from one) and run
in the sandbox alone, then merged by itself and with its neighbour in name order, and the merged
run must do what each did alone (:func:`helpers.sandbox.differences`): the same packages
installed and no others, the same Python, nothing missing that was found alone. A refused merge
or a conflict resting on files repo2docker used is an accepted outcome; a directory repo2docker
itself fails on must not merge cleanly. A directory with nothing the build would run is skipped,
and its test id says so.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import CORPUS
from helpers.sandbox import (
    Record,
    conflict_differences,
    differences,
    known,
    lay_out_merge,
    run,
    run_alone,
)

import bindermerge

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.repo2docker,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here"),
]

# Files the sandboxed build acts on (installs, runs, or refuses); a directory with none of them
# (a lone runtime.txt, a Manifest.toml, requirements.in) has nothing to compare.
RUNNABLE = frozenset(
    {
        "apt.txt",
        "environment.yml",
        "environment.yaml",
        "requirements.txt",
        "install.R",
        "Project.toml",
        "JuliaProject.toml",
        "REQUIRE",
        "Pipfile",
        "DESCRIPTION",
        "setup.py",
        "postBuild",
        "start",
    }
)


# What fails today, by test id: (item of issue 9, why). Remove an entry when its fix lands.
KNOWN: dict[str, tuple[str, str]] = {}


def _manifest() -> dict[str, str]:
    """Corpus directory -> the configuration directory it was ("binder", ".binder" or "")."""
    if not CORPUS.is_dir():
        return {}
    out = {}
    with (CORPUS / "MANIFEST.tsv").open(newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if not (CORPUS / row["dir"]).is_dir():
                continue
            last = Path(row["subpath"]).name
            out[row["dir"]] = last if last in ("binder", ".binder") else ""
    return dict(sorted(out.items()))


CONFIG = _manifest()
DIRS = tuple(CONFIG)


def _runnable(name: str) -> bool:
    return any((CORPUS / name / f).is_file() for f in RUNNABLE)


def _param(*combo: str) -> object:
    ident = "+".join(combo)
    if not any(_runnable(n) for n in combo):
        reason = "nothing the build runs: " + ", ".join(
            sorted({p.name for n in combo for p in (CORPUS / n).iterdir()}) or ["no files"]
        )
        return pytest.param(
            combo, id=f"{ident}-nothing-runnable", marks=pytest.mark.skip(reason=reason)
        )
    marks = known.xfail([known.reason(*KNOWN[ident])] if ident in KNOWN else [])
    return pytest.param(combo, id=ident, marks=marks)


ALONE = [_param(d) for d in DIRS]
WITH_NEIGHBOUR = (
    [_param(d, DIRS[(i + 1) % len(DIRS)]) for i, d in enumerate(DIRS)] if len(DIRS) > 1 else []
)


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Each corpus directory laid out as its repository (once per module)."""
    base = tmp_path_factory.mktemp("corpus-repos")
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            repo = base / name
            shutil.copytree(CORPUS / name, repo / CONFIG[name] if CONFIG[name] else repo)
            made[name] = repo
        return made[name]

    return get


@pytest.fixture(scope="module")
def alone(
    tmp_path_factory: pytest.TempPathFactory, repos: Callable[[str], Path]
) -> Callable[[str], Record]:
    cache: dict[str, Record] = {}

    def get(name: str) -> Record:
        if name not in cache:
            cache[name] = run_alone(repos(name), tmp_path_factory.mktemp("alone"), name)
        return cache[name]

    return get


def _check(
    combo: tuple[str, ...], repos: Callable[[str], Path], alone: Callable[[str], Record], base: Path
) -> tuple[str, list[str]]:
    runs = {n: alone(n) for n in combo}
    failing = [n for n in combo if runs[n].r2d_error is not None]
    try:
        result = bindermerge.merge([repos(n) for n in combo])
    except bindermerge.BinderMergeError as exc:
        return f"refused: {exc}", []
    if not result.ok:
        unresolved = [c for c in result.conflicts if not c.resolved]
        outcome = "conflict: " + "; ".join(c.message() for c in unresolved)
        return outcome, conflict_differences(unresolved, runs)
    if failing:
        return "merged", [
            f"repo2docker fails on {n} alone ({runs[n].r2d_error}), the merge exits 0"
            for n in failing
        ]
    root_layout = [n for n in combo if runs[n].layout.root_layout]
    merged = run(lay_out_merge(result, base, root_layout=root_layout))
    return "merged", differences(runs, merged, combo)


@pytest.mark.parametrize("combo", ALONE + WITH_NEIGHBOUR)
def test_corpus_merge_does_what_each_directory_did_alone(
    combo: tuple[str, ...],
    repos: Callable[[str], Path],
    alone: Callable[[str], Record],
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    outcome, diffs = _check(combo, repos, alone, tmp_path / "merged")
    record_property("outcome", outcome)
    assert not diffs, f"{outcome}\n" + "\n".join(diffs)
