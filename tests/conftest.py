"""Shared fixtures: source directories built from dicts, the CLI run in-process or for real."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _isolated_caches(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's caches (conda-lock, rattler, pip)."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Create ``root`` with ``files`` (path -> text or bytes); paths ending in start/postBuild are +x."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8", newline="")
        if p.name in ("postBuild", "start"):
            p.chmod(0o755)
    return root


@pytest.fixture
def make_source(tmp_path: Path) -> Callable[..., Path]:
    """``make_source("db", {"apt.txt": "git\\n"})`` -> a source directory under tmp_path."""

    def make(name: str, files: Mapping[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "src" / name, files)

    return make


@dataclass
class Run:
    code: int
    out: str
    err: str


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


def run_process(*args: str | os.PathLike[str], cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Run:
    """Run ``python -m bindermerge`` as a real process."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "bindermerge", *map(str, args)],
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def tree_bytes(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root with its bytes and mode: for "left untouched" assertions."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(root))] = (p.read_bytes(), p.stat().st_mode & 0o777)
    return out
