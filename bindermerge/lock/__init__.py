"""Lock a merged conda environment for repo2docker (``bindermerge ... --lock``).

repo2docker reads no lock file of any kind, only ``binder/environment.yml``; so a lock is a
*pinned* ``environment.yml`` (``name=version=build`` for every conda package, ``python``
first so repo2docker still detects the Python version), written beside conda-lock's own
formats (``conda-lock.yml``, ``conda-<platform>.lock``) and the unpinned merged spec
(``environment.unlocked.yml``) from which the lock can be made again.

Two solvers sit behind one interface (:mod:`.condalock_backend`, :mod:`.rattler_backend`);
both hand a conda-lock ``Lockfile`` model to :mod:`.render`, so the files have the same
shape whichever solved them. Solving needs the ``lock`` extra (``pip install
'bindermerge[lock]'``: conda-lock and ensureconda); without it :func:`lock_environment`
raises :class:`LockExtraMissingError`. conda-lock and py-rattler are imported only inside
functions: importing this package (and :mod:`.hashing`, which decides whether a solve is
needed at all) stays cheap and works without the extra. The errors live in :mod:`.errors`
and are re-exported here.

A lock call changes nothing process-wide: the package index reaches Poetry in conda-lock's
``LockSpecification``, and the conda-lock backend, whose conda path sets ``CONDA_OVERRIDE_*``
in ``os.environ``, runs in a worker process.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bindermerge.lock.errors import (
    LOCK_EXTRA,
    ChannelUnreachableError,
    LockError,
    LockExtraMissingError,
    NoSolverError,
    StaleLock,
    UnsatisfiableError,
)
from bindermerge.lock.hashing import compute_input_hash, stored_input_hash

Backend = Literal["auto", "conda-lock", "rattler"]
BACKENDS: tuple[Backend, ...] = ("auto", "conda-lock", "rattler")
DEFAULT_PLATFORMS: tuple[str, ...] = ("linux-64",)

# Platforms conda-lock ships virtual packages for: a lock for anything else cannot be made
# the same way by both backends, so it is refused up front with the list.
SUPPORTED_PLATFORMS: tuple[str, ...] = (
    "linux-64",
    "linux-aarch64",
    "linux-ppc64le",
    "osx-64",
    "osx-arm64",
    "win-64",
)

# The lock extra: distribution -> the module it provides.
LOCK_EXTRA_MODULES: dict[str, str] = {"conda-lock": "conda_lock", "ensureconda": "ensureconda"}

__all__ = [
    "BACKENDS",
    "LOCK_EXTRA",
    "Backend",
    "ChannelUnreachableError",
    "LockError",
    "LockExtraMissingError",
    "LockResult",
    "LockSpec",
    "NoSolverError",
    "StaleLock",
    "UnsatisfiableError",
    "input_hash",
    "lock_environment",
    "lock_extra_missing",
    "require_lock_extra",
    "stored_input_hash",
]


def lock_extra_missing() -> list[str]:
    """The distributions of the ``lock`` extra that cannot be imported (none: all there).

    Asks the import system where the modules are without importing them (conda-lock takes
    about half a second to import).
    """
    missing = []
    for dist, module in LOCK_EXTRA_MODULES.items():
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a broken or half-removed install
            found = False
        if not found:
            missing.append(dist)
    return missing


def require_lock_extra() -> None:
    """Raise :class:`LockExtraMissingError` unless conda-lock and ensureconda are installed."""
    missing = lock_extra_missing()
    if missing:
        raise LockExtraMissingError(missing)


@dataclass(frozen=True)
class LockSpec:
    """The unlocked, merged environment: what ``environment.unlocked.yml`` holds.

    ``conda_deps`` are conda match specs in output order (``python=3.11``,
    ``intake::intake-xarray``); ``pip_deps`` are the lines of the ``pip:`` block as merged.
    ``variables`` are the environment's ``variables:`` (name, value), carried into both
    environment files. ``requested_by`` is provenance: ``(package name, source names)`` for
    the conda packages the merge's sources asked for, so an :class:`UnsatisfiableError` can
    name them. It does not change the lock, so it takes no part in equality or the hash.
    Sequences are stored as tuples so a spec is immutable and hashable.
    """

    name: str
    channels: Sequence[str]
    conda_deps: Sequence[str]
    pip_deps: Sequence[str] = ()
    requested_by: Sequence[tuple[str, Sequence[str]]] = field(default=(), compare=False)
    # The environment's ``variables:``: not solved, but written to both environment files.
    variables: Sequence[tuple[str, str]] = ()

    def __post_init__(self) -> None:
        for attr in ("channels", "conda_deps", "pip_deps"):
            value = getattr(self, attr)
            if isinstance(value, str):
                raise TypeError(f"LockSpec.{attr} must be a sequence of strings, not a string")
            object.__setattr__(self, attr, tuple(value))
        object.__setattr__(self, "variables", tuple((str(k), str(v)) for k, v in self.variables))
        provenance = tuple((str(name), tuple(srcs)) for name, srcs in self.requested_by)
        object.__setattr__(self, "requested_by", provenance)

    def involved(self, explanation: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``(packages, sources)`` behind a solver's ``explanation``, from :attr:`requested_by`.

        The packages are the requested ones the explanation names as whole words (all of
        them when it names none); the sources are those that asked for them, in order of first
        appearance.
        """
        named = [(name, srcs) for name, srcs in self.requested_by if _mentions(explanation, name)]
        chosen = named or list(self.requested_by)
        sources = dict.fromkeys(src for _, srcs in chosen for src in srcs)
        return tuple(name for name, _ in chosen), tuple(sources)


def _mentions(text: str, package: str) -> bool:
    """Whether ``text`` names ``package`` as a whole name: ``python`` is not in
    ``python-dateutil`` or ``python_abi``, but is in ``python >=3.11`` and ``python-3.10.14``."""
    pattern = rf"(?<![\w.-]){re.escape(package)}(?![\w]|[-.][A-Za-z])"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


@dataclass(frozen=True)
class LockResult:
    """The rendered lock.

    ``files`` maps names relative to the output directory (``environment.yml``,
    ``conda-lock.yml``, ``conda-linux-64.lock``, ``environment.unlocked.yml``) to bytes;
    ``backend`` is the solver actually used (``conda-lock`` or ``rattler``); ``warnings``
    are one-line messages for the user; ``input_hash`` is what :func:`stored_input_hash`
    will read back from ``conda-lock.yml``.
    """

    files: dict[str, bytes]
    backend: str
    input_hash: str
    platforms: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)


def _solve_channels(channels: Sequence[str]) -> list[str]:
    """Channels as the solvers need them: local folders as ``file://`` URLs.

    A relative path would mean different things to a solver subprocess and to the lock's
    reader, so existing local folders are made absolute once, here.
    """
    out: list[str] = []
    for channel in channels:
        looks_local = channel.startswith(("/", "./", "../", "~")) or os.sep in channel
        path = Path(channel).expanduser()
        if looks_local and "://" not in channel and path.is_dir():
            out.append(path.resolve().as_uri())
        else:
            out.append(channel)
    return out


def _effective_channels(spec: LockSpec, channel_override: Sequence[str] | None) -> list[str]:
    channels = list(channel_override) if channel_override else list(spec.channels)
    return _solve_channels(channels)


@dataclass(frozen=True)
class _PipIndexes:
    """Where pip entries are pinned from, in the three forms a lock needs."""

    repositories: tuple[str, ...]  # handed to Poetry in the LockSpecification
    allow_pypi_requests: bool  # add Poetry's default PyPI repository
    hashed: tuple[str, ...]  # recorded in the input hash, without credentials


def _pip_indexes(pip_indexes: Sequence[str] | None, lock_pip: bool) -> _PipIndexes:
    if not lock_pip:
        return _PipIndexes((), False, ())
    from bindermerge.lock import pypi

    # The default is read from the environment (read, never written): Poetry's, pip's or PyPI.
    wanted = [pypi.index_url()] if pip_indexes is None else list(pip_indexes)
    urls = [u.rstrip("/") for u in wanted]
    # Poetry adds POETRY_REPOSITORIES_<NAME>_URL by itself; naming one again would double
    # every request it makes.
    known = pypi.poetry_configured()
    return _PipIndexes(
        repositories=tuple(u for u in urls if u not in known),
        allow_pypi_requests=not urls,
        hashed=tuple(pypi.without_credentials(u) for u in urls),
    )


def input_hash(
    spec: LockSpec,
    *,
    platforms: Sequence[str] = DEFAULT_PLATFORMS,
    backend: Backend = "auto",
    channel_override: Sequence[str] | None = None,
    lock_pip: bool = False,
    pip_indexes: Sequence[str] | None = None,
) -> str:
    """The hash :func:`lock_environment` would store for these arguments (no solving).

    Compare it with :func:`stored_input_hash` of an existing ``conda-lock.yml`` to skip a
    solve when nothing changed.
    """
    return compute_input_hash(
        name=spec.name,
        channels=_effective_channels(spec, channel_override),
        conda_deps=spec.conda_deps,
        pip_deps=spec.pip_deps,
        platforms=platforms,
        backend=backend,
        lock_pip=lock_pip,
        pip_indexes=_pip_indexes(pip_indexes, lock_pip).hashed,
        variables=spec.variables,
    )


def _conda_name(match_spec: str) -> str:
    """The package name of a conda match spec, without importing a solver."""
    # `channel::name`, `name>=1`, `name 1.*`, `name[version='>=1']`, `name=1=build`
    text = match_spec.split("::", 1)[-1].strip()
    for i, ch in enumerate(text):
        if ch in " =<>!~[;,*":
            return text[:i].lower()
    return text.lower()


def lock_environment(
    spec: LockSpec,
    *,
    platforms: Sequence[str] = DEFAULT_PLATFORMS,
    backend: Backend = "auto",
    channel_override: Sequence[str] | None = None,
    lock_pip: bool = False,
    conda_exe: str | os.PathLike[str] | None = None,
    pip_indexes: Sequence[str] | None = None,
) -> LockResult:
    """Solve ``spec`` for ``platforms`` and render the lock files.

    ``backend``: ``conda-lock`` runs conda-lock's solver with the user's conda, mamba or
    micromamba (``conda_exe``, or the first one ensureconda finds without installing
    anything), in a worker process; ``rattler`` solves in-process with py-rattler; ``auto``
    takes conda-lock when such an executable exists, else rattler. ``channel_override``
    replaces the spec's channels (for example a mirror or a local channel).

    ``lock_pip`` is off by default: pinning pip entries means asking a package index (through
    conda-lock's vendored Poetry), which is slow, needs the network, and is not what most
    Binder users expect of ``--lock``. When off, the ``pip:`` block is copied unpinned into
    the pinned ``environment.yml`` and a warning says so. ``pip_indexes`` are the simple
    indexes to pin from (``None``: ``POETRY_REPOSITORIES_PYPISIMPLE_URL``, ``PIP_INDEX_URL``
    or PyPI's, read from the environment); they are passed to Poetry as arguments, and the
    process environment is never changed.

    An :class:`UnsatisfiableError` names the packages involved and the sources that asked
    for them (``packages``, ``sources``) from ``spec.requested_by``.

    Raises :class:`LockExtraMissingError` (install ``bindermerge[lock]``),
    :class:`UnsatisfiableError`, :class:`ChannelUnreachableError`, :class:`NoSolverError`
    or :class:`LockError`.
    """
    from bindermerge.lock.job import LockJob

    require_lock_extra()
    platforms = tuple(dict.fromkeys(platforms))
    if not platforms:
        raise LockError("no platform to lock for")
    unknown = [p for p in platforms if p not in SUPPORTED_PLATFORMS]
    if unknown:
        raise LockError(
            f"cannot lock for {', '.join(unknown)}: supported platforms are "
            f"{', '.join(SUPPORTED_PLATFORMS)}"
        )
    if backend not in BACKENDS:
        raise LockError(f"unknown lock backend {backend!r}: choose one of {', '.join(BACKENDS)}")

    channels = _effective_channels(spec, channel_override)
    # conda-lock always passes --override-channels, so `nodefaults` means nothing to a
    # solver (and conda-lock's model refuses it); it is kept in the rendered files.
    solve_channels = [c for c in channels if c != "nodefaults"]
    if not solve_channels:
        raise LockError("the merged environment names no channel to lock against")

    warnings: list[str] = []
    conda_deps = list(spec.conda_deps)
    if spec.pip_deps and "pip" not in {_conda_name(d) for d in conda_deps}:
        # repo2docker installs a pip: block only when pip is a conda dependency; conda-lock's
        # own environment.yml parser adds it for the same reason.
        conda_deps.append("pip")
        warnings.append("added 'pip' to the conda dependencies: the environment has pip entries")
    if spec.pip_deps and not lock_pip:
        warnings.append(
            f"pip entries are not locked ({len(spec.pip_deps)} kept as merged in "
            "environment.yml); pass lock_pip to pin them from PyPI"
        )

    indexes = _pip_indexes(pip_indexes, lock_pip)
    digest = input_hash(
        spec,
        platforms=platforms,
        backend=backend,
        channel_override=channel_override,
        lock_pip=lock_pip,
        pip_indexes=pip_indexes,
    )
    chosen, exe = _choose_backend(backend, conda_exe)
    job = LockJob(
        name=spec.name,
        channels=tuple(channels),
        solve_channels=tuple(solve_channels),
        conda_deps=tuple(conda_deps),
        pip_deps=tuple(spec.pip_deps),
        lock_pip=lock_pip,
        pip_repositories=indexes.repositories,
        allow_pypi_requests=indexes.allow_pypi_requests,
        platforms=platforms,
        input_hash=digest,
        backend=chosen,
        variables=tuple(f"{k}={v}" for k, v in spec.variables),
    )
    try:
        if chosen == "conda-lock":
            from bindermerge.lock import condalock_backend

            assert exe is not None
            output = condalock_backend.lock(job, conda_exe=exe)
        else:
            from bindermerge.lock import job as jobs
            from bindermerge.lock import rattler_backend

            output = jobs.run(job, rattler_backend.solve)
    except UnsatisfiableError as exc:
        if not spec.requested_by:
            raise
        packages, sources = spec.involved(exc.explanation)
        raise exc.with_provenance(packages, sources) from exc
    warnings.extend(output.warnings)
    return LockResult(
        files=output.files,
        backend=chosen,
        input_hash=digest,
        platforms=platforms,
        warnings=warnings,
    )


def _choose_backend(
    backend: Backend, conda_exe: str | os.PathLike[str] | None
) -> tuple[Literal["conda-lock", "rattler"], Path | None]:
    """Resolve ``auto`` and find the executable for ``conda-lock`` (never downloading one)."""
    if backend == "rattler":
        return "rattler", None
    from bindermerge.lock import condalock_backend

    exe = condalock_backend.find_conda(conda_exe)
    if exe is not None:
        return "conda-lock", exe
    # An executable named explicitly but missing is a mistake even under `auto`.
    if backend == "conda-lock" or conda_exe is not None:
        wanted = f"{os.fspath(conda_exe)!r}" if conda_exe else "conda, mamba or micromamba"
        raise NoSolverError(
            f"the conda-lock backend needs {wanted}, and none was found on PATH; "
            "use the rattler backend, which needs no executable"
        )
    return "rattler", None
