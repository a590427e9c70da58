"""Whole-process timing shared by the benchmark scripts: medians over repeated runs."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence


def time_command(
    cmd: Sequence[str],
    *,
    runs: int = 15,
    warmup: int = 2,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> list[float]:
    """Wall-clock seconds of ``runs`` executions of ``cmd`` (after ``warmup`` untimed ones)."""
    times = []
    for i in range(warmup + runs):
        t0 = time.perf_counter()
        proc = subprocess.run(
            cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        elapsed = time.perf_counter() - t0
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode()[-500:]}")
        if i >= warmup:
            times.append(elapsed)
    return times


def summary(label: str, times: Sequence[float]) -> str:
    return (
        f"{label:<44} median {statistics.median(times) * 1000:8.1f} ms"
        f"   min {min(times) * 1000:7.1f}   max {max(times) * 1000:7.1f}   (n={len(times)})"
    )
