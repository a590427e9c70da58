"""Lock a merged conda environment for repo2docker (``bindermerge ... --lock``).

repo2docker reads no lock file of any kind, only ``binder/environment.yml``; so a lock is a
*pinned* ``environment.yml`` (``name=version=build`` for every conda package, ``python``
first so repo2docker still detects the Python version), written beside conda-lock's own
formats (``conda-lock.yml``, ``conda-<platform>.lock``) and the unpinned merged spec
(``environment.unlocked.yml``) from which the lock can be made again.

Two solvers sit behind one interface (:mod:`.condalock_backend`, :mod:`.rattler_backend`);
both hand a conda-lock ``Lockfile`` model to :mod:`.render`, so the files have the same
shape whichever solved them. conda-lock and py-rattler are imported only inside functions:
importing this package (and :mod:`.hashing`, which decides whether a solve is needed at
all) stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bindermerge.errors import BinderMergeError
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

__all__ = [
    "BACKENDS",
    "Backend",
    "ChannelUnreachableError",
    "LockError",
    "LockResult",
    "LockSpec",
    "NoSolverError",
    "UnsatisfiableError",
    "input_hash",
    "lock_environment",
    "stored_input_hash",
]


class LockError(BinderMergeError):
    """The merged environment could not be locked."""


class UnsatisfiableError(LockError):
    """No set of packages satisfies the merged specs.

    ``explanation`` is the solver's own account (which spec needs what), ``platform`` the
    platform that failed and ``specs`` the conda specs that were solved, so the caller can
    point back at the sources that asked for them.
    """

    def __init__(self, platform: str, specs: Sequence[str], explanation: str):
        self.platform = platform
        self.specs = tuple(specs)
        self.explanation = explanation.strip()
        super().__init__(
            f"the merged environment cannot be solved for {platform} "
            f"(specs: {', '.join(self.specs)}):\n{self.explanation}"
        )


class ChannelUnreachableError(LockError):
    """A channel could not be read (missing, offline, not a conda channel)."""

    def __init__(self, channel: str, reason: str):
        self.channel = channel
        self.reason = reason.strip()
        super().__init__(f"channel {channel!r} cannot be reached: {self.reason}")


class NoSolverError(LockError):
    """The requested backend is not available on this machine."""


@dataclass(frozen=True)
class LockSpec:
    """The unlocked, merged environment: what ``environment.unlocked.yml`` holds.

    ``conda_deps`` are conda match specs in output order (``python=3.11``,
    ``intake::intake-xarray``); ``pip_deps`` are the lines of the ``pip:`` block as merged.
    Sequences are stored as tuples so a spec is immutable and hashable.
    """

    name: str
    channels: Sequence[str]
    conda_deps: Sequence[str]
    pip_deps: Sequence[str] = ()

    def __post_init__(self) -> None:
        for attr in ("channels", "conda_deps", "pip_deps"):
            value = getattr(self, attr)
            if isinstance(value, str):
                raise TypeError(f"LockSpec.{attr} must be a sequence of strings, not a string")
            object.__setattr__(self, attr, tuple(value))


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


def input_hash(
    spec: LockSpec,
    *,
    platforms: Sequence[str] = DEFAULT_PLATFORMS,
    backend: Backend = "auto",
    channel_override: Sequence[str] | None = None,
    lock_pip: bool = False,
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
) -> LockResult:
    """Solve ``spec`` for ``platforms`` and render the lock files.

    ``backend``: ``conda-lock`` runs conda-lock's solver with the user's conda, mamba or
    micromamba (``conda_exe``, or the first one ensureconda finds without installing
    anything); ``rattler`` solves in-process with py-rattler; ``auto`` takes conda-lock
    when such an executable exists, else rattler. ``channel_override`` replaces the
    spec's channels (for example a mirror or a local channel).

    ``lock_pip`` is off by default: pinning pip entries means asking PyPI (through
    conda-lock's vendored Poetry), which is slow, needs the network, and is not what most
    Binder users expect of ``--lock``. When off, the ``pip:`` block is copied unpinned into
    the pinned ``environment.yml`` and a warning says so.

    Raises :class:`UnsatisfiableError`, :class:`ChannelUnreachableError`,
    :class:`NoSolverError` or :class:`LockError`.
    """
    import tempfile

    from bindermerge.lock import render

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

    digest = input_hash(
        spec,
        platforms=platforms,
        backend=backend,
        channel_override=channel_override,
        lock_pip=lock_pip,
    )
    chosen, exe = _choose_backend(backend, conda_exe)

    with tempfile.TemporaryDirectory(prefix="bindermerge-lock-") as tmp:
        work = render.Workspace.create(Path(tmp))
        unlocked = render.unlocked_environment_yaml(
            name=spec.name, channels=channels, conda_deps=conda_deps, pip_deps=spec.pip_deps
        )
        # conda-lock records the lock's source file relative to the lock: it must exist.
        work.unlocked_path.write_text(unlocked, encoding="utf-8")
        request = render.make_request(
            conda_deps=conda_deps,
            pip_deps=spec.pip_deps,
            lock_pip=lock_pip,
            channels=solve_channels,
            platforms=platforms,
            workspace=work,
        )
        warnings.extend(request.warnings)
        try:
            if chosen == "conda-lock":
                from bindermerge.lock import condalock_backend

                assert exe is not None
                lockfile = condalock_backend.solve(request, conda_exe=exe)
            else:
                from bindermerge.lock import rattler_backend

                lockfile = rattler_backend.solve(request)
        finally:
            request.close()
        lockfile = render.with_bindermerge_metadata(lockfile, input_hash=digest, backend=chosen)
        files = render.render_files(
            lockfile,
            workspace=work,
            name=spec.name,
            env_channels=channels,
            platforms=platforms,
            verbatim_pip=request.verbatim_pip,
            unlocked_text=unlocked,
        )
    return LockResult(
        files=files, backend=chosen, input_hash=digest, platforms=platforms, warnings=warnings
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
