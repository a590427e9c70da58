"""Turning a merge into a locked merge: the glue between the pipeline and the solvers.

repo2docker reads only environment.yml, so a locked output holds the pinned environment.yml,
conda-lock.yml, one conda-<platform>.lock per platform and environment.unlocked.yml (the merged
spec, to lock again). An existing lock whose stored input hash matches is reused as it is.

Everything the lock needs comes from the merge's values, not its rendered text: the
:class:`~bindermerge.kinds.environment.MergedEnvironment` in ``result.values["environment"]``
gives the channels, the conda specs, the pip block and its index options, and the origins of
each dependency, which name the sources behind an unsatisfiable lock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bindermerge.errors import InputError
from bindermerge.lock.errors import LockError, StaleLock, UnsatisfiableError
from bindermerge.lock.hashing import stored_input_hash
from bindermerge.model import MergeWarning, OutputFile

if TYPE_CHECKING:
    from bindermerge.kinds.environment import MergedEnvironment
    from bindermerge.lock import Backend, LockSpec
    from bindermerge.pipeline import MergeResult

__all__ = [
    "ENVIRONMENT",
    "LOCKFILE",
    "UNLOCKED",
    "StaleLock",
    "lock_result",
    "pip_indexes",
    "spec_from_merge",
    "unsatisfiable_sources",
]

ENVIRONMENT = "environment.yml"
UNLOCKED = "environment.unlocked.yml"
LOCKFILE = "conda-lock.yml"
# repo2docker's .condarc lists conda-forge: what an environment naming no channel installs from.
DEFAULT_CHANNEL = "conda-forge"


def merged_environment(result: MergeResult) -> MergedEnvironment:
    """The merged environment of ``result``; :class:`InputError` when the merge has none."""
    from bindermerge.kinds.environment import MergedEnvironment

    value = result.values.get("environment")
    if not isinstance(value, MergedEnvironment) or result.file(ENVIRONMENT) is None:
        raise InputError(
            "--lock needs an environment.yml in the merged output (no source has one); "
            "add one to a source or drop --lock"
        )
    return value


def spec_from_merge(result: MergeResult) -> LockSpec:
    """The :class:`~bindermerge.lock.LockSpec` of a merge, with each package's sources.

    The same specs the merged environment.yml lists, in its order: ``name`` (``binder`` when
    none), the channels, each conda dependency as written, and the pip block's lines (a
    ``-c`` line for its constraints file, the global options, the requirements).
    ``requested_by`` names, for each conda package, the sources that asked for it, in source
    order. Raises :class:`InputError` when the merge has no environment.
    """
    from bindermerge.lock import LockSpec

    env = merged_environment(result)
    order = {name: i for i, name in enumerate(result.sources)}
    requested_by = []
    for dep in env.dependencies:
        names = sorted(
            dict.fromkeys(o.source for o in dep.origins), key=lambda s: order.get(s, len(order))
        )
        if names:  # an entry bindermerge added itself has no source to blame
            requested_by.append((dep.name, tuple(names)))
    return LockSpec(
        name=env.name or "binder",
        channels=[name for name, _ in env.channels],
        conda_deps=[dep.text for dep in env.dependencies],
        pip_deps=_pip_lines(env),
        requested_by=requested_by,
        variables=[(key, value) for key, value, _origins in env.variables],
    )


def _pip_lines(env: MergedEnvironment) -> list[str]:
    """The ``pip:`` block's entries in the order the environment renderer writes them."""
    if env.pip is None:
        return []
    from bindermerge.specs.pip import render_lines

    constraints = [f"-c {env.constraints_file}"] if env.pip.constraints else []
    return constraints + render_lines(env.pip, with_sources=False)


def pip_indexes(env: MergedEnvironment) -> tuple[list[str], bool]:
    """``(indexes, no_index)``: the simple indexes repo2docker's pip would install the pip
    block from, the primary first, and whether the block says ``--no-index``.

    The block's own ``--index-url`` replaces the environment's default (``PIP_INDEX_URL``,
    Poetry's setting, else PyPI), as it does for pip; each ``--extra-index-url`` is added.
    """
    from bindermerge.lock.pypi import index_url

    primary: str | None = None
    extra: list[str] = []
    no_index = False
    for text, _origins in env.pip.options if env.pip is not None else ():
        # MergedPip keeps a global option as "<canonical name> <value>" (specs/pip.py).
        name, _, value = text.partition(" ")
        if name == "--index-url" and value:
            primary = value.strip()
        elif name == "--extra-index-url" and value:
            extra.append(value.strip())
        elif name == "--no-index":
            no_index = True
    urls = [(primary or index_url()).rstrip("/"), *(u.rstrip("/") for u in extra)]
    return list(dict.fromkeys(urls)), no_index


def lock_result(
    result: MergeResult,
    out_dir: Path,
    *,
    platforms: Sequence[str] = ("linux-64",),
    backend: str = "auto",
    lock_pip: str = "auto",
    solve: bool = True,
) -> MergeResult:
    """``result`` with environment.yml pinned and the lock files added.

    Reuses the lock files already in ``out_dir`` when their stored input hash matches the
    merged spec (no solve, no solver import, and the ``lock`` extra is not needed).
    ``lock_pip`` (``auto``, ``yes``, ``no``) says whether pip entries are pinned from the
    package index; ``auto`` pins them when the index answers and otherwise leaves them as
    merged, with a warning. With ``solve=False`` (``--check``) a missing or stale lock raises
    :class:`StaleLock` rather than solving.

    Raises :class:`InputError` when the merge has no environment.yml,
    :class:`~bindermerge.lock.errors.LockExtraMissingError` when a solve is needed and
    ``bindermerge[lock]`` is not installed, and the other :mod:`bindermerge.lock.errors`
    when solving fails; an :class:`UnsatisfiableError` carries ``sources`` (the sources that
    asked for the packages involved) and ``packages``.
    """
    import bindermerge.lock as lock
    from bindermerge.digest import lock_digest
    from bindermerge.options import MergeOptions

    env = result.file(ENVIRONMENT)
    spec = spec_from_merge(result)
    assert env is not None  # spec_from_merge refuses a merge without one
    chosen_backend = _backend(backend)
    platforms = tuple(dict.fromkeys(platforms))
    warnings: list[MergeWarning] = []
    if not [c for c in spec.channels if c != "nodefaults"]:
        spec = dataclasses.replace(spec, channels=(*spec.channels, DEFAULT_CHANNEL))
        message = (
            f"the merged environment.yml names no channel: locked against {DEFAULT_CHANNEL}, "
            f"the channel repo2docker's conda uses for it; add 'channels: [{DEFAULT_CHANNEL}]' "
            "to say so"
        )
        warnings.append(MergeWarning("lock-default-channel", message))
    indexes, no_index = pip_indexes(merged_environment(result))
    pin_pip = _pin_pip(spec, lock_pip, indexes, no_index, warnings)
    wanted = lock.input_hash(
        spec, platforms=platforms, backend=chosen_backend, lock_pip=pin_pip, pip_indexes=indexes
    )
    names = [ENVIRONMENT, LOCKFILE, *(f"conda-{p}.lock" for p in platforms)]
    reused = _reuse(out_dir, names, wanted)
    if reused is None and not solve:
        raise StaleLock(f"{out_dir / LOCKFILE} is missing or stale: the merged environment changed")
    if reused is None:
        # Looked up on the package at call time, so a test (or a caller) can replace it.
        locked = lock.lock_environment(
            spec, platforms=platforms, backend=chosen_backend, lock_pip=pin_pip, pip_indexes=indexes
        )
        files = dict(locked.files)
        # The pinned file names its sources like every other generated file.
        first_line = env.content.split(b"\n", 1)[0] + b"\n"
        files[ENVIRONMENT] = first_line + files[ENVIRONMENT]
        warnings += [
            MergeWarning("lock", w)
            for w in locked.warnings
            if not w.startswith("pip entries are not locked")  # _pin_pip explained it
        ]
    else:
        files = reused
    files[UNLOCKED] = env.content  # the merged spec, header and provenance included
    by_path = {f.path: f for f in result.files}
    for name, data in files.items():
        by_path[name] = OutputFile(name, data, 0o644)
    return dataclasses.replace(
        result,
        files=sorted(by_path.values(), key=lambda f: f.path),
        warnings=[*result.warnings, *warnings],
        # The same lock options, spelled by the options table, as the fast --check digests them.
        input_digest=lock_digest(
            result.input_digest,
            MergeOptions(
                lock=True, platforms=platforms, lock_backend=backend, lock_pip=lock_pip
            ).lock_items(),
        ),
    )


def unsatisfiable_sources(result: MergeResult, error: UnsatisfiableError) -> tuple[str, ...]:
    """The sources that asked for the packages behind ``error``, in source order.

    :func:`lock_result` already puts them on the error (``error.sources``); this computes
    them from ``result``'s provenance for an error raised without them (a direct
    :func:`~bindermerge.lock.lock_environment` call on a hand-made spec).
    """
    if error.sources:
        return error.sources
    return spec_from_merge(result).involved(error.explanation)[1]


def _backend(name: str) -> Backend:
    from bindermerge.lock import BACKENDS

    if name not in BACKENDS:
        raise LockError(f"unknown lock backend {name!r}: choose one of {', '.join(BACKENDS)}")
    return name


def _pin_pip(
    spec: LockSpec,
    mode: str,
    indexes: Sequence[str],
    no_index: bool,
    warnings: list[MergeWarning],
) -> bool:
    """Whether to pin pip entries from ``indexes``; explains the choice in a warning."""
    from bindermerge.lock.pypi import reachable, without_credentials

    if not spec.pip_deps:
        return False
    n = len(spec.pip_deps)
    if mode == "no":
        message = f"pip entries left as merged, not pinned ({n}; --lock-pip no)"
        warnings.append(MergeWarning("lock-pip", message))
        return False
    if no_index:
        if mode == "yes":
            raise LockError(
                f"--lock-pip yes asks to pin {n} pip entries, but the merged pip options say "
                "--no-index: there is no package index to pin them from"
            )
        message = (
            f"the merged pip options say --no-index: {n} pip entries left as merged, not pinned"
        )
        warnings.append(MergeWarning("lock-pip", message))
        return False
    index = indexes[0]
    if reachable(index):
        return True
    shown = without_credentials(index)
    if mode == "yes":
        raise LockError(
            f"package index {shown} cannot be reached, "
            f"and --lock-pip yes asks to pin {n} pip entries"
        )
    message = f"package index {shown} cannot be reached: {n} pip entries left as merged, not pinned"
    warnings.append(MergeWarning("lock-pip", message))
    return False


def _reuse(out_dir: Path, names: Sequence[str], wanted: str) -> dict[str, bytes] | None:
    """The lock files in ``out_dir`` when they are current and exactly as bindermerge wrote them.

    The stored input hash says the lock matches the merged spec; the manifest's sha256 of
    each file says nobody edited it since (a hand edit must not survive a re-lock).
    """
    from bindermerge.output.manifest import Manifest, ManifestError

    try:
        current = (out_dir / LOCKFILE).read_text(encoding="utf-8")
        if stored_input_hash(current) != wanted:
            return None
        manifest = Manifest.read(out_dir)
        files = {n: (out_dir / n).read_bytes() for n in names}
    except (OSError, ValueError, ManifestError):
        return None
    if manifest is None or not all(manifest.lists(n, data) for n, data in files.items()):
        return None
    return files
