"""Running the git command line for git sources: its environment, timeout and errors, once.

The user's git configuration applies (credentials, ``url.<base>.insteadOf``, proxies), but git
never prompts, never runs a hook and never touches the repository bindermerge may be running
in (a pre-commit hook runs with ``GIT_DIR`` and ``GIT_INDEX_FILE`` set). Every command has a
timeout (``BINDERMERGE_GIT_TIMEOUT`` seconds, default 300); on expiry git and every process it
started (ssh, a credential helper, ``upload-pack``) are killed together.
"""

from __future__ import annotations

import os
import signal
import subprocess

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

DEFAULT_TIMEOUT = 300.0
TIMEOUT_VARIABLE = "BINDERMERGE_GIT_TIMEOUT"
BATCH_SSH = "ssh -oBatchMode=yes"
NO_GIT = "git is not installed (or not on PATH); git sources need the git command line"

# Variables that point git at a repository, its index or its object store (the list git
# itself clears before working in another repository): inherited from a git hook, they would
# make every command below read or write the user's repository instead of the cache's.
_REPOSITORY_VARIABLES = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_GRAFT_FILE",
    "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX", "GIT_SHALLOW_FILE",
    "GIT_NAMESPACE", "GIT_QUARANTINE_PATH",
)  # fmt: skip
# Options every command gets: no hook of any repository runs (not even reference-transaction
# while fetching), no automatic gc or maintenance rewrites the cache behind a reader's back,
# and no submodule is ever fetched.
_SAFE_OPTIONS = (
    "-c", "core.hooksPath=/dev/null",
    "-c", "gc.auto=0",
    "-c", "maintenance.auto=false",
    "-c", "fetch.recurseSubmodules=false",
    "-c", "submodule.recurse=false",
)  # fmt: skip


class GitError(Exception):
    """A git command that failed: ``message`` is git's own explanation on one line.

    ``timed_out`` (with ``seconds``) when it was killed at the timeout; ``missing`` when git
    is not installed or cannot run as configured (a bad ``BINDERMERGE_GIT_TIMEOUT``);
    ``returncode`` otherwise.
    """

    def __init__(
        self,
        message: str,
        *,
        command: str = "git",
        returncode: int | None = None,
        timed_out: bool = False,
        seconds: float = 0.0,
        missing: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.command = command
        self.returncode = returncode
        self.timed_out = timed_out
        self.seconds = seconds
        self.missing = missing


def timeout() -> float:
    """Seconds each git command may take (``BINDERMERGE_GIT_TIMEOUT``, default 300)."""
    text = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise GitError(
            f"{TIMEOUT_VARIABLE}={text!r} is not a number of seconds above 0", missing=True
        )
    return value


_ssh_command: list[str | None] = []  # the user's core.sshCommand, looked up once per process


def environment(*, network: bool) -> dict[str, str]:
    """The environment of a git command: never a prompt, never the caller's repository."""
    env = {k: v for k, v in os.environ.items() if k not in _REPOSITORY_VARIABLES}
    env.update(
        GIT_TERMINAL_PROMPT="0",  # no username/password prompt on the terminal
        GIT_ASKPASS="",  # empty, not unset: git then skips core.askPass and SSH_ASKPASS
        SSH_ASKPASS="",
        GCM_INTERACTIVE="never",  # Git Credential Manager: no dialog
    )
    if network and "GIT_SSH_COMMAND" not in env and "GIT_SSH" not in env:
        # ssh would ask for a passphrase or to trust a host key: BatchMode fails instead. The
        # variable would override the user's core.sshCommand, so it is set only without one.
        if not _ssh_command:
            _ssh_command.append(_configured_ssh(env))
        if not _ssh_command[0]:
            env["GIT_SSH_COMMAND"] = BATCH_SSH
    return env


def _configured_ssh(env: dict[str, str]) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "config", "--get", "core.sshCommand"],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.decode("utf-8", "replace").strip() or None


def run(
    args: Sequence[str],
    *,
    git_dir: str | None = None,
    network: bool = False,
    input: bytes | None = None,
) -> bytes:
    """Run ``git [options] args`` and return its stdout; :class:`GitError` when it fails,
    times out or git is missing. ``git_dir`` is the repository to work in; ``network``
    says the command may reach a remote (ssh batch mode then applies)."""
    seconds = timeout()
    cmd = ["git", *_SAFE_OPTIONS]
    if git_dir is not None:
        cmd.append(f"--git-dir={git_dir}")
    cmd.extend(args)
    what = f"git {args[0]}" if args else "git"
    try:
        proc = subprocess.Popen(
            cmd,
            env=environment(network=network),
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            # Its own process group: on a timeout, ssh and upload-pack die with git, and
            # nothing keeps the pipes open.
            start_new_session=True,
        )
    except FileNotFoundError:
        raise GitError(NO_GIT, command=what, missing=True) from None
    try:
        out, err = proc.communicate(input, timeout=seconds)
    except subprocess.TimeoutExpired:
        kill(proc)
        raise GitError(
            f"{what} timed out after {seconds:g} s ({TIMEOUT_VARIABLE} sets the limit)",
            command=what,
            timed_out=True,
            seconds=seconds,
        ) from None
    except BaseException:
        kill(proc)
        raise
    if proc.returncode != 0:
        raise GitError(one_line(err) or f"exit status {proc.returncode}", command=what,
                       returncode=proc.returncode)  # fmt: skip
    return out


def kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill a git process started by this module and everything it started; reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=5)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        pass


def one_line(stderr: bytes) -> str:
    """git's explanation on one line: the lines up to the first ``fatal:``, hints dropped."""
    lines = []
    for raw in stderr.decode("utf-8", "replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("hint:"):
            continue
        lines.append(line)
        if line.startswith("fatal:"):
            break
    text = "; ".join(lines[-3:])
    return text if len(text) <= 400 else text[:397] + "..."
