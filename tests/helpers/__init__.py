"""Helpers shared by the tests: paths, source trees built from dicts, real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
CORPUS = REPO.parent / "shared" / "corpus"


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Create ``root`` with ``files`` (path -> text or bytes); start and postBuild are +x."""
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


@dataclass
class Run:
    """What a command-line run returned."""

    code: int
    out: str
    err: str


def run_process(
    *args: str | os.PathLike[str], cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> Run:
    """Run ``python -m bindermerge`` as a real process."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "bindermerge", *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def tree_bytes(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root with its bytes and mode: for "left untouched" assertions."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(root))] = (p.read_bytes(), p.stat().st_mode & 0o777)
    return out
