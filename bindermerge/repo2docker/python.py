"""How repo2docker's CondaBuildPack reads the Python version from environment.yml dependencies.

It applies :data:`~bindermerge.repo2docker.constants.PYTHON_PIN_RE` with ``re.match`` to each
string dependency in order; the first match decides. ``X.Y[...]`` is cut to ``X.Y``; a bare
major version means repo2docker's default for it; no version means its default Python.
"""

from __future__ import annotations

from bindermerge.repo2docker.constants import DEFAULT_PYTHON, MAJOR_PYTHONS, PYTHON_PIN_RE


def conda_python_pin(dependency: str) -> str | None:
    """The ``X.Y`` repo2docker reads from this dependency text, or None (no X.Y in it)."""
    m = PYTHON_PIN_RE.match(dependency)
    if not m or not m.group(1):
        return None
    parts = m.group(1).split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else None


def conda_python_built(dependency: str) -> str:
    """The Python ``X.Y`` repo2docker builds when this is the first python dependency."""
    m = PYTHON_PIN_RE.match(dependency)
    parts = m.group(1).split(".") if m and m.group(1) else []
    if len(parts) > 1:
        return ".".join(parts[:2])
    return MAJOR_PYTHONS.get(parts[0], DEFAULT_PYTHON) if parts else DEFAULT_PYTHON
