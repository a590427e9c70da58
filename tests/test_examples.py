"""The shipped examples: golden output, and the real repo2docker reads it as intended."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import EXAMPLES

from bindermerge import __version__
from bindermerge.pipeline import merge

GOLDEN = Path(__file__).parent / "golden" / "examples"
SOURCES = [EXAMPLES / "binder_db", EXAMPLES / "binder_openrefine"]


def _normalise(data: bytes) -> bytes:
    # The version is in every header and in the manifest's digest: keep goldens stable.
    return data.replace(__version__.encode(), b"VERSION")


def test_examples_match_golden_files(tmp_path):
    out = tmp_path / "binder"
    result = merge(SOURCES)
    assert result.ok
    result.write(out)
    written = {str(p.relative_to(out)): p for p in sorted(out.rglob("*")) if p.is_file()}
    written.pop(".bindermerge.json")  # holds digests of the inputs; checked elsewhere
    if os.environ.get("BINDERMERGE_UPDATE_GOLDEN"):
        for rel, p in written.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(_normalise(p.read_bytes()))
    golden = {str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*") if p.is_file()}
    assert set(written) == golden, "regenerate with BINDERMERGE_UPDATE_GOLDEN=1 and review the diff"
    for rel, p in written.items():
        assert _normalise(p.read_bytes()) == (GOLDEN / rel).read_bytes(), rel
        assert os.access(p, os.X_OK) == rel.endswith(("postBuild", "start")), rel


@pytest.mark.repo2docker
def test_repo2docker_reads_the_merged_examples(tmp_path):
    from helpers.r2d import inspect_dir

    merge(SOURCES).write(tmp_path / "binder")
    info = inspect_dir(tmp_path)
    assert info["error"] is None
    assert info["buildpack"] == "CondaBuildPack"
    assert info["python_version"] == "3.11"
    used = set(info["files_used"])
    assert {"binder/apt.txt", "binder/environment.yml", "binder/postBuild", "binder/start"} <= used
    assert info["ignored"] in ([], {}), info["ignored"]
    # Both sources' packages reach the image.
    assert "postgresql" in info["dockerfile"] and "openjdk-17-jre-headless" in info["dockerfile"]
