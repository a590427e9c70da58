"""How repo2docker turns a pinned Python version into the ``X.Y`` it builds.

CondaBuildPack applies :data:`~bindermerge.repo2docker.constants.PYTHON_PIN_RE` with
``re.match`` to each string dependency of environment.yml in order; the first match decides.
CondaBuildPack and PipfileBuildPack then cut ``X.Y[...]`` to ``X.Y``; a bare major version
means repo2docker's default for it; no version means its default Python.

Standard library only.
"""

from __future__ import annotations

from bindermerge.repo2docker.constants import DEFAULT_PYTHON, MAJOR_PYTHONS, PYTHON_PIN_RE

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs the fast path
if TYPE_CHECKING:
    from collections.abc import Iterable


def python_from_version(version: str) -> str:
    """The ``X.Y`` repo2docker builds for a version read from a pin: ``X.Y[.Z...]`` is cut to
    ``X.Y``, a bare major is looked up in :data:`MAJOR_PYTHONS`.

    Raises ValueError for a major version repo2docker does not know (its ``KeyError``).
    """
    parts = version.split(".")
    if len(parts) > 1:
        return ".".join(parts[:2])
    if version not in MAJOR_PYTHONS:
        raise ValueError(f"Python {version} is not supported")
    return MAJOR_PYTHONS[version]


def first_python_pin(dependencies: Iterable[object]) -> str | None:
    """CondaBuildPack.python_version's search: the version text of the first string dependency
    that matches the pin regex (``""`` for a bare ``python=``), None when none matches.

    Non-string entries (the ``pip:`` mapping, numbers) are skipped, as repo2docker skips them.
    """
    for dep in dependencies:
        m = PYTHON_PIN_RE.match(dep) if isinstance(dep, str) else None
        if m:
            return m.group(1)
    return None


def conda_python_pin(dependency: str) -> str | None:
    """The ``X.Y`` repo2docker reads from this dependency text, or None (no X.Y in it)."""
    m = PYTHON_PIN_RE.match(dependency)
    if not m or "." not in m.group(1):
        return None
    return python_from_version(m.group(1))


def conda_python_built(dependency: str) -> str:
    """The Python ``X.Y`` repo2docker builds when this is the first python dependency."""
    m = PYTHON_PIN_RE.match(dependency)
    if not m or not m.group(1):
        return DEFAULT_PYTHON
    try:
        return python_from_version(m.group(1))
    except ValueError:
        # repo2docker fails on an unknown major; callers report that separately, so the
        # answer here stays repo2docker's default.
        return DEFAULT_PYTHON
