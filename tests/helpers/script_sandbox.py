"""Running a repository's postBuild and start the way repo2docker does, with logging stubs.

A :class:`Sandbox` is a temporary repository root holding a binder directory (a source laid out
alone, or a merged output written as ``binder/``), a HOME of its own, and a folder of stubs put
first on PATH for the commands that would reach the network or change the machine (``pip``,
``psql``, ``curl``, ``jupyter``, ...). Each stub appends one JSON line to a log: its name, its
working directory, its arguments and, for each argument (or ``--opt=value``) naming an existing
file, that file's bytes. So a test can say what each script *found*, by contents, whatever path
it spelt: the rule is that merged, every source's commands find the files they found alone.

postBuild runs as ``RUN ./binder/postBuild`` does (``/bin/sh -c`` from the repository root, so no
``#!`` means sh); start is executed directly from the repository root with a command after it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# Commands a block's scripts call that must not run for real here.
STUBS = (
    "pip", "pip3", "conda", "mamba", "apt-get", "sudo", "curl", "wget", "git", "jupyter",
    "psql", "pg_ctl", "initdb", "createdb", "mongod", "java", "R", "Rscript", "julia", "npm",
)  # fmt: skip

_STUB = r"""#!{python}
import json, os, sys
files = {{}}
for arg in sys.argv[1:]:
    for cand in (arg, arg.split("=", 1)[-1]):
        if cand and os.path.isfile(cand):
            with open(cand, "rb") as fh:
                files[cand] = fh.read().decode("utf-8", "replace")
with open({log!r}, "a") as fh:
    fh.write(json.dumps({{"cmd": os.path.basename(sys.argv[0]), "argv": sys.argv[1:],
                         "cwd": os.getcwd(), "files": files}}) + "\n")
"""


@dataclass(frozen=True)
class Call:
    """One stub call: the program, its arguments, where it ran, the files it was given."""

    cmd: str
    argv: tuple[str, ...]
    cwd: str
    files: Mapping[str, str]

    def found(self) -> tuple[str, tuple[str, ...]]:
        """What the call saw, path spellings aside: the program and each argument, a file
        argument standing for its contents."""
        shown = []
        for arg in self.argv:
            value = arg.split("=", 1)[-1]
            if arg in self.files:
                shown.append("file:" + self.files[arg])
            elif value in self.files:
                shown.append(arg.split("=", 1)[0] + "=file:" + self.files[value])
            else:
                shown.append(arg)
        return (self.cmd, tuple(shown))


@dataclass
class Sandbox:
    """A repository root (also where the scripts run), HOME and the stubs' log."""

    base: Path

    @property
    def root(self) -> Path:
        return self.base / "repo"

    @property
    def home(self) -> Path:
        return self.base / "home"

    @property
    def log(self) -> Path:
        return self.base / "calls.jsonl"

    def env(self) -> dict[str, str]:
        stubs = self.base / "stubs"
        return {
            "PATH": f"{stubs}:{os.environ['PATH']}",
            "HOME": str(self.home),
            "REPO_DIR": str(self.root),
            "NB_USER": "jovyan",
            "NB_PYTHON_PREFIX": str(self.base / "prefix"),
            "LC_ALL": "C.UTF-8",
        }

    def postbuild(self, config: str = "binder") -> subprocess.CompletedProcess[str]:
        """``RUN ./<config>/postBuild`` from the repository root (``config`` may be ``.``)."""
        script = self.root / config / "postBuild"
        script.chmod(script.stat().st_mode | 0o111)  # RUN chmod +x binder/postBuild
        return self._run(["/bin/sh", "-c", f"./{config}/postBuild".replace("/./", "/")])

    def start(self, *command: str, config: str = "binder") -> subprocess.CompletedProcess[str]:
        """``<config>/start COMMAND...`` executed directly from the repository root."""
        script = self.root / config / "start"
        script.chmod(script.stat().st_mode | 0o111)
        return self._run([str(script), *command])

    def calls(self) -> list[Call]:
        if not self.log.exists():
            return []
        base = str(self.base)
        out = []
        for line in self.log.read_text().splitlines():
            d = json.loads(line)
            argv = tuple(a.replace(base, "<SANDBOX>") for a in d["argv"])
            files = {k.replace(base, "<SANDBOX>"): v for k, v in d["files"].items()}
            out.append(Call(d["cmd"], argv, d["cwd"].replace(base, "<SANDBOX>"), files))
        return out

    def home_files(self) -> dict[str, bytes]:
        """Every file the scripts left in HOME, by its path there."""
        return {
            str(p.relative_to(self.home)): p.read_bytes()
            for p in sorted(self.home.rglob("*"))
            if p.is_file()
        }

    def _run(self, argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(argv),
            cwd=self.root,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
        )


def sandbox(base: Path) -> Sandbox:
    """An empty sandbox under ``base``: repository root, HOME, stubs first on PATH."""
    import sys

    sb = Sandbox(base)
    for d in (sb.root, sb.home, base / "stubs", base / "prefix"):
        d.mkdir(parents=True, exist_ok=True)
    for name in STUBS:
        stub = base / "stubs" / name
        stub.write_text(_STUB.format(python=sys.executable, log=str(sb.log)))
        stub.chmod(0o755)
    return sb


def alone(source: Path, base: Path) -> Sandbox:
    """A sandbox whose repository is a copy of ``source`` (a repository root)."""
    sb = sandbox(base)
    shutil.copytree(source, sb.root, symlinks=True, dirs_exist_ok=True)
    return sb


def merged(result: object, base: Path, repo_files: Mapping[str, str] | None = None) -> Sandbox:
    """A sandbox whose repository holds ``result`` (a MergeResult) written as ``binder/``,
    and ``repo_files`` (path -> text) of the merged repository's own."""
    sb = sandbox(base)
    for rel, text in (repo_files or {}).items():
        p = sb.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    result.write(sb.root / "binder")  # type: ignore[attr-defined]
    return sb


def found(calls: Iterable[Call]) -> list[tuple[str, tuple[str, ...]]]:
    """What each call saw (see :meth:`Call.found`), in order."""
    return [c.found() for c in calls]
