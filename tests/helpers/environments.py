"""Where repo2docker installs each file's Python packages, read from its own Dockerfile.

The oracle for :attr:`bindermerge.repo2docker.explain.Explanation.environments`: the
Dockerfile names a prefix for every install (``${KERNEL_PYTHON_PREFIX}`` or
``${NB_PYTHON_PREFIX}``), and says whether KERNEL_PYTHON_PREFIX is an environment of its own
(a legacy Python kernel: ``${CONDA_DIR}/envs/kernel``) or NB_PYTHON_PREFIX itself. Use it with
``helpers.r2d.inspect_dir(...)["dockerfile"]``.
"""

from __future__ import annotations

import re
from pathlib import Path

SEPARATE_KERNEL = "ENV KERNEL_PYTHON_PREFIX=${CONDA_DIR}/envs/kernel"

_PREFIX = r"\$\{(?P<prefix>KERNEL|NB)_PYTHON_PREFIX\}"
# The instructions that install Python packages, and what they name.
_INSTALLS = (
    re.compile(rf'env update -p {_PREFIX} --file "(?P<path>[^"]+)"'),
    re.compile(rf'{_PREFIX}/bin/pip install --no-cache-dir -r "(?P<path>[^"]+)"'),
    re.compile(
        rf'\(cd (?P<dir>\S+) && +PATH="{_PREFIX}/bin:\$PATH" +pipenv install '
        r"(?P<option>--ignore-pipfile|--skip-lock)"
    ),
    re.compile(rf"{_PREFIX}/bin/pip install --no-cache-dir \.\s*$"),
)


def installs_into(dockerfile: str, repo: Path) -> dict[str, str]:
    """Repository-relative path -> ``"notebook"`` (shared by the kernel and the notebook
    server), ``"kernel"`` (the legacy kernel's own environment) or ``"server"`` (the notebook
    server's, beside a legacy kernel), for every file the Dockerfile installs packages from."""
    separate = SEPARATE_KERNEL in dockerfile
    out: dict[str, str] = {}
    for line in re.sub(r"\\\n", " ", dockerfile).splitlines():
        if not line.startswith("RUN "):
            continue
        for pattern in _INSTALLS:
            m = pattern.search(line)
            if m is None:
                continue
            kernel = m.group("prefix") == "KERNEL"
            env = "notebook" if not separate else ("kernel" if kernel else "server")
            names = m.groupdict()
            if names.get("path"):
                paths = [names["path"]]
            elif names.get("option"):  # pipenv, run in the config directory
                lock = "Pipfile.lock" if names["option"] == "--ignore-pipfile" else "Pipfile"
                paths = [lock if names["dir"] == "." else f"{names['dir']}/{lock}"]
            else:  # pip install . reads the root's package files
                paths = [n for n in ("setup.py", "pyproject.toml") if (repo / n).is_file()]
            out.update(dict.fromkeys(paths, env))
    return out
