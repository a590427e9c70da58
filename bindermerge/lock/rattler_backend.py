"""Solve in-process with py-rattler: the backend for machines without conda/mamba.

py-rattler reads the channels' repodata (``file://`` and ``https://`` alike), solves with
resolvo and returns repodata records; each record becomes a conda-lock ``LockedDependency``
the way conda-lock builds one from a conda dry run, so the files rendered afterwards do
not depend on the solver. Pip entries, when asked for, go through conda-lock's own PyPI
solver with the conda solution as input, exactly as ``conda-lock lock`` would do.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from bindermerge.lock.errors import ChannelUnreachableError, LockError, UnsatisfiableError
from bindermerge.lock.render import LockRequest, assemble_lockfile, locked_conda_dependency

if TYPE_CHECKING:
    from conda_lock.lockfile.v2prelim.models import LockedDependency, Lockfile
    from rattler import Gateway, RepoDataRecord

T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from synchronous code, even under a running event loop (Jupyter):
    ``asyncio.run`` refuses to nest, so then it runs in a worker thread's own loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


# conda's `defaults` is not a conda.anaconda.org channel (where rattler would look for it).
DEFAULTS = {
    "defaults": ["https://repo.anaconda.com/pkgs/main", "https://repo.anaconda.com/pkgs/r"],
}


def _culprit(channels: list[str], message: str) -> str:
    """The channel a gateway error is about: rattler names its URL in the message."""
    import rattler

    for name in channels:
        try:
            base = rattler.Channel(name).base_url.rstrip("/")
        except Exception:  # noqa: BLE001 - an unparsable channel is the culprit itself
            return name
        if base in message or name in message:
            return name
    return ", ".join(channels)


def _solve_platform(request: LockRequest, platform: str, gateway: Gateway) -> list[RepoDataRecord]:
    import rattler
    from rattler.exceptions import (
        FetchRepoDataError,
        GatewayError,
        InvalidChannelError,
        InvalidMatchSpecError,
        SolverError,
    )

    channels = [
        url
        for c in request.spec.channels
        for url in DEFAULTS.get(c.env_replaced_url(), [c.env_replaced_url()])
    ]
    try:
        # conda-lock writes exact versions as conda reads them (`numpy 1.26.4 py311h..._0`);
        # rattler's lenient parser reads them the same way, its strict one refuses them.
        specs = [rattler.MatchSpec(s) for s in request.solver_specs(platform)]
    except InvalidMatchSpecError as exc:
        raise LockError(f"invalid match spec: {exc}") from exc
    virtuals = [
        rattler.GenericVirtualPackage(
            rattler.PackageName(name), rattler.Version(version), rattler.BuildString(build)
        )
        for name, version, build in request.virtual_packages(platform)
    ]
    try:
        return _run(
            rattler.solve(
                [rattler.Channel(c) for c in channels],
                specs,
                gateway=gateway,
                platforms=[rattler.Subdir(platform), rattler.Subdir("noarch")],
                virtual_packages=virtuals,
                # conda-lock's `pip` must come from the specs, not be slipped in by the solver.
                add_pip_as_python_dependency=False,
            )
        )
    except SolverError as exc:
        raise UnsatisfiableError(platform, request.conda_specs, str(exc)) from exc
    except (GatewayError, FetchRepoDataError, InvalidChannelError) as exc:
        raise ChannelUnreachableError(_culprit(channels, str(exc)), str(exc)) from exc
    except InvalidMatchSpecError as exc:
        raise LockError(f"a conda spec cannot be read by the solver: {exc}") from exc


def _to_locked(record: RepoDataRecord, platform: str, request: LockRequest) -> LockedDependency:
    md5 = record.md5
    if md5 is None:
        # conda-lock requires an md5 for every conda package (explicit files carry it).
        raise LockError(f"{record.url}: the channel's repodata gives no md5 for this package")
    sha256 = record.sha256
    return locked_conda_dependency(
        name=record.name.normalized,
        version=str(record.version),
        url=record.url,
        md5=md5.hex(),
        sha256=sha256.hex() if sha256 else None,
        depends=record.depends,
        platform=platform,
        request=request,
    )


def _lock_pip(
    request: LockRequest, platform: str, conda: dict[str, LockedDependency]
) -> list[LockedDependency]:
    """Pin pip entries with conda-lock's PyPI solver, given the conda solution."""
    from conda_lock.pypi_solver import solve_pypi

    pip_specs = request.dependencies(platform, "pip")
    if not pip_specs:
        return []
    if "python" not in conda:
        raise LockError("pip entries cannot be locked: the conda solution has no python")
    repodata = request.virtual_repo.all_repodata.get(platform, {})
    try:
        solved = solve_pypi(
            pip_specs=pip_specs,
            use_latest=[],
            pip_locked={},
            conda_locked=conda,
            python_version=conda["python"].version,
            platform=platform,
            platform_virtual_packages=repodata.get("packages"),
            # The index comes in the spec (render.make_request), never through os.environ.
            pip_repositories=request.spec.pip_repositories,
            allow_pypi_requests=request.spec.allow_pypi_requests,
            # Pip URLs are written to files meant for version control: no credentials.
            strip_auth=True,
            mapping_url=request.workspace.mapping_url,
        )
    except Exception as exc:  # Poetry raises many unrelated types
        raise LockError(f"pip entries could not be locked for {platform}: {exc}") from exc
    return list(solved.values())


def solve(request: LockRequest) -> Lockfile:
    """Solve ``request`` for each of its platforms and return conda-lock's ``Lockfile``."""
    packages: dict[str, list[LockedDependency]] = {}
    try:
        _solve_into(request, packages)
    finally:
        # py-rattler 0.28 objects left for interpreter shutdown (held in reference cycles
        # through asyncio) race its tokio threads: in a bare solve-and-exit script 1 exit in
        # 8 ended in SIGSEGV/SIGABRT after all output was written (the pyo3-async-runtimes
        # shutdown race, its issue 40); collecting them here, while Python is whole, made it
        # 0 in 200. Only plain Python objects (LockedDependency) leave this module.
        gc.collect()
    return assemble_lockfile(request, packages)


def _solve_into(request: LockRequest, packages: dict[str, list[LockedDependency]]) -> None:
    import rattler

    # One gateway for every platform: repodata is read once. Its cache is rattler's default
    # (RATTLER_CACHE_DIR, else ~/.cache/rattler), shared with pixi and rattler-build.
    gateway = rattler.Gateway()
    for platform in request.platforms:
        records = _solve_platform(request, platform, gateway)
        conda = {
            locked.name: locked
            for locked in (_to_locked(r, platform, request) for r in records)
            # Virtual packages are never fetched (and conda-lock drops them from output).
            if not locked.name.startswith("__")
        }
        packages[platform] = [*conda.values(), *_lock_pip(request, platform, conda)]
