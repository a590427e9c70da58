"""Benchmark: merging many environment.yml sources (issue 3: environment.yml kind).

Generates N sources of 40 dependencies each (36 conda specs over a shared pool of packages,
so most packages are merged from many sources, plus a pip: block of 4 and a channel list)
and times, for N = 100, 500, 1000:

  * ``merge()``: ``bindermerge.merge`` called in one process (median of several runs), the
    number the issue's target is about (100 sources under 1 s);
  * ``process``: a fresh ``python -c 'import bindermerge; bindermerge.merge(...)'`` process,
    import time included, as a user or a hook waits for it.

Growth should be linear: the last column (ms per source) should stay flat.

Run: python benchmarks/bench_scale.py [--runs N] [--sizes 100,500,1000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import time_command

POOL = 400  # distinct conda package names
DEPS_PER_SOURCE = 40
PIP_PER_SOURCE = 4


def make_sources(root: Path, n: int) -> list[Path]:
    """``n`` binder directories with compatible, overlapping requirements (no conflicts)."""
    dirs = []
    for s in range(n):
        d = root / f"src{s:03d}" / "binder"
        d.mkdir(parents=True)
        lines = ["name: bench", "channels:", "  - conda-forge"]
        if s % 5 == 0:
            lines.append("  - bioconda")
        lines.append("dependencies:")
        if s % 10 == 0:
            lines.append("  - python=3.11  # the project's Python")
        for j in range(DEPS_PER_SOURCE - PIP_PER_SOURCE - (1 if s % 10 == 0 else 0)):
            k = (s * 7 + j * 13) % POOL
            # Every constraint admits 2.k.*, so the sources never conflict but do get merged.
            spec = (f"pkg{k}", f"pkg{k}>=1.{k % 9}", f"pkg{k}<3", f"pkg{k} >=2,<4")[(s + j) % 4]
            lines.append(f"  - {spec}" + ("  # needed by the notebooks" if j % 6 == 0 else ""))
        lines.append("  - pip")
        lines.append("  - pip:")
        for j in range(PIP_PER_SOURCE - 1):
            k = (s * 3 + j * 11) % 60
            lines.append(f"      - pypkg{k}>={1 + k % 3}.0")
        lines.append(f"      - only-in-src{s}==1.0")
        (d / "environment.yml").write_text("\n".join(lines) + "\n")
        dirs.append(d.parent)
    return dirs


def time_in_process(dirs: list[Path], runs: int) -> list[float]:
    import bindermerge

    bindermerge.merge(dirs[:2])  # imports and caches warmed
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = bindermerge.merge(dirs)
        times.append(time.perf_counter() - t0)
        if not result.ok:
            raise SystemExit(f"unexpected conflicts: {result.conflicts[:2]}")
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--sizes", default="100,500,1000")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    print(
        f"{'sources':>8} {'merge() median':>15} {'min':>8} {'process median':>15} {'ms/source':>10}"
    )
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            dirs = make_sources(Path(tmp), n)
            inproc = time_in_process(dirs, args.runs)
            driver = "import sys, bindermerge; bindermerge.merge(sys.argv[1:])"
            proc = time_command(
                [sys.executable, "-c", driver, *map(str, dirs)],
                runs=max(3, args.runs // 2),
                warmup=1,
            )
            med = statistics.median(inproc)
            print(
                f"{n:>8} {med * 1000:>12.0f} ms {min(inproc) * 1000:>6.0f} ms "
                f"{statistics.median(proc) * 1000:>12.0f} ms {med * 1000 / n:>10.2f}"
            )


if __name__ == "__main__":
    main()
