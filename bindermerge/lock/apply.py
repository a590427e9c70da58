"""Turning a merge into a locked merge: the glue between the pipeline and the solvers.

repo2docker reads only environment.yml, so a locked output holds the pinned environment.yml,
conda-lock.yml, one conda-<platform>.lock per platform and environment.unlocked.yml (the merged
spec, to lock again). An existing lock whose stored input hash matches is reused as it is.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from bindermerge.errors import InputError
from bindermerge.model import MergeWarning, OutputFile
from bindermerge.sources.walk import lock_digest
from bindermerge.lock.hashing import stored_input_hash

if TYPE_CHECKING:
    from bindermerge.pipeline import MergeResult
    from bindermerge.lock import LockSpec

ENVIRONMENT = "environment.yml"
UNLOCKED = "environment.unlocked.yml"
LOCKFILE = "conda-lock.yml"


def spec_from_environment(text: str) -> LockSpec:
    """The :class:`LockSpec` of a merged environment.yml (the pipeline's own output)."""
    from ruamel.yaml import YAML

    from bindermerge.lock import LockSpec

    doc = YAML(typ="safe").load(text) or {}
    conda: list[str] = []
    pip: list[str] = []
    for dep in doc.get("dependencies") or []:
        if isinstance(dep, dict):
            pip.extend(str(x) for x in dep.get("pip") or [])
        else:
            conda.append(str(dep))
    return LockSpec(
        name=str(doc.get("name") or "binder"),
        channels=[str(c) for c in doc.get("channels") or []],
        conda_deps=conda,
        pip_deps=pip,
    )


class StaleLock(Exception):
    """Raised instead of solving when ``solve=False`` and the existing lock does not match."""


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
    merged spec (no solve, no solver import). ``lock_pip`` (``auto``, ``yes``, ``no``) says
    whether pip entries are pinned from the package index; ``auto`` pins them when the index
    answers and otherwise leaves them as merged, with a warning. With ``solve=False`` (``--check``) a missing
    or stale lock raises :class:`StaleLock` rather than solving. Raises :class:`InputError`
    when the merge has no environment.yml, and the :mod:`bindermerge.lock` errors when
    solving fails.
    """
    from bindermerge.lock import input_hash
    from bindermerge.lock import lock_environment

    env = result.file(ENVIRONMENT)
    if env is None:
        raise InputError(
            "--lock needs an environment.yml in the merged output (no source has one); "
            "add one to a source or drop --lock"
        )
    spec = spec_from_environment(env.content.decode("utf-8"))
    platforms = tuple(dict.fromkeys(platforms))
    warnings: list[MergeWarning] = []
    if not [c for c in spec.channels if c != "nodefaults"]:
        # repo2docker's .condarc lists conda-forge: what such a file is installed from.
        spec = dataclasses.replace(spec, channels=(*spec.channels, "conda-forge"))
        warnings.append(MergeWarning(
            "lock-default-channel",
            "the merged environment.yml names no channel: locked against conda-forge, the "
            "channel repo2docker's conda uses for it; add 'channels: [conda-forge]' to say so",
        ))
    pin_pip, index = _pin_pip(spec, lock_pip, warnings)
    wanted = input_hash(spec, platforms=platforms, backend=backend, lock_pip=pin_pip)  # type: ignore[arg-type]
    names = [ENVIRONMENT, LOCKFILE, *(f"conda-{p}.lock" for p in platforms)]
    reused = _reuse(out_dir, names, wanted)
    if reused is None and not solve:
        raise StaleLock(f"{out_dir / LOCKFILE} is missing or stale: the merged environment changed")
    if reused is None:
        with _poetry_index(index if pin_pip else None):
            locked = lock_environment(
                spec, platforms=platforms, backend=backend, lock_pip=pin_pip  # type: ignore[arg-type]
            )
        files = dict(locked.files)
        # The pinned file names its sources like every other generated file.
        first_line = env.content.split(b"\n", 1)[0] + b"\n"
        files[ENVIRONMENT] = first_line + files[ENVIRONMENT]
        warnings += [
            MergeWarning("lock", w) for w in locked.warnings if not w.startswith("pip entries are not locked")
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
        input_digest=lock_digest(result.input_digest, platforms, backend, lock_pip),
    )


def _pin_pip(spec: LockSpec, mode: str, warnings: list[MergeWarning]) -> tuple[bool, str]:
    """Whether to pin pip entries, and from which index; explains the choice in a warning."""
    from bindermerge.lock import LockError
    from bindermerge.lock.pypi import index_url, reachable

    index = index_url()
    if not spec.pip_deps:
        return False, index
    n = len(spec.pip_deps)
    if mode == "no":
        warnings.append(MergeWarning("lock-pip", f"pip entries left as merged, not pinned ({n}; --lock-pip no)"))
        return False, index
    if reachable(index):
        return True, index
    if mode == "yes":
        raise LockError(f"package index {index} cannot be reached, and --lock-pip yes asks to pin {n} pip entries")
    warnings.append(MergeWarning(
        "lock-pip", f"package index {index} cannot be reached: {n} pip entries left as merged, not pinned"))
    return False, index


class _poetry_index:
    """Point conda-lock's Poetry at the simple index for the duration of a solve."""

    def __init__(self, index: str | None):
        self.index = index
        self.saved: str | None = None

    def __enter__(self) -> None:
        import os

        from bindermerge.lock.pypi import POETRY_ENV

        self.saved = os.environ.get(POETRY_ENV)
        if self.index:
            os.environ[POETRY_ENV] = self.index

    def __exit__(self, *exc: object) -> None:
        import os

        from bindermerge.lock.pypi import POETRY_ENV

        if self.saved is None:
            os.environ.pop(POETRY_ENV, None)
        else:
            os.environ[POETRY_ENV] = self.saved


def _reuse(out_dir: Path, names: Sequence[str], wanted: str) -> dict[str, bytes] | None:
    """The lock files in ``out_dir`` when they are current and exactly as bindermerge wrote them.

    The stored input hash says the lock matches the merged spec; the manifest's sha256 of
    each file says nobody edited it since (a hand edit must not survive a re-lock).
    """
    import hashlib
    import json

    from bindermerge.output.write import MANIFEST

    try:
        current = (out_dir / LOCKFILE).read_text(encoding="utf-8")
        if stored_input_hash(current) != wanted:
            return None
        listed = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))["files"]
        files = {n: (out_dir / n).read_bytes() for n in names}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for name, data in files.items():
        entry = listed.get(name) if isinstance(listed, dict) else None
        if not isinstance(entry, dict) or entry.get("sha256") != hashlib.sha256(data).hexdigest():
            return None
    return files


def spec_name(spec: str) -> str:
    """The package a conda spec names (``conda-forge::numpy>=1`` -> ``numpy``)."""
    return re.split(r"[\s=<>!~\[#]", spec.split("::")[-1], maxsplit=1)[0]


def sources_of(env_text: str, specs: Sequence[str], explanation: str = "") -> list[str]:
    """Which sources asked for the packages a solver names, read from the ``# from`` comments.

    With the solver's ``explanation``, only the specs whose package it mentions count (when
    it mentions none, all of them do).
    """
    involved = [s for s in specs if spec_name(s) in explanation] if explanation else []
    found: list[str] = []
    for name in map(spec_name, involved or specs):
        for line in env_text.splitlines():
            item = line.strip()
            if not item.startswith("- ") or "# from " not in item:
                continue
            if spec_name(item[2:]) == name:
                for src in item.split("# from ", 1)[1].split(";")[0].split(","):
                    src = src.strip()
                    if src and src not in found:
                        found.append(src)
    return found
