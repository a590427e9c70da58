"""Solve with conda-lock driving the user's conda, mamba or micromamba.

This is conda-lock's real solving path (``create_lockfile_from_spec``: a
``<exe> create --dry-run --json`` per platform, with conda-lock's virtual-package channel
and ``CONDA_OVERRIDE_*``). The executable is found with ensureconda *without* installing one:
when none is found ensureconda would otherwise download micromamba, which hangs where conda
channels are unreachable.

It runs in a worker process (:mod:`.worker`), not in the caller's. conda-lock can only give
conda the target platform's virtual packages through the environment: it sets
``CONDA_OVERRIDE_*`` in ``os.environ`` around every dry run (``FakeRepoData.__enter__``,
``conda_virtual_package_overrides``), sets ``MAMBA_ROOT_PREFIX`` for good when the solver is
micromamba, and reports failures with ``print`` to stderr. In a library call those would
change the caller's process for every thread (a Jupyter kernel, a server merging in
parallel). In the worker they change only the worker; the parent sends a
:class:`~.job.LockJob` and gets the rendered files or the error back, and the price is one
Python start and one conda-lock import (about half a second) per lock, small beside a real
conda solve.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bindermerge.lock.errors import ChannelUnreachableError, LockError, UnsatisfiableError

if TYPE_CHECKING:
    from conda_lock.lockfile.v2prelim.models import Lockfile

    from bindermerge.lock.job import JobOutput, LockJob
    from bindermerge.lock.render import LockRequest

# conda's exception names (``conda --json`` prints them as ``exception_name``), grouped by
# what the user has to fix. Mamba 1.x reuses conda's; libmamba adds its own.
_UNSATISFIABLE = {
    "UnsatisfiableError",
    "LibMambaUnsatisfiableError",
    "PackagesNotFoundError",
    "ResolvePackageNotFound",
    "NoPackagesFoundError",
    "SpecsConfigurationConflictError",
}
_CHANNEL = {
    "UnavailableInvalidChannel",
    "CondaHTTPError",
    "ChannelError",
    "ChannelNotAllowed",
    "CondaSSLError",
    "ProxyError",
}
# micromamba/mamba 2 print text, not conda's JSON error document.
_UNSAT_TEXT = re.compile(r"could not solve|nothing provides|conflict|cannot be installed", re.I)
_CHANNEL_TEXT = re.compile(
    r"repodata|channel|http error|connection|resolve host|no such file|not found", re.I
)
_FAILED_PLATFORM = re.compile(r"Could not lock the environment for platform (\S+)")


def find_conda(conda_exe: str | os.PathLike[str] | None = None) -> Path | None:
    """The conda/mamba/micromamba to use, or ``None``; never installs anything.

    ``conda_exe`` (a path or a name on PATH) wins; otherwise ensureconda's order: mamba,
    micromamba, conda, conda-standalone.
    """
    if conda_exe is not None:
        candidate = Path(conda_exe)
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
        found = shutil.which(os.fspath(conda_exe))
        return Path(found) if found else None
    from ensureconda.api import ensureconda

    exe = ensureconda(mamba=True, micromamba=True, conda=True, conda_exe=True, no_install=True)
    return Path(exe) if exe else None


def lock(job: LockJob, *, conda_exe: Path) -> JobOutput:
    """Run ``job`` in a worker process with conda-lock and ``conda_exe`` (see the module doc).

    Raises the :class:`LockError` the worker reported, as its own class, or a
    :class:`LockError` with the worker's stderr when it ended without answering.
    """
    from bindermerge.lock import worker
    from bindermerge.lock.job import JobOutput

    if not sys.executable:
        raise LockError("the conda-lock backend needs a Python executable to start its worker")
    with tempfile.TemporaryDirectory(prefix="bindermerge-conda-lock-") as tmp:
        request_path, reply_path = Path(tmp, "request.json"), Path(tmp, "reply.json")
        request = {"job": job.to_json(), "conda_exe": os.fspath(conda_exe)}
        request_path.write_text(json.dumps(request), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-c", worker.BOOT, json.dumps(sys.path), str(request_path),
             str(reply_path)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        try:
            reply = json.loads(reply_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            tail = "\n".join(proc.stderr.strip().splitlines()[-20:])
            raise LockError(
                f"the conda-lock worker ended without an answer (exit {proc.returncode}): {tail}"
            ) from None
    if "error" in reply:
        raise worker.error_from_json(reply["error"])
    return JobOutput(
        files={name: text.encode("utf-8") for name, text in reply["files"].items()},
        warnings=tuple(reply["warnings"]),
    )


def _json_document(stdout: str) -> dict[str, object] | None:
    """conda's JSON error document, tolerating log lines around it (as conda-lock does)."""
    start, end = stdout.find("{"), stdout.rfind("}")
    if start < 0 or end < start:
        return None
    try:
        document = json.loads(stdout[start : end + 1])
    except json.JSONDecodeError:
        return None
    return document if isinstance(document, dict) else None


def _channel_named(request: LockRequest, reported: str) -> str:
    """Map a URL or name from conda's error back to the channel as the user wrote it."""
    for channel in request.spec.channels:
        url = channel.env_replaced_url().rstrip("/")
        if reported and (reported.rstrip("/").startswith(url) or url in reported):
            return str(channel.url)
    return reported or ", ".join(c.url for c in request.spec.channels)


def _failure(request: LockRequest, exc: subprocess.CalledProcessError, captured: str) -> LockError:
    """Classify a failed dry run into the error the caller maps to an exit code."""
    platform_match = _FAILED_PLATFORM.search(captured)
    platform = platform_match.group(1) if platform_match else request.platforms[0]
    stdout = exc.stdout or exc.output or ""
    stderr = exc.stderr or ""
    document = _json_document(stdout) or {}
    if exc.returncode < 0 or "actions" in document:
        # Killed by a signal, or a crash after a successful answer: nothing to classify,
        # and guessing from words like "channel" in a package list would mislead.
        how = f"signal {-exc.returncode}" if exc.returncode < 0 else f"exit {exc.returncode}"
        return LockError(
            f"{exc.cmd[0]} crashed ({how}) while solving for {platform}: {stderr.strip()}"
        )
    name = str(document.get("exception_name", ""))
    message = str(document.get("message") or document.get("error") or "").strip()
    problems = document.get("solver_problems")
    if isinstance(problems, list) and problems:
        # micromamba's --json failure: a list of solver problems, no exception name.
        return UnsatisfiableError(platform, request.conda_specs, "\n".join(map(str, problems)))
    if name in _UNSATISFIABLE:
        return UnsatisfiableError(platform, request.conda_specs, message)
    if name in _CHANNEL:
        reported = str(
            document.get("channel_url") or document.get("url") or document.get("channel_name") or ""
        )
        return ChannelUnreachableError(_channel_named(request, reported), message)
    text = message or f"{stdout}\n{stderr}".strip()
    if _UNSAT_TEXT.search(text):
        return UnsatisfiableError(platform, request.conda_specs, text)
    if _CHANNEL_TEXT.search(text):
        mentioned = [c.url for c in request.spec.channels if c.env_replaced_url() in text]
        channel = mentioned[0] if mentioned else ", ".join(c.url for c in request.spec.channels)
        return ChannelUnreachableError(channel, text)
    return LockError(f"{exc.cmd[0]} failed (exit {exc.returncode}) for {platform}: {text}")


def solve(request: LockRequest, *, conda_exe: Path) -> Lockfile:
    """Lock ``request`` with conda-lock's ``create_lockfile_from_spec`` and ``conda_exe``.

    Changes this process's environment and stderr while it runs: call it in the worker only.
    """
    from conda_lock.conda_lock import create_lockfile_from_spec

    # conda-lock reports a failed solve with print() to stderr before raising; it is used to
    # learn which platform failed (the worker's stderr reaches the user only on a crash).
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured), request.virtual_repo:
            return create_lockfile_from_spec(
                conda=conda_exe,
                spec=request.spec,
                platforms=list(request.platforms),
                lockfile_path=request.workspace.lock_path,
                virtual_package_repo=request.virtual_repo,
                mapping_url=request.workspace.mapping_url,
                # Pip URLs are written to files meant for version control: no credentials.
                strip_auth=True,
            )
    except subprocess.CalledProcessError as exc:
        raise _failure(request, exc, captured.getvalue()) from exc
    except Exception as exc:  # chained, so the traceback is kept
        # An executable that is not conda, a JSON answer conda-lock cannot read, pip
        # entries without python, or one of Poetry's many errors while pinning pip entries.
        raise LockError(
            f"conda-lock could not lock the environment: {type(exc).__name__}: {exc}"
        ) from exc
