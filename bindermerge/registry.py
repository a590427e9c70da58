"""Which kinds exist, which files each reads, and what each needs of the others.

:data:`ENTRIES` is the one list to touch when adding a kind. An entry names the kind's module
(imported only when a source has a file of that kind: a merge of apt.txt files never imports
rattler), the files it recognises, and the other kinds it ``consumes`` (takes over and renders
itself: environment.yml folds requirements.txt and runtime.txt) or only ``reads``. The
pipeline runs kinds in :func:`run_order`: a consumer before the kinds it consumes, otherwise
in the order of :data:`ENTRIES`; a cycle is refused. The fallback kind takes every file no
other kind recognised.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bindermerge.kinds import Kind
from bindermerge.repo2docker import constants as r2d

_PACKAGE = "bindermerge.kinds"


@dataclass(frozen=True)
class Entry:
    """One kind: its name (in reports and JSON), module, files and declared dependencies.

    ``files`` are exact paths relative to a binder directory; ``patterns`` regular expressions
    matched against the whole path. ``fallback`` marks the kind that takes what no other
    recognised.
    """

    name: str
    module: str
    files: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    consumes: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    fallback: bool = False
    _compiled: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", tuple(re.compile(p) for p in self.patterns))

    def recognises(self, relpath: str) -> bool:
        """True when this kind reads the file at ``relpath`` of a binder directory."""
        return (
            self.fallback
            or relpath in self.files
            or any(p.fullmatch(relpath) for p in self._compiled)
        )

    def load(self) -> Kind[object, object]:
        """The kind's :class:`Kind`, importing its module now."""
        module = importlib.import_module(f"{_PACKAGE}.{self.module}")
        kind = getattr(module, "KIND", None)
        if not isinstance(kind, Kind):
            raise TypeError(f"{module.__name__} defines no KIND")
        return kind


# bindermerge.scripts.placement.READS (not imported: the registry loads no kind's helpers).
_PLACEMENT_READS = (
    "postbuild", "start", "root_files", "auxiliary",
    "apt", "environment", "requirements", "requirements3", "runtime", "install_r",
    "julia_project",
)  # fmt: skip

ENTRIES: tuple[Entry, ...] = (
    # Files that make a source impossible to merge: parsing them raises.
    Entry("refused", "refused",
          files=(r2d.DOCKERFILE, r2d.DEFAULT_NIX, r2d.REQUIRE, r2d.PIPFILE, r2d.PIPFILE_LOCK)),
    Entry("apt", "apt", files=(r2d.APT_TXT,)),
    # Reads julia_project: the Julia buildpack takes its Python from runtime.txt only.
    Entry("environment", "environment", files=(r2d.ENVIRONMENT_YML, r2d.ENVIRONMENT_YAML),
          consumes=("requirements", "runtime"), reads=("julia_project",)),
    Entry("requirements", "requirements", files=(r2d.REQUIREMENTS_TXT,)),
    # Beside a legacy Python kernel repo2docker installs it into the notebook server's env.
    Entry("requirements3", "requirements3", files=(r2d.REQUIREMENTS3_TXT,)),
    # Reads requirements: a legacy Python sends them to a kernel environment of their own.
    Entry("runtime", "runtime", files=(r2d.RUNTIME_TXT,), reads=("requirements",)),
    # postbuild, root_files and auxiliary place every source's files where its scripts look
    # (scripts/placement.py): they read every kind that carries or merges a source's files.
    Entry("postbuild", "postbuild", files=(r2d.POSTBUILD,), reads=_PLACEMENT_READS),
    Entry("start", "start", files=(r2d.START,), reads=_PLACEMENT_READS),
    Entry("install_r", "install_r", files=(r2d.INSTALL_R,), reads=_PLACEMENT_READS),
    Entry("julia_project", "julia_project", files=(r2d.JULIA_PROJECT_TOML, r2d.PROJECT_TOML),
          patterns=(r2d.JULIA_MANIFEST_PATTERN,)),
    Entry("root_files", "root_files", files=r2d.ROOT_ONLY_FILES, reads=_PLACEMENT_READS),
    Entry("auxiliary", "auxiliary", fallback=True, reads=_PLACEMENT_READS),
)  # fmt: skip

BY_NAME: dict[str, Entry] = {e.name: e for e in ENTRIES}


class RegistryError(Exception):
    """The registry's declarations contradict themselves (a bug, not bad input)."""


def entry_for(relpath: str) -> Entry:
    """The kind that reads ``relpath``: the one entry that recognises it, else the fallback."""
    hits = [e for e in ENTRIES if not e.fallback and e.recognises(relpath)]
    if len(hits) > 1:
        raise RegistryError(f"{relpath} is recognised by {', '.join(e.name for e in hits)}")
    return hits[0] if hits else FALLBACK


def run_order(names: Iterable[str], entries: Sequence[Entry] = ENTRIES) -> list[Entry]:
    """The kinds called ``names`` in the order they must merge.

    A kind that consumes another runs before it (the consumed kind then renders nothing);
    otherwise the order of ``entries`` holds. Raises :class:`RegistryError` on a cycle.
    """
    wanted_names = set(names)
    wanted = [e for e in entries if e.name in wanted_names]
    placed: list[Entry] = []
    left = list(wanted)
    while left:
        ready = next(
            (e for e in left if not any(e.name in o.consumes for o in left if o is not e)), None
        )
        if ready is None:
            raise RegistryError("kinds consume each other: " + ", ".join(e.name for e in left))
        placed.append(ready)
        left.remove(ready)
    return placed


def check(entries: Sequence[Entry] = ENTRIES) -> None:
    """Refuse declarations that cannot work: unknown names, two fallbacks, a cycle."""
    names = {e.name for e in entries}
    for e in entries:
        for other in (*e.consumes, *e.reads):
            if other not in names:
                raise RegistryError(f"{e.name} declares unknown kind {other!r}")
    if sum(e.fallback for e in entries) != 1:
        raise RegistryError("exactly one kind must be the fallback")
    run_order(names, entries)


check()
FALLBACK: Entry = next(e for e in ENTRIES if e.fallback)
