"""Benchmark of git sources: the first fetch, and the up-to-date ``--check`` of pinned ones.

Everything runs offline against repositories built in a temporary directory
(tests/helpers/git_repos.py), with a git configuration of its own:

  * the first fetch of a git source (cold cache) vs ``git clone --depth 1 --single-branch``
    of the same ref, on a local repository with a few hundred commits: once as the fetch
    itself (``GitSource`` resolving and reading its files, timed in-process, vs the clone
    command timed from the same process), once as whole processes (``bindermerge SRC -o OUT``
    vs the clone), the target being "about the same" (<= 1.5x for the fetch);
  * an up-to-date ``bindermerge --check`` of a project whose bindermerge.toml names two
    pinned, cached git sources and one local source vs ``python -c pass`` (target <= 3x),
    interleaved so drift hits both alike.

Run: python benchmarks/bench_git.py [--runs N] [--commits N]
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
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from _timing import summary  # noqa: E402
from helpers.git_repos import GitWorld  # noqa: E402

BLOCK = {
    "binder/apt.txt": "postgresql\n",
    "binder/requirements.txt": "psycopg2-binary\n",
    "binder/postBuild": '#!/bin/sh\nset -e\ncp init_db "$HOME/init_db"\n',
    "init_db": "#!/bin/sh\necho init\n",
}


def paired(
    a: Callable[[int], float], b: Callable[[int], float], runs: int
) -> tuple[list[float], list[float]]:
    """Seconds of ``runs`` alternating calls of ``a`` and ``b`` (after two warm-up pairs)."""
    ta: list[float] = []
    tb: list[float] = []
    for i in range(runs + 2):
        for fn, out in ((a, ta), (b, tb)):
            elapsed = fn(i)
            if i >= 2:
                out.append(elapsed)
    return ta, tb


def run(cmd: Sequence[str], env: Mapping[str, str], cwd: Path | None = None) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode()[-500:]}")
    return elapsed


def row(label: str, ta: list[float], tb: list[float], target: float | None) -> str:
    ma, mb = statistics.median(ta), statistics.median(tb)
    ratio = ma / mb
    if target is None:
        verdict = "for reference"
    else:
        verdict = f"target <= {target}x: {'met' if ratio <= target else 'NOT met'}"
    return (
        f"{label:<52} {ma * 1000:7.1f} ms vs {mb * 1000:6.1f} ms  ratio {ratio:4.2f}x ({verdict})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--commits", type=int, default=300)
    args = ap.parse_args()
    py = sys.executable
    script = shutil.which("bindermerge", path=str(Path(py).parent))
    bm = [script] if script else [py, "-m", "bindermerge"]
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        world = GitWorld(tmp / "world")
        env = {**os.environ, **world.env()}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # installed code runs from bytecode
        os.environ.update(world.env())  # the in-process fetch uses the same world
        block = world.github("bench/pg-block")
        block.commit(BLOCK, "the block")
        block.many_commits(args.commits)
        other = world.github("bench/other")
        other.commit({"apt.txt": "htop\n"})
        local = tmp / "local"
        local.mkdir()
        (local / "apt.txt").write_text("git\n")
        url = "gh:bench/pg-block@main"  # routed to the local bare repository
        size = sum(f.stat().st_size for f in block.bare.rglob("*") if f.is_file())
        print(
            f"repository: {args.commits + 1} commits, {size / 1e6:.1f} MB packed; "
            f"medians of {args.runs} interleaved pairs"
        )
        rows = []

        # -- the fetch itself: in-process GitSource vs the clone command
        from bindermerge.sources.open import open_source

        def fetch(i: int) -> float:
            os.environ["XDG_CACHE_HOME"] = str(tmp / f"cache-lib-{i}")
            t0 = time.perf_counter()
            source = open_source(url)
            source.files()
            elapsed = time.perf_counter() - t0
            shutil.rmtree(tmp / f"cache-lib-{i}")
            return elapsed

        def cloning(*extra: str) -> Callable[[int], float]:
            def clone(i: int) -> float:
                dest = tmp / f"clone-{i}"
                cmd = ["git", "clone", "--quiet", "--depth", "1", "--single-branch", *extra]
                elapsed = run([*cmd, "--branch", "main", block.url, str(dest)], env)
                shutil.rmtree(dest)
                return elapsed

            return clone

        clone = cloning()
        ta, tb = paired(fetch, clone, args.runs)
        rows.append(row("first fetch (in-process) vs git clone --depth 1", ta, tb, 1.5))
        fetch_times = ta
        # The clone also writes a work tree; bindermerge never does. Without it:
        ta, tb = paired(fetch, cloning("--no-checkout"), args.runs)
        rows.append(row("first fetch (in-process) vs the clone --no-checkout", ta, tb, None))

        # -- the whole command with a cold cache vs the clone command
        def cold_merge(i: int) -> float:
            cache = tmp / f"cache-cli-{i}"
            out = tmp / f"out-{i}"
            elapsed = run([*bm, url, "-o", str(out)], {**env, "XDG_CACHE_HOME": str(cache)})
            shutil.rmtree(cache)
            shutil.rmtree(out)
            return elapsed

        ta, tb = paired(cold_merge, clone, args.runs)
        rows.append(row("bindermerge SRC -o OUT, cold cache vs git clone", ta, tb, 3.0))
        cold = ta

        def local_merge(i: int) -> float:  # the same block from a checkout: no git at all
            out = tmp / f"out-local-{i}"
            elapsed = run([*bm, str(block.work), "-o", str(out)], env)
            shutil.rmtree(out)
            return elapsed

        tl, _ = paired(local_merge, lambda i: 0.0, args.runs)
        rows.append(row("bindermerge SRC -o OUT, cold cache vs local checkout", cold, tl, None))

        # -- the up-to-date --check of a configured project: two pinned, cached git sources
        # and a local one, named in bindermerge.toml (the pre-commit hook's command)
        project = tmp / "project"
        project.mkdir()
        (project / "bindermerge.toml").write_text(
            f'sources = ["{url}", "gh:bench/other", "{local}"]\noutput = "binder"\n'
        )
        run(bm, env, cwd=project)
        if not (project / "binder" / ".bindermerge.json").exists():
            raise SystemExit("the merge to check against failed")
        ta, tb = paired(
            lambda i: run([*bm, "--check"], env, cwd=project),
            lambda i: run([py, "-c", "pass"], env),
            args.runs,
        )
        rows.append(
            row("configured --check, 2 pinned git + 1 local (vs python -c pass)", ta, tb, 3.0)
        )
    for line in rows:
        print(line)
    print(summary("  first fetch, in-process", fetch_times))


if __name__ == "__main__":
    main()
