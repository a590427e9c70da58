"""Time whole-process lock runs: bindermerge's two backends vs conda-lock's own CLI.

Every measurement is a fresh Python process (import time counts: that is what a user
waits for), solving the same environment against the same local fixture channel
(tests/helpers/conda_channel.py), offline. The conda-lock runs use the py-rattler based fake
``conda`` from tests/helpers/fake_conda.py, so they measure conda-lock's overhead plus a very fast
solver; with a real conda or mamba the conda-lock numbers would only grow. bindermerge's
conda-lock backend runs conda-lock in a worker process (so that conda-lock's changes to
os.environ stay out of the caller's process): its figure includes that second Python start.

    python benchmarks/bench_lock.py [--runs 7]

Prints one line per scenario with the median, min and max wall time in seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from helpers.conda_channel import build_channel  # noqa: E402
from helpers.fake_conda import install_fake_conda  # noqa: E402

CONDA_DEPS = ["python=3.11", "numpy", "pip", "tzdata"]

# A whole `--lock` as the CLI will do it: solve, render, write the four files.
LIBRARY_DRIVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from bindermerge.lock import LockSpec, lock_environment

    channel, backend, out, conda = sys.argv[1:5]
    spec = LockSpec(name="bench", channels=[channel], conda_deps={deps!r})
    result = lock_environment(spec, backend=backend, conda_exe=conda or None)
    for name, data in result.files.items():
        (Path(out) / name).write_bytes(data)
    """
).format(deps=CONDA_DEPS)

# What the CLI will do first when inputs are unchanged: read the stored hash, compare.
HASH_CHECK_DRIVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from bindermerge.lock import LockSpec, input_hash, stored_input_hash

    channel, lock = sys.argv[1:3]
    spec = LockSpec(name="bench", channels=[channel], conda_deps={deps!r})
    stored = stored_input_hash(Path(lock).read_text())
    assert stored == input_hash(spec, backend="rattler"), "inputs changed?"
    """
).format(deps=CONDA_DEPS)


def timed(command: Sequence[str], *, cwd: Path, env: dict[str, str], runs: int) -> list[float]:
    """Wall times of ``runs`` runs of ``command`` (one warm-up run first, not counted)."""
    times: list[float] = []
    for i in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
        if i:  # the first run fills OS file caches and rattler's repodata cache
            times.append(time.perf_counter() - start)
    return times


def report(label: str, times: list[float]) -> None:
    print(
        f"{label:<50} median {statistics.median(times):6.3f}s"
        f"   min {min(times):6.3f}s   max {max(times):6.3f}s   (n={len(times)})"
    )


def bench_cli_unchanged_inputs(
    work: Path, channel_url: str, env: dict[str, str], runs: int
) -> list[float]:
    """``bindermerge SRC... -o DIR --lock`` re-run on unchanged sources.

    No solve and no solver import: the fast path answers from the manifest.
    """
    src = work / "cli-src"
    (src / "binder").mkdir(parents=True, exist_ok=True)
    (src / "binder" / "environment.yml").write_text(
        f"channels:\n  - {channel_url}\ndependencies:\n  - python=3.11\n  - numpy\n"
    )
    out = work / "cli-out" / "binder"
    cmd = [
        sys.executable,
        "-m",
        "bindermerge",
        str(src),
        "-o",
        str(out),
        "--lock",
        "--lock-backend",
        "rattler",
    ]
    subprocess.run(cmd, env=env, cwd=work, check=True, capture_output=True)  # the one real lock
    return timed(cmd, cwd=work, env=env, runs=runs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per scenario")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-lock-") as tmp_name:
        tmp = Path(tmp_name)
        channel = build_channel(tmp / "channel")
        conda = install_fake_conda(tmp / "bin")
        home = tmp / "home"
        env = {
            **os.environ,
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "RATTLER_CACHE_DIR": str(home / "rattler"),
            "PYTHONPATH": str(REPO),
            # Only the fake conda may be found: a real one would change what is measured.
            "PATH": os.pathsep.join([str(conda.parent), "/usr/bin", "/bin"]),
        }
        env.pop("CONDA_EXE", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # installed packages run from bytecode
        driver = tmp / "lock_driver.py"
        driver.write_text(LIBRARY_DRIVER)
        hash_driver = tmp / "hash_driver.py"
        hash_driver.write_text(HASH_CHECK_DRIVER)

        def out_dir(name: str) -> Path:
            path = tmp / name
            path.mkdir(exist_ok=True)
            return path

        scenarios: list[tuple[str, Callable[[], list[float]]]] = [
            (
                "bindermerge lock, rattler backend",
                lambda: timed(
                    [sys.executable, str(driver), channel.url, "rattler", str(out_dir("r")), ""],
                    cwd=tmp,
                    env=env,
                    runs=args.runs,
                ),
            ),
            (
                "bindermerge lock, conda-lock backend (fake conda)",
                lambda: timed(
                    [
                        sys.executable,
                        str(driver),
                        channel.url,
                        "conda-lock",
                        str(out_dir("c")),
                        str(conda),
                    ],
                    cwd=tmp,
                    env=env,
                    runs=args.runs,
                ),
            ),
        ]
        cli_dir = out_dir("conda-lock-cli")
        (cli_dir / "environment.yml").write_text(
            "channels:\n  - "
            + channel.url
            + "\ndependencies:\n"
            + "".join(f"  - {d}\n" for d in CONDA_DEPS)
        )
        (cli_dir / "map.json").write_text("{}")
        scenarios.append(
            (
                "conda-lock CLI (lock+explicit+env, fake conda)",
                lambda: timed(
                    [
                        sys.executable,
                        "-m",
                        "conda_lock",
                        "lock",
                        "-f",
                        "environment.yml",
                        "-p",
                        "linux-64",
                        "--conda",
                        str(conda),
                        "--pypi_to_conda_lookup_file",
                        "map.json",
                        "-k",
                        "lock",
                        "-k",
                        "explicit",
                        "-k",
                        "env",
                    ],
                    cwd=cli_dir,
                    env=env,
                    runs=args.runs,
                ),
            )
        )
        scenarios.append(
            (
                "unchanged inputs: stored hash check only",
                lambda: timed(
                    [
                        sys.executable,
                        str(hash_driver),
                        channel.url,
                        str(out_dir("r") / "conda-lock.yml"),
                    ],
                    cwd=tmp,
                    env=env,
                    runs=args.runs,
                ),
            )
        )
        scenarios.append(
            (
                "python -c pass (interpreter start-up)",
                lambda: timed([sys.executable, "-c", "pass"], cwd=tmp, env=env, runs=args.runs),
            )
        )

        print(f"python {sys.version.split()[0]}, {args.runs} runs per scenario, offline")
        for label, run in scenarios:
            report(label, run())
        report(
            "bindermerge CLI --lock, unchanged inputs",
            bench_cli_unchanged_inputs(tmp, channel.url, env, args.runs),
        )
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
