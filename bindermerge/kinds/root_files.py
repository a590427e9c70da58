"""setup.py, pyproject.toml, DESCRIPTION: files repo2docker reads only at a repository root.

repo2docker reads them only when the repository has no binder directory: ``setup.py`` or a
packaged ``pyproject.toml`` make it ``pip install .`` the repository, a ``requires-python`` in
pyproject.toml chooses the Python version, and ``DESCRIPTION`` picks R and installs the package
with ``remotes::install_local()``. A merged ``binder/`` directory turns all of that off, and it
does not hold the source's package anyway. So:

* inside a source's binder directory they were already ignored: they travel with the source
  to its folder, like any auxiliary file;
* at the root of a source without one, what they did cannot be carried into a binder
  directory: an error that says what to write instead (a ``requires-python`` that only chose
  the Python version is a warning).
"""

from __future__ import annotations

from collections.abc import Sequence

from bindermerge.context import MergeContext
from bindermerge.errors import ParseError, RefusedFileError
from bindermerge.kinds import Kind, auxiliary
from bindermerge.kinds.auxiliary import AuxFile
from bindermerge.model import OutputFile
from bindermerge.repo2docker.constants import DESCRIPTION, PYPROJECT_TOML, ROOT_ONLY_FILES, SETUP_PY
from bindermerge.repo2docker.facts import InvalidToml, is_python_package, load_toml, requires_python
from bindermerge.scripts.lint import config_is_binder_dir
from bindermerge.sources.base import SourceFile

NAME = "root_files"
FILES = ROOT_ONLY_FILES

_PACKAGE_ADVICE = (
    "a merged binder/ directory turns that off and does not hold the package: list the package "
    "in requirements.txt instead ('.' if the merged binder/ stays in this repository, otherwise "
    "'pkg @ git+https://...')"
)
REASONS = {
    SETUP_PY: (
        "setup.py at the root of a repository without a binder directory makes repo2docker "
        f"'pip install .' it; {_PACKAGE_ADVICE}"
    ),
    PYPROJECT_TOML: (
        "pyproject.toml with [project] and [build-system] at the root of a repository without a "
        f"binder directory makes repo2docker 'pip install .' it; {_PACKAGE_ADVICE}"
    ),
    DESCRIPTION: (
        "DESCRIPTION at the root of a repository without a binder directory makes repo2docker "
        "pick R and install the package with remotes::install_local(); a merged binder/ "
        "directory turns that off: add a dated runtime.txt (r-YYYY-MM-DD) and an install.R that "
        "installs the packages of its Imports"
    ),
}


def parse(file: SourceFile, view: object) -> AuxFile:
    """Refuse what cannot be carried into a binder directory; carry the rest unchanged."""
    at_root = not config_is_binder_dir(file.origin)
    if at_root and (file.name != PYPROJECT_TOML or _is_package(file)):
        raise RefusedFileError(REASONS[file.name], file.origin)
    return AuxFile(file.origin, file.data, file.executable)


def _is_package(file: SourceFile) -> bool:
    try:
        doc = load_toml(file.text())
    except InvalidToml as exc:
        # repo2docker loads it too, and its build stops on the same error.
        raise ParseError(
            f"not valid TOML (repo2docker fails on it too): {exc}", file.origin
        ) from None
    return is_python_package(doc)


def _requires_python(file: AuxFile) -> str | None:
    declared, value = requires_python(load_toml(file.data.decode("utf-8", errors="replace")))
    return value if declared and isinstance(value, str) else None


def merge(fragments: Sequence[AuxFile], ctx: MergeContext) -> list[AuxFile]:
    """Carry every file; warn where a root pyproject.toml's requires-python stops counting."""
    from bindermerge.scripts import placement

    placement.report(ctx, NAME)
    for f in fragments:
        if f.origin.file == PYPROJECT_TOML and not config_is_binder_dir(f.origin):
            spec = _requires_python(f)
            if spec is not None:
                ctx.warn(
                    "pyproject-requires-python-ignored",
                    f"requires-python {spec!r} chose repo2docker's Python version for this "
                    "source; a merged binder/ ignores it: state the version in runtime.txt "
                    "(python-X.Y) or environment.yml (python=X.Y)",
                    f.origin,
                )
    return list(fragments)


def render(merged: Sequence[AuxFile], ctx: MergeContext) -> list[OutputFile]:
    """Into the source's folder, bytes and mode unchanged, exactly like auxiliary files."""
    return auxiliary.carry(merged, ctx)


KIND = Kind(NAME, parse, merge, render)
