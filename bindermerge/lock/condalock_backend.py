"""Solve with conda-lock driving the user's conda, mamba or micromamba.

This is conda-lock's real solving path (``create_lockfile_from_spec``: a
``<exe> create --dry-run --json`` per platform, with conda-lock's virtual-package channel
and ``CONDA_OVERRIDE_*``), called in-process so no second Python starts and errors can be
told apart. The executable is found with ensureconda *without* installing one: when none
is found ensureconda would otherwise download micromamba, which hangs where conda channels
are unreachable.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from bindermerge.lock import ChannelUnreachableError
from bindermerge.lock import LockError
from bindermerge.lock import UnsatisfiableError
from bindermerge.lock.render import LockRequest

if TYPE_CHECKING:
    from conda_lock.lockfile.v2prelim.models import Lockfile

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
    """Lock ``request`` with conda-lock's ``create_lockfile_from_spec`` and ``conda_exe``."""
    from conda_lock.conda_lock import create_lockfile_from_spec

    # conda-lock reports a failed solve with print() to stderr before raising; keep that off
    # the user's terminal and use it to learn which platform failed.
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
            )
    except subprocess.CalledProcessError as exc:
        raise _failure(request, exc, captured.getvalue()) from exc
    except Exception as exc:  # chained, so the traceback is kept
        # An executable that is not conda, a JSON answer conda-lock cannot read, pip
        # entries without python, or one of Poetry's many errors while pinning pip entries.
        raise LockError(
            f"conda-lock could not lock the environment: {type(exc).__name__}: {exc}"
        ) from exc
