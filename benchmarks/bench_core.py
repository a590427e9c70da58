"""Benchmark of the core pipeline (issue: core pipeline).

Times whole processes, as a pre-commit hook would run them:
  * the two-example merge, against conda-merge (PyPI) merging the same environments;
  * an up-to-date ``--check``, against ``python -c pass`` in the same interpreter (the floor).

Run: python benchmarks/bench_core.py [--runs N]
Targets: merge <= 1.5x conda-merge; --check <= 3x the python -c pass floor.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import summary, time_command  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DB = REPO / "examples" / "binder_db"
REFINE = REPO / "examples" / "binder_openrefine"


def refine_as_environment(tmp: Path) -> Path:
    """binder_openrefine has no environment.yml: give conda-merge the same packages as one."""
    reqs = [l.strip() for l in (REFINE / "requirements.txt").read_text().splitlines()
            if l.strip() and not l.startswith("#")]
    path = tmp / "openrefine-environment.yml"
    path.write_text("name: openrefine\ndependencies:\n  - pip\n  - pip:\n"
                    + "".join(f"      - {r}\n" for r in reqs))
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    py = sys.executable
    bindir = Path(py).parent
    conda_merge = shutil.which("conda-merge", path=str(bindir)) or shutil.which("conda-merge")
    env = {**os.environ, "XDG_CACHE_HOME": tempfile.mkdtemp()}
    # Installed packages run from compiled bytecode; an environment that forbids writing it
    # would make every run recompile bindermerge from source (and not conda-merge, whose
    # bytecode pip wrote at install time).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        out = tmp / "binder"
        merge_cmd = [py, "-m", "bindermerge", str(DB), str(REFINE), "-o", str(out), "--force"]
        check_cmd = [py, "-m", "bindermerge", str(DB), str(REFINE), "-o", str(out), "--check"]
        floor = time_command([py, "-c", "pass"], runs=args.runs, env=env)
        merged = time_command(merge_cmd, runs=args.runs, env=env)
        time_command(merge_cmd, runs=1, warmup=0, env=env)
        checked = time_command(check_cmd, runs=args.runs, env=env)
        rows = [("python -c pass (floor)", floor), ("bindermerge merge (2 examples)", merged),
                ("bindermerge --check (up to date)", checked)]
        if conda_merge:
            other = refine_as_environment(tmp)
            cm = time_command([conda_merge, str(DB / "environment.yml"), str(other)], runs=args.runs, env=env)
            rows.append(("conda-merge (same environments)", cm))
        for label, times in rows:
            print(summary(label, times))
        med = {label: statistics.median(t) for label, t in rows}
        print()
        print(f"--check / floor       = {med['bindermerge --check (up to date)'] / med['python -c pass (floor)']:.2f}x (target <= 3)")
        if conda_merge:
            print(f"merge / conda-merge   = {med['bindermerge merge (2 examples)'] / med['conda-merge (same environments)']:.2f}x (target <= 1.5)")
        else:
            print("conda-merge not installed: pip install conda-merge to compare")


if __name__ == "__main__":
    main()
