"""Benchmark of start-up and the core pipeline: whole processes, medians, interleaved.

Each pair of commands runs alternately (A B A B ...), so a drift in the machine's speed hits
both sides alike, and the ratio of medians is reported against its target:

  * a merge of two environment.yml-only sources vs conda-merge on the same two files
    (target <= 2.5x);
  * the two-example merge vs conda-merge merging the same environments (target <= 3.5x);
  * an up-to-date ``--check`` vs ``python -c pass`` in the same interpreter (target <= 2.5x).

Run: python benchmarks/bench_core.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DB = REPO / "examples" / "binder_db"
REFINE = REPO / "examples" / "binder_openrefine"

SCIENCE = """name: science
channels:
  - conda-forge
dependencies:
  - python=3.11
  - numpy>=1.24
  - scipy
  - matplotlib-base>=3.7
  - xarray
  - dask
  - pip
  - pip:
      - nbgitpuller
"""


def refine_as_environment(tmp: Path) -> Path:
    """binder_openrefine has no environment.yml: give conda-merge the same packages as one."""
    reqs = [
        line.strip()
        for line in (REFINE / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    path = tmp / "openrefine-environment.yml"
    path.write_text(
        "name: openrefine\ndependencies:\n  - pip\n  - pip:\n"
        + "".join(f"      - {r}\n" for r in reqs)
    )
    return path


def interleaved(
    a: Sequence[str], b: Sequence[str], runs: int, env: Mapping[str, str]
) -> tuple[list[float], list[float]]:
    """Wall-clock seconds of ``runs`` alternating executions of ``a`` and ``b``."""
    ta: list[float] = []
    tb: list[float] = []
    for i in range(runs + 2):  # two warm-up pairs
        for cmd, out in ((a, ta), (b, tb)):
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            elapsed = time.perf_counter() - t0
            if proc.returncode not in (0, 1):
                raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode()[-500:]}")
            if i >= 2:
                out.append(elapsed)
    return ta, tb


def row(label: str, ta: list[float], tb: list[float], target: float) -> str:
    ma, mb = statistics.median(ta), statistics.median(tb)
    ratio = ma / mb
    verdict = "met" if ratio <= target else "NOT met"
    return (
        f"{label:<42} {ma * 1000:7.1f} ms vs {mb * 1000:6.1f} ms  "
        f"ratio {ratio:4.2f}x (target <= {target}x: {verdict})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    py = sys.executable
    bindir = Path(py).parent
    conda_merge = shutil.which("conda-merge", path=str(bindir)) or shutil.which("conda-merge")
    if conda_merge is None:
        raise SystemExit("conda-merge is not installed: pip install conda-merge (test extra)")
    env = {**os.environ, "XDG_CACHE_HOME": tempfile.mkdtemp()}
    # Installed packages run from compiled bytecode; an environment that forbids writing it
    # would make every run recompile bindermerge from source (and not conda-merge, whose
    # bytecode pip wrote at install time).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # The console script, as users and pre-commit hooks run it (and as conda-merge runs).
    script = shutil.which("bindermerge", path=str(bindir))
    bm = [script] if script else [py, "-m", "bindermerge"]
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        sci = tmp / "science" / "binder"
        sci.mkdir(parents=True)
        (sci / "environment.yml").write_text(SCIENCE)
        db_env = tmp / "db-env" / "binder"  # binder_db's environment.yml alone (no scripts)
        db_env.mkdir(parents=True)
        shutil.copy(DB / "environment.yml", db_env / "environment.yml")
        out_env, out_ex = tmp / "env-out", tmp / "ex-out"
        rows = []
        ta, tb = interleaved(
            [*bm, str(db_env.parent), str(sci.parent), "-o", str(out_env), "--force"],
            [conda_merge, str(db_env / "environment.yml"), str(sci / "environment.yml")],
            args.runs,
            env,
        )
        rows.append(row("merge, two environment.yml sources", ta, tb, 2.5))
        other = refine_as_environment(tmp)
        ta, tb = interleaved(
            [*bm, str(DB), str(REFINE), "-o", str(out_ex), "--force"],
            [conda_merge, str(DB / "environment.yml"), str(other)],
            args.runs,
            env,
        )
        rows.append(row("merge, the two examples", ta, tb, 3.5))
        ta, tb = interleaved(
            [*bm, str(DB), str(REFINE), "-o", str(out_ex), "--check"],
            [py, "-c", "pass"],
            args.runs,
            env,
        )
        rows.append(row("--check, up to date (vs python -c pass)", ta, tb, 2.5))
    print(f"whole processes, medians of {args.runs} interleaved pairs")
    for line in rows:
        print(line)


if __name__ == "__main__":
    main()
