"""What the environment kind reads and writes: each source's fragment and the merged environment.

Fragments are frozen and remember where every piece came from; the merged environment is the
value other parts of bindermerge read (the locking code takes it from
``MergeResult.values["environment"]`` rather than re-parsing the rendered file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bindermerge.model import Origin
from bindermerge.specs import conda as conda_specs
from bindermerge.specs import pip

if TYPE_CHECKING:
    from bindermerge.render.yaml import YamlValue

NAME = "environment"
FILE = "environment.yml"
ALT_FILE = "environment.yaml"
CONSTRAINTS = "constraints.txt"
UNFOLDED_CONSTRAINTS = "pip-constraints.txt"  # when requirements.txt keeps constraints.txt


# --------------------------------------------------------------------------- fragments


@dataclass(frozen=True)
class Dependency:
    """One conda dependency of one source, with the comments written beside and above it."""

    spec: conda_specs.CondaSpec
    comment: str | None = None
    leading: tuple[str, ...] = ()


@dataclass(frozen=True)
class Note:
    """The comments of one pip line of an environment file, found by its origin."""

    origin: Origin
    comment: str | None
    leading: tuple[str, ...]


@dataclass(frozen=True)
class Carried:
    """A top-level key bindermerge does not merge (``platforms:``), carried as its value.

    ``value`` comes from ruamel's round-trip loader, so a list or mapping keeps the comments
    written inside it; ``comment`` is the one after a scalar value on the key's line.
    """

    key: str
    value: YamlValue = field(hash=False)  # compared, but a mapping or list has no hash
    origin: Origin
    comment: str | None = None


@dataclass(frozen=True)
class SourceFiles:
    """What repo2docker sees of one source built alone: the config files it looks for.

    ``files`` holds (name relative to the source's config directory, content) pairs; the
    content is kept only for the files whose content repo2docker's decisions depend on
    (:data:`bindermerge.repo2docker.facts.READ_CONTENT`), else None. ``in_binder_dir`` says
    whether they lie in a ``binder/`` (or ``.binder/``) directory or at the repository root.
    :mod:`.alone` asks the repo2docker table about them.
    """

    files: tuple[tuple[str, bytes | None], ...]
    in_binder_dir: bool

    def mapping(self) -> dict[str, bytes | None]:
        """The repository as :func:`bindermerge.repo2docker.explain.explain` takes it."""
        if not self.in_binder_dir:
            return dict(self.files)
        out: dict[str, bytes | None] = {"binder/": None}
        out.update({f"binder/{name}": content for name, content in self.files})
        return out


@dataclass(frozen=True)
class EnvFragment:
    """Everything one source's environment file asks for.

    ``ignored`` marks an ``environment.yaml`` that repo2docker skips because the same
    source has an ``environment.yml``; it is not parsed at all. ``alone`` is what repo2docker
    sees of the whole source (None when the file was parsed without its source, as in some
    tests: then the source counts as read the way the Python buildpack reads it).
    """

    origin: Origin
    name: tuple[str, Origin] | None = None
    channels: tuple[Origin, ...] = ()  # each Origin's text is the channel
    dependencies: tuple[Dependency, ...] = ()
    pip: tuple[pip.PipFragment, ...] = ()
    pip_blocks: tuple[Origin, ...] = ()
    notes: tuple[Note, ...] = ()
    variables: tuple[tuple[str, str, Origin], ...] = ()
    others: tuple[Carried, ...] = ()
    prefix: Origin | None = None
    ignored: bool = False
    alone: SourceFiles | None = None


# --------------------------------------------------------------------------- merged


@dataclass
class MergedDependency:
    """One output conda dependency: its text and every origin that asked for it."""

    name: str
    text: str
    origins: list[Origin]
    comments: list[str] = field(default_factory=list)
    leading: list[str] = field(default_factory=list)
    added: str | None = None  # why bindermerge added it, for entries no source wrote


@dataclass
class MergedEnvironment:
    """The merged environment file, ready to render.

    ``others`` holds the unknown top-level keys as (key, value) in output order, the values
    as ruamel loaded them (see :class:`Carried`); ``other_comments`` the end-of-line comment
    of a scalar one, by key.
    """

    name: str | None = None
    channels: list[tuple[str, list[Origin]]] = field(default_factory=list)
    dependencies: list[MergedDependency] = field(default_factory=list)
    pip: pip.MergedPip | None = None
    notes: dict[Origin, Note] = field(default_factory=dict)
    variables: list[tuple[str, str, list[Origin]]] = field(default_factory=list)
    others: list[tuple[str, YamlValue]] = field(default_factory=list)
    constraints_file: str = CONSTRAINTS
    other_comments: dict[str, str] = field(default_factory=dict)
    # runtime.txt to write beside it ("python-3.11"), when another kind's buildpack takes
    # the Python version from there only (see .buildpack); None: none.
    runtime: str | None = None
