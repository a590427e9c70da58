"""Shared fixtures: source directories built from dicts, the CLI run in-process.

Helper functions live in the ``helpers`` package (tests/helpers), imported as ``helpers``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from helpers import CORPUS, EXAMPLES, REPO, Run, run_process, tree_bytes, write_tree

__all__ = ["CORPUS", "EXAMPLES", "REPO", "run_process", "tree_bytes", "write_tree"]


@pytest.fixture(autouse=True)
def _isolated_caches(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the user's caches (conda-lock, rattler, pip)."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))


@pytest.fixture
def make_source(tmp_path: Path) -> Callable[..., Path]:
    """``make_source("db", {"apt.txt": "git\\n"})`` -> a source directory under tmp_path."""

    def make(name: str, files: Mapping[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "src" / name, files)

    return make


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run the command line in-process; returns exit code, stdout and stderr."""
    from bindermerge.cli import main

    def run(*args: str | os.PathLike[str]) -> Run:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
