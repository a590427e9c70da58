"""What one sandboxed run of a repository did: the values the equivalence tests compare."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    """A repository root laid out as repo2docker would see it, inside a sandbox folder.

    ``root`` is the repository root, which is also ``HOME`` (repo2docker's default
    ``REPO_DIR`` is the home directory). ``config`` maps each source's name to its
    configuration directory relative to ``root``: ``binder``, ``.binder`` or ``""`` (the root
    itself) for a source alone, ``binder/<folder>`` for a source of a merged build.
    ``root_layout`` names the sources that had no binder directory when alone. ``aliases``
    maps, for a merged build, each source's name to the copies of its files that bindermerge
    placed where its scripts look (``binder/seed.sql``: path relative to ``root``) and the file
    each one is (relative to the source's configuration directory, ``seed.sql``).
    """

    base: Path
    root: Path
    config: dict[str, str]
    merged: bool
    root_layout: frozenset[str] = frozenset()
    aliases: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def srv(self) -> Path:
        """``APP_BASE``: conda and npm live here."""
        return self.base / "srv"

    @property
    def stubs(self) -> Path:
        return self.base / "stubs"

    @property
    def logs(self) -> Path:
        return self.base / "log"


@dataclass(frozen=True)
class Command:
    """One call of a stubbed command.

    ``phase`` is ``build`` (repo2docker's installers), ``postBuild`` or ``start``; ``script``
    is the absolute path of the script that ran it (None when the harness did); ``exists``
    says for each argument whether it named an existing path when the command started (None:
    not a path-like argument); ``reads`` maps each file the command read (as given) to its text,
    None when it was missing.
    """

    phase: str
    name: str
    argv: tuple[str, ...]
    cwd: str
    script: str | None
    exists: tuple[bool | None, ...]
    reads: dict[str, str | None]
    status: int


@dataclass(frozen=True)
class Step:
    """One process the harness ran: what, its exit status (None: could not be executed)."""

    what: str
    status: int | None
    stdout: str
    stderr: str
    error: str | None = None


@dataclass(frozen=True)
class Probe:
    """What the container command received: arguments, working directory, environment."""

    argv: tuple[str, ...]
    cwd: str
    env: dict[str, str]


@dataclass
class Record:
    """Everything one run did (see :func:`helpers.sandbox.run`)."""

    layout: Layout
    buildpack: str | None
    python_version: str | None
    python_explicit: bool
    files_used: list[str] | None
    r2d_error: str | None
    base_env: dict[str, str]
    installs: list[Step] = field(default_factory=list)
    postbuild: Step | None = None
    start: Step | None = None
    commands: list[Command] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)
    created: dict[str, bytes] = field(default_factory=dict)  # absolute path -> content
    read: frozenset[str] | None = None  # absolute paths; None: atime not kept here
    build_failed: bool = False

    @property
    def probe(self) -> Probe | None:
        """The container command's record, when the start handed over to it."""
        return self.probes[0] if self.probes else None

    def stderr(self) -> str:
        """Everything the build steps, postBuild and start wrote on stderr."""
        steps = [*self.installs, self.postbuild, self.start]
        return "".join(s.stderr for s in steps if s is not None)
