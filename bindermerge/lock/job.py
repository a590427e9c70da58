"""One lock as plain values, and the solve-and-render steps both backends share.

:func:`bindermerge.lock.lock_environment` decides everything (channels, specs, indexes, the
input hash, the backend) and writes it into a :class:`LockJob`; :func:`run` turns a job into
files with a given solver. A job holds strings, tuples and booleans only, so it can cross a
process boundary as JSON: the conda-lock backend runs :func:`run` in a worker process (see
:mod:`.condalock_backend` for why), the rattler backend runs it here.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from bindermerge.lock.errors import LockError

if TYPE_CHECKING:
    from conda_lock.lockfile.v2prelim.models import Lockfile

    from bindermerge.lock.render import LockRequest


@dataclass(frozen=True)
class LockJob:
    """What to solve and how to render it.

    ``channels`` are written into the files, ``solve_channels`` are handed to the solver
    (``nodefaults`` removed); ``pip_repositories`` are the simple indexes Poetry pins pip
    entries from when ``lock_pip``, with ``allow_pypi_requests`` adding Poetry's default PyPI;
    ``backend`` is the backend that solves (``conda-lock`` or ``rattler``).
    """

    name: str
    channels: tuple[str, ...]
    solve_channels: tuple[str, ...]
    conda_deps: tuple[str, ...]
    pip_deps: tuple[str, ...]
    lock_pip: bool
    pip_repositories: tuple[str, ...]
    allow_pypi_requests: bool
    platforms: tuple[str, ...]
    input_hash: str
    backend: str
    variables: tuple[str, ...] = ()  # NAME=VALUE: the environment's variables, in order

    def to_json(self) -> dict[str, object]:
        """The job as a JSON-serialisable mapping (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, document: Mapping[str, object]) -> LockJob:
        """The job :meth:`to_json` wrote; raises :class:`LockError` on anything else."""
        missing = [f.name for f in fields(cls) if f.name not in document and f.name != "variables"]
        if missing:
            raise LockError(f"not a lock job: {', '.join(missing)} missing")
        values = {
            f.name: tuple(map(str, v)) if isinstance(v := document[f.name], list) else v
            for f in fields(cls)
            if f.name in document
        }
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class JobOutput:
    """The rendered files (name relative to the binder directory -> bytes) and warnings."""

    files: dict[str, bytes]
    warnings: tuple[str, ...]


def run(job: LockJob, solve: Callable[[LockRequest], Lockfile]) -> JobOutput:
    """Build the request, ``solve`` it and render every file, in a private temporary folder."""
    from bindermerge.lock import render

    with tempfile.TemporaryDirectory(prefix="bindermerge-lock-") as tmp:
        work = render.Workspace.create(Path(tmp))
        variables = [tuple(pair.split("=", 1)) for pair in job.variables]
        unlocked = render.unlocked_environment_yaml(
            name=job.name,
            channels=job.channels,
            conda_deps=job.conda_deps,
            pip_deps=job.pip_deps,
            variables=variables,
        )
        # conda-lock records the lock's source file relative to the lock: it must exist.
        work.unlocked_path.write_text(unlocked, encoding="utf-8")
        request = render.make_request(
            conda_deps=job.conda_deps,
            pip_deps=job.pip_deps,
            lock_pip=job.lock_pip,
            channels=job.solve_channels,
            platforms=job.platforms,
            workspace=work,
            pip_repositories=job.pip_repositories,
            allow_pypi_requests=job.allow_pypi_requests,
        )
        try:
            lockfile = solve(request)
        finally:
            request.close()
        lockfile = render.with_bindermerge_metadata(
            lockfile, input_hash=job.input_hash, backend=job.backend
        )
        files = render.render_files(
            lockfile,
            workspace=work,
            name=job.name,
            env_channels=job.channels,
            platforms=job.platforms,
            verbatim_pip=request.verbatim_pip,
            unlocked_text=unlocked,
            variables=variables,
        )
    return JobOutput(files=files, warnings=tuple(request.warnings))
