"""Lay out a repository as repo2docker sees it and run its build and start in a sandbox."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.sandbox.build import plan
from helpers.sandbox.record import Command, Layout, Probe, Record, Step

if TYPE_CHECKING:
    from bindermerge.pipeline import MergeResult

HERE = Path(__file__).resolve().parent

# Every command a binder script may call that would reach the network or change the machine,
# plus the servers such scripts start. Each is a logging stand-in (stub.py).
STUBBED = (
    "pip",
    "pip3",
    "conda",
    "mamba",
    "micromamba",
    "apt-get",
    "apt",
    "apt-key",
    "add-apt-repository",
    "dpkg",
    "sudo",
    "su",
    "wget",
    "curl",
    "git",
    "git-lfs",
    "npm",
    "npx",
    "yarn",
    "node",
    "jupyter",
    "jupyter-lab",
    "jupyter-notebook",
    "jupyter-server",
    "R",
    "Rscript",
    "julia",
    "psql",
    "pg_ctl",
    "initdb",
    "createdb",
    "dropdb",
    "createuser",
    "pg_config",
    "postgres",
    "mongod",
    "mongo",
    "mongosh",
    "mysqld",
    "mysql",
    "redis-server",
    "java",
    "mvn",
    "gradle",
    "docker",
    "systemctl",
    "service",
    "ssh",
    "scp",
    "rsync",
    "gpg",
    "snap",
    "cargo",
    "rustup",
    "go",
    "gem",
    "Xvfb",
    "vncserver",
)
# The container command given to start, as repo2docker's CMD is ("jupyter notebook --ip
# 0.0.0.0"): a probe followed by arguments that break if a start re-splits or globs "$@".
DEFAULT_ARGS: tuple[str, ...] = ("lab", "--ip=0.0.0.0", "--ServerApp.token=", "two words", "*")
TIMEOUT = 60


def lay_out_alone(repo: Path, base: Path, name: str | None = None) -> Layout:
    """``repo`` copied to ``base/home`` (the repository root and HOME), as repo2docker sees it."""
    root = base / "home"
    shutil.copytree(repo, root, symlinks=True)
    config = (
        ".binder" if (root / ".binder").is_dir() else "binder" if (root / "binder").is_dir() else ""
    )
    name = name or repo.name
    return Layout(
        base, root, {name: config}, False, frozenset({name}) if config == "" else frozenset()
    )


def lay_out_merge(result: MergeResult, base: Path, *, root_layout: Iterable[str] = ()) -> Layout:
    """The merged output written as ``binder/`` into a fresh repository holding nothing else."""
    from bindermerge.render.layout import source_folders

    root = base / "home"
    root.mkdir(parents=True)
    result.write(root / "binder")
    folders = source_folders(result.sources)
    config = {name: f"binder/{folder}" for name, folder in folders.items()}
    # The copies placed where a script looks (binder/seed.sql for postgres' binder/postgres/
    # seed.sql): for that source they are its own files. Root files (.bindermerge-root/) are
    # copied to the root by the build, where the source alone had them: nothing to map.
    aliases: dict[str, dict[str, str]] = {}
    placed = result.values.get("auxiliary")  # absent when no source carries a file
    for path, origin in placed.origins.items() if placed is not None else ():
        own = f"{folders[origin.source]}/"
        if not path.startswith((own, ".bindermerge-root/")):
            aliases.setdefault(origin.source, {})[f"binder/{path}"] = origin.file
    return Layout(base, root, config, True, frozenset(root_layout), aliases)


def run(layout: Layout, *, args: Sequence[str] = DEFAULT_ARGS) -> Record:
    """Build and start the repository at ``layout.root`` the way repo2docker would.

    The real repo2docker decides what the build runs (:mod:`helpers.sandbox.build`); the
    installers run as stubs from the repository root; postBuild runs as ``RUN ./binder/postBuild``
    does (``/bin/sh -c``, so a script without ``#!`` runs under sh); start is executed directly
    with the probe and ``args`` as its arguments, from the repository root, as
    repo2docker-entrypoint does (``Popen([start, *CMD])``, no shell). Without a start the probe
    runs alone, so every record has the probe's view of an untouched start-up.
    """
    from helpers.r2d import inspect_dir

    env = prepare(layout)
    info = inspect_dir(layout.root)
    record = Record(
        layout=layout,
        buildpack=info["buildpack"],
        python_version=info["python_version"],
        python_explicit=not any("Python version unspecified" in ln for ln in info["log"]),
        files_used=info["files_used"],
        r2d_error=info["error"],
        base_env=env,
    )
    if info["error"] is not None:
        return record
    steps = plan(info["dockerfile"], env)
    before = _snapshot(layout)
    _age_atimes(before)
    log = layout.logs / "commands.jsonl"
    ranges: list[tuple[str, int]] = []

    for install in steps.installs:
        proc = _run(list(install.argv), layout.root, {**env, **dict(install.env)})
        record.installs.append(proc)
        if proc.status != 0:
            record.build_failed = True  # docker build stops at the first failing RUN
            break
    ranges.append(("build", _lines(log)))
    if steps.postbuild and not record.build_failed:
        script = layout.root / steps.postbuild
        if script.exists():
            script.chmod(script.stat().st_mode | 0o111)  # RUN chmod +x binder/postBuild
        record.postbuild = _run(["/bin/sh", "-c", steps.postbuild], layout.root, env)
        record.build_failed = record.postbuild.status != 0
    ranges.append(("postBuild", _lines(log)))
    if not record.build_failed:
        probe = str(layout.stubs / "probe")
        runtime = {**env, "PYTHONUNBUFFERED": "1"}
        if steps.start:
            start = Path(steps.start)
            start.chmod(start.stat().st_mode | 0o111)
            runtime["R2D_ENTRYPOINT"] = steps.start
            record.start = _run([steps.start, probe, *args], layout.root, runtime)
        else:
            record.start = _run([probe, *args], layout.root, runtime)
    ranges.append(("start", _lines(log)))

    record.commands = _commands(log, ranges)
    record.probes = _probes(layout.logs / "probe.jsonl")
    after = _snapshot(layout)
    record.created = {p: _content(p) for p in after if p not in before}
    if _atime_works():
        # A file that was there before the run is read when its (aged) atime moved; one the run
        # created (a placement copy made by the merged postBuild) when atime passed its mtime.
        record.read = frozenset(
            p
            for p, (mtime, atime) in after.items()
            if (atime > before[p][1] if p in before else atime > mtime)
        )
    return record


def run_alone(repo: Path, base: Path, name: str | None = None, **kw: object) -> Record:
    """:func:`lay_out_alone` then :func:`run`."""
    return run(lay_out_alone(repo, base, name), **kw)  # type: ignore[arg-type]


def prepare(layout: Layout) -> dict[str, str]:
    """Install the stubs and the probe into the sandbox; the build's environment variables."""
    _install_stubs(layout)
    return _environment(layout)


# ---------------------------------------------------------------------------------------------


def _install_stubs(layout: Layout) -> None:
    stubs = layout.stubs
    stubs.mkdir(parents=True, exist_ok=True)
    layout.logs.mkdir(parents=True, exist_ok=True)
    (layout.base / "tmp").mkdir(exist_ok=True)
    shebang = f"#!{sys.executable} -IS\n"
    stub = (HERE / "stub.py").read_text()
    stub = stub.replace('"@LOG@"', json.dumps(str(layout.logs / "commands.jsonl")))
    stub = stub.replace('"@ROOT@"', json.dumps(str(layout.root)))
    _write_exec(stubs / "_stub.py", shebang + stub)
    probe = (
        (HERE / "probe.py")
        .read_text()
        .replace('"@PROBE@"', json.dumps(str(layout.logs / "probe.jsonl")))
    )
    _write_exec(stubs / "probe", shebang + probe)
    for name in STUBBED:
        (stubs / name).symlink_to("_stub.py")
    # python runs for real (a Python postBuild needs it), except "python -m pip".
    wrapper = (
        "#!/bin/sh\n"
        f'if [ "$1" = -m ] && [ "$2" = pip ]; then shift 2; exec "{stubs}/pip" "$@"; fi\n'
        f'exec "{sys.executable}" "$@"\n'
    )
    for name in ("python", "python3"):
        _write_exec(stubs / name, wrapper)
    # Where the Dockerfile calls them by absolute path: ${MAMBA_EXE}, ${NB_PYTHON_PREFIX}/bin/pip.
    conda_bin = layout.srv / "conda" / "bin"
    env_bin = layout.srv / "conda" / "envs" / "notebook" / "bin"
    for d in (conda_bin, env_bin, layout.srv / "npm" / "bin"):
        d.mkdir(parents=True, exist_ok=True)
    for name in ("mamba", "conda", "micromamba"):
        (conda_bin / name).symlink_to(stubs / "_stub.py")
    for name in ("pip", "pip3", "jupyter"):
        (env_bin / name).symlink_to(stubs / name)
    for name in ("python", "python3"):
        (env_bin / name).symlink_to(stubs / name)


def _write_exec(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o755)


def _environment(layout: Layout) -> dict[str, str]:
    """The variables repo2docker's Dockerfile sets, pointing into the sandbox."""
    root, srv = str(layout.root), layout.srv
    conda = srv / "conda"
    prefix = conda / "envs" / "notebook"
    path = [
        str(layout.stubs),
        f"{root}/.local/bin",
        f"{root}/.local/bin",
        str(prefix / "bin"),
        str(conda / "bin"),
        str(srv / "npm" / "bin"),
        "/usr/bin",
        "/bin",
    ]
    return {
        "PATH": ":".join(path),
        "HOME": root,
        "USER": "jovyan",
        "NB_USER": "jovyan",
        "NB_UID": "1000",
        "REPO_DIR": root,
        "APP_BASE": str(srv),
        "CONDA_DIR": str(conda),
        "NB_PYTHON_PREFIX": str(prefix),
        "KERNEL_PYTHON_PREFIX": str(prefix),
        "CONDA_DEFAULT_ENV": str(prefix),
        "NPM_DIR": str(srv / "npm"),
        "NPM_CONFIG_GLOBALCONFIG": str(srv / "npm" / "npmrc"),
        "MAMBA_ROOT_PREFIX": str(conda),
        "MAMBA_EXE": str(conda / "bin" / "mamba"),
        "CONDA_PLATFORM": "linux-64",
        "SHELL": "/bin/bash",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "DEBIAN_FRONTEND": "noninteractive",
        "TMPDIR": str(layout.base / "tmp"),
    }


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> Step:
    what = " ".join(argv)
    try:
        proc = subprocess.run(
            argv,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except OSError as exc:  # "Exec format error": a start without #!
        return Step(what, None, "", "", f"{type(exc).__name__}: {exc.strerror}")
    except subprocess.TimeoutExpired:
        return Step(what, None, "", "", f"timed out after {TIMEOUT} s")
    return Step(what, proc.returncode, proc.stdout, proc.stderr)


def _lines(log: Path) -> int:
    try:
        with log.open("rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def _commands(log: Path, ranges: list[tuple[str, int]]) -> list[Command]:
    if not log.exists():
        return []
    out = []
    lines = log.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        phase = next((p for p, end in ranges if i < end), "start")
        d = json.loads(line)
        out.append(
            Command(
                phase=phase,
                name=d["name"],
                argv=tuple(d["argv"]),
                cwd=d["cwd"],
                script=d["script"],
                exists=tuple(d["exists"]),
                reads=d["reads"],
                status=d["status"],
            )
        )
    return out


def _probes(path: Path) -> list[Probe]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        out.append(Probe(tuple(d["argv"]), d["cwd"], d["env"]))
    return out


def _snapshot(layout: Layout) -> dict[str, tuple[int, int]]:
    """Every file under the repository root and APP_BASE: path -> (mtime, atime) in ns."""
    out = {}
    for top in (layout.root, layout.srv):
        for dirpath, dirnames, filenames in os.walk(top):
            for n in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
                p = os.path.join(dirpath, n)
                st = os.lstat(p)
                out[p] = (st.st_mtime_ns, st.st_atime_ns)
    return out


def _age_atimes(files: dict[str, tuple[int, int]]) -> None:
    """Set each file's atime an hour before its mtime so that a read (relatime) moves it."""
    for p, (mtime, _) in list(files.items()):
        if os.path.islink(p):
            continue
        old = mtime - 3600 * 10**9
        os.utime(p, ns=(old, mtime))
        files[p] = (mtime, old)


def _content(p: str) -> bytes:
    try:
        st = os.lstat(p)
        if stat.S_ISLNK(st.st_mode):
            return b"-> " + os.readlink(p).encode()
        with open(p, "rb") as f:
            return f.read(1 << 16)
    except OSError:
        return b""


@cache
def _atime_works() -> bool:
    """Whether this file system records reads in atime (relatime or strictatime)."""
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "f")
        with open(p, "w") as f:
            f.write("x")
        st = os.stat(p)
        old = st.st_mtime_ns - 3600 * 10**9
        os.utime(p, ns=(old, st.st_mtime_ns))
        with open(p) as f:
            f.read()
        time.sleep(0)
        return os.stat(p).st_atime_ns > old
