"""Where a notebook lives in git: its repository's ``origin``, the branch, its path there.

Read with the git command line, locally: nothing here fetches or contacts a remote. The
branch is the one the current branch tracks on ``origin`` when it tracks one (that is the
branch others can pull), else the current branch's own name; None on a detached HEAD.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REMOTE = "origin"


@dataclass(frozen=True)
class Checkout:
    """A notebook's place in a git work tree."""

    root: Path
    path: str  # the notebook's path in the repository, with "/"
    remote_url: str | None  # origin's URL as configured; None without an origin
    branch: str | None  # None: HEAD is detached
    tracked: bool  # False: the notebook is not committed, so a link cannot open it yet


def _git(cwd: Path, *args: str) -> tuple[int, str]:
    import os
    import subprocess

    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            timeout=60,
        )
    except FileNotFoundError:
        return 127, ""
    except (OSError, subprocess.TimeoutExpired):
        return 1, ""
    return proc.returncode, proc.stdout.rstrip("\n")


def locate(notebook: Path) -> Checkout | None:
    """The notebook's checkout, or None when it is not in a git work tree (or git is not
    installed: then no checkout can be read either)."""
    folder = notebook.resolve().parent
    code, prefix = _git(folder, "rev-parse", "--show-prefix")
    if code != 0:
        return None
    _, root = _git(folder, "rev-parse", "--show-toplevel")
    code, remote = _git(folder, "remote", "get-url", REMOTE)
    remote_url = remote.strip() if code == 0 and remote.strip() else None
    code, branch = _git(folder, "symbolic-ref", "--quiet", "--short", "HEAD")
    current = branch if code == 0 and branch else None
    if current is not None:
        code, upstream = _git(
            folder,
            "for-each-ref",
            "--format=%(upstream:remotename)%00%(upstream:lstrip=3)",
            f"refs/heads/{current}",
        )
        remote_name, _, tracked_branch = upstream.partition("\0")
        if code == 0 and remote_name == REMOTE and tracked_branch:
            current = tracked_branch
    code, _ = _git(folder, "ls-files", "--error-unmatch", "--", notebook.name)
    return Checkout(Path(root), prefix + notebook.name, remote_url, current, code == 0)
