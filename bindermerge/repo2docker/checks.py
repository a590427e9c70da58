"""The checks repo2docker's build applies, by the names the table uses (table.CHECK_NAMES).

A check raises ValueError with the failure repo2docker would report, and may return notes.
:data:`BUILD_CHECKS` are a buildpack row's (``BuildpackRule.checks``); :data:`FILE_CHECKS`
apply to one file a row reads (``Read.check``). :func:`check_legacy_dockerfile` is the one
check made before any buildpack is detected.

Standard library only.
"""

from __future__ import annotations

from bindermerge.repo2docker.constants import (
    APT_LINE_RE,
    DEFAULT_PYTHON,
    DOCKERFILE,
    R_VERSIONS,
    RSPM_CUTOFF_DATE,
    RUNTIME_TXT,
    SUPPORTED_PYTHONS,
)
from bindermerge.repo2docker.facts import text_of
from bindermerge.repo2docker.python import first_python_pin, python_from_version

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs the fast path
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from bindermerge.repo2docker.facts import Facts, FileContent


def check_legacy_dockerfile(facts: Facts) -> None:
    """LegacyBinderDockerBuildPack.detect(): reads the *root* Dockerfile whatever the layout."""
    text = text_of(facts.root.get(DOCKERFILE))
    for line in (text or "").splitlines(keepends=True):
        if line.startswith("FROM") and "andrewosh/binder-base" in line.split("#")[0].lower():
            raise ValueError(
                "Dockerfile: the legacy buildpack (andrewosh/binder-base) has been removed"
            )


def _python_version(facts: Facts) -> list[str]:
    """CondaBuildPack.get_build_script_files: X.Y, with a base environment for linux-64."""
    v = facts.python_version or DEFAULT_PYTHON
    where = facts.python_source or "the default"
    if len(v.split(".")) != 2:
        raise ValueError(f"{where}: python_version must always be specified as 'x.y', got {v}")
    if v not in SUPPORTED_PYTHONS:
        raise ValueError(f"{where}: Python version {v} on linux-64 is not supported")
    return []


def _r_version(facts: Facts) -> list[str]:
    """RBuildPack: snapshot date and R version from runtime.txt (whatever language it names)."""
    rt = facts.runtime
    if rt is None:
        return []
    rt_path = facts.cfg + RUNTIME_TXT
    if rt.picks_r and rt.date is not None and rt.date.isoformat() < RSPM_CUTOFF_DATE:
        raise ValueError(
            f"{rt_path}: snapshot date {rt.date} is before {RSPM_CUTOFF_DATE}, the first one "
            "repo2docker can use (MRAN is gone)"
        )
    if rt.version is not None and rt.version not in R_VERSIONS and len(rt.version.split(".")) != 3:
        raise ValueError(f"{rt_path}: R version {rt.version} is not supported")
    return []


def _apt_lines(facts: Facts, path: str, content: FileContent) -> list[str]:
    """BuildPack.get_preassemble_scripts: each line, comment and blanks stripped, must match."""
    for line in (text_of(content) or "").splitlines():
        package = line.partition("#")[0].strip()
        if package and not APT_LINE_RE.match(package):
            raise ValueError(f"{path}: invalid package name {package} in apt.txt")
    return []


def _environment_yml(facts: Facts, path: str, content: FileContent) -> list[str]:
    """CondaBuildPack.environment_yaml loads it for every conda buildpack; where the Python
    comes from elsewhere (runtime.txt), a different pin in it is worth a note."""
    deps = facts.environment_dependencies()
    pin = first_python_pin(deps) if deps is not None else None
    if not pin:
        return []
    try:
        pinned = python_from_version(pin)
    except ValueError:
        return []  # only CondaBuildPack reads the pin, and it reports this itself
    built = facts.python_version or DEFAULT_PYTHON
    if pinned == built:
        return []
    return [
        f"{path} pins python {pinned} but {facts.buildpack} builds Python {built} "
        "(runtime.txt decides); mamba env update then changes it"
    ]


BUILD_CHECKS: Mapping[str, Callable[[Facts], list[str]]] = {
    "python-version": _python_version,
    "r-version": _r_version,
}
FILE_CHECKS: Mapping[str, Callable[[Facts, str, FileContent], list[str]]] = {
    "apt-lines": _apt_lines,
    "environment-yml": _environment_yml,
}
