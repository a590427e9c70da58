"""Everything conda-lock-shaped: the solve request, the lock model and the rendered files.

Both backends meet here. A :class:`LockRequest` carries conda-lock's own
``LockSpecification`` and default virtual packages, so the two solvers see the same specs,
the same ``__glibc``/``__cuda``/... and produce the same content hash. Whatever solved it,
the result is a conda-lock ``Lockfile`` model which this module renders with conda-lock's
writer and renderers into ``conda-lock.yml`` and ``conda-<platform>.lock``, plus the two
files repo2docker-facing users need: the pinned ``environment.yml`` and the unpinned
``environment.unlocked.yml``.

conda-lock names used here are internals of conda-lock 4.0.x (see the pin in
pyproject.toml); they are imported in this module and the two backends only.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bindermerge.lock.errors import LockError
from bindermerge.lock.hashing import BACKEND_KEY, HASH_KEY

if TYPE_CHECKING:
    from conda_lock.lockfile.v2prelim.models import LockedDependency, Lockfile
    from conda_lock.models.lock_spec import Dependency, LockSpecification
    from conda_lock.virtual_package import FakeRepoData

ENVIRONMENT_YML = "environment.yml"
UNLOCKED_YML = "environment.unlocked.yml"
CONDA_LOCK_YML = "conda-lock.yml"
# repo2docker builds linux-64 images: the pinned environment.yml is rendered for it when it
# is among the locked platforms (else for the first platform asked for).
R2D_PLATFORM = "linux-64"


def explicit_name(platform: str) -> str:
    """``conda-<platform>.lock``, conda-lock's default name for an explicit file."""
    return f"conda-{platform}.lock"


@dataclass(frozen=True)
class Workspace:
    """A private temporary folder for one lock: conda-lock reads and writes real files."""

    root: Path

    @classmethod
    def create(cls, root: Path) -> Workspace:
        """Prepare ``root``: an empty PyPI->conda name map so conda-lock never fetches its
        default map from GitHub (unreachable here, and slow everywhere)."""
        root.mkdir(parents=True, exist_ok=True)
        (root / "pypi-to-conda.json").write_text("{}\n", encoding="utf-8")
        return cls(root)

    @property
    def mapping_url(self) -> str:
        return str(self.root / "pypi-to-conda.json")

    @property
    def unlocked_path(self) -> Path:
        return self.root / UNLOCKED_YML

    @property
    def lock_path(self) -> Path:
        return self.root / CONDA_LOCK_YML


@dataclass
class LockRequest:
    """What to solve, in conda-lock's terms, shared by both backends.

    ``spec`` is conda-lock's ``LockSpecification`` (one dependency list per platform),
    ``virtual_repo`` conda-lock's default virtual packages (a small on-disk channel, which
    :meth:`close` removes). ``verbatim_pip`` are pip entries copied unpinned into the
    pinned ``environment.yml`` (all of them unless pip locking was asked for).
    """

    spec: LockSpecification
    conda_specs: tuple[str, ...]
    platforms: tuple[str, ...]
    virtual_repo: FakeRepoData
    workspace: Workspace
    verbatim_pip: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)

    def dependencies(self, platform: str, manager: str) -> dict[str, Dependency]:
        """The requested dependencies of one manager (``conda``/``pip``) by name."""
        return {d.name: d for d in self.spec.dependencies[platform] if d.manager == manager}

    def solver_specs(self, platform: str) -> list[str]:
        """Match specs exactly as conda-lock passes them to conda (``python 3.11.*``)."""
        from conda_lock.conda_solver import _to_match_spec
        from conda_lock.models.lock_spec import VersionedDependency

        return [
            _to_match_spec(d.name, d.version, d.build, d.conda_channel)
            for d in self.dependencies(platform, "conda").values()
            if isinstance(d, VersionedDependency)
        ]

    def virtual_packages(self, platform: str) -> list[tuple[str, str, str]]:
        """(name, version, build) of the virtual packages conda-lock declares for
        ``platform``: the same set the conda-lock backend gives conda via its fake channel
        and ``CONDA_OVERRIDE_*``; for duplicates (``__osx``) the highest version wins, as in
        conda-lock's ``conda_virtual_package_overrides``."""
        from conda_lock.interfaces.vendored_conda import VersionOrder

        chosen: dict[str, tuple[str, str, str]] = {}
        for package, subdirs in self.virtual_repo.packages_by_subdir.items():
            if platform not in subdirs:
                continue
            current = chosen.get(package.name)
            if current is None or VersionOrder(package.version) > VersionOrder(current[1]):
                chosen[package.name] = (package.name, package.version, package.build)
        return [chosen[name] for name in sorted(chosen)]

    def close(self) -> None:
        """Remove the virtual-package channel now rather than at interpreter exit."""
        shutil.rmtree(self.virtual_repo.base_path, ignore_errors=True)


def make_request(
    *,
    conda_deps: Sequence[str],
    pip_deps: Sequence[str],
    lock_pip: bool,
    channels: Sequence[str],
    platforms: Sequence[str],
    workspace: Workspace,
    pip_repositories: Sequence[str] = (),
    allow_pypi_requests: bool = False,
) -> LockRequest:
    """Parse the merged specs with conda-lock's own parsers into a :class:`LockRequest`.

    Pip entries are only handed to the solver when ``lock_pip``; entries in pip-only syntax
    (``-e .``, ``-r file``, URLs, VCS) cannot be pinned and stay verbatim, with a warning.
    ``pip_repositories`` are the simple indexes Poetry pins them from, given to it in the
    ``LockSpecification`` (the only way to tell it an index without the process environment);
    ``allow_pypi_requests`` adds Poetry's default PyPI repository besides them.
    """
    from conda_lock.models.lock_spec import LockSpecification, VersionedDependency
    from conda_lock.models.pip_repository import PipRepository
    from conda_lock.src_parser.conda_common import conda_spec_to_versioned_dep
    from conda_lock.src_parser.markers import evaluate_marker
    from conda_lock.src_parser.pyproject_toml import parse_python_requirement
    from conda_lock.virtual_package import default_virtual_package_repodata

    conda: list[Dependency] = []
    for text in conda_deps:
        try:
            conda.append(conda_spec_to_versioned_dep(text, "main"))
        except RuntimeError as exc:
            raise LockError(f"{text!r} is not a conda match spec: {exc.__cause__ or exc}") from exc

    warnings: list[str] = []
    pip: list[Dependency] = []
    verbatim: list[str] = []
    for text in pip_deps if lock_pip else ():
        parsed: Dependency | None = None
        if not text.lstrip().startswith("-"):
            try:
                parsed = parse_python_requirement(
                    text, manager="pip", category="main", mapping_url=workspace.mapping_url
                )
            except Exception:  # noqa: BLE001 - any parse failure means "keep the line as is"
                parsed = None
        if isinstance(parsed, VersionedDependency):
            pip.append(parsed)
        else:
            verbatim.append(text)
            warnings.append(f"pip entry {text!r} cannot be pinned; kept as written")
    if not lock_pip:
        verbatim = list(pip_deps)

    spec = LockSpecification(
        dependencies={
            # Markers (`; sys_platform == "win32"`) are decided per platform, as conda-lock does.
            platform: conda + [d for d in pip if evaluate_marker(d.markers, platform)]
            for platform in platforms
        },
        channels=list(channels),
        sources=[workspace.unlocked_path],
        # Only when pinning: the repositories enter conda-lock's content hash, which must not
        # change for a lock without pip entries.
        pip_repositories=[PipRepository.from_string(u) for u in pip_repositories if lock_pip],
        allow_pypi_requests=lock_pip and allow_pypi_requests,
    )
    return LockRequest(
        spec=spec,
        conda_specs=tuple(conda_deps),
        platforms=tuple(platforms),
        virtual_repo=default_virtual_package_repodata(),
        workspace=workspace,
        verbatim_pip=tuple(verbatim),
        warnings=warnings,
    )


def locked_conda_dependency(
    *,
    name: str,
    version: str,
    url: str,
    md5: str,
    sha256: str | None,
    depends: Iterable[str],
    platform: str,
    request: LockRequest,
) -> LockedDependency:
    """A conda ``LockedDependency`` built exactly as conda-lock's ``solve_conda`` builds one
    from a conda FETCH action: dependencies merged per name into version specs, and the
    URL normalised with the channel's credential placeholders."""
    from conda_lock.interfaces.vendored_conda import MatchSpec
    from conda_lock.lockfile.v2prelim.models import HashModel, LockedDependency
    from conda_lock.models.channel import normalize_url_with_placeholders

    by_name: dict[str, list[MatchSpec]] = {}
    for dep in depends:
        matchspec = MatchSpec(dep)  # pyright: ignore[reportCallIssue]
        by_name.setdefault(matchspec.name, []).append(matchspec)
    dependencies: dict[str, str] = {}
    for dep_name, specs in by_name.items():
        merged = specs[0] if len(specs) == 1 else MatchSpec.merge(specs)[0]
        dependencies[dep_name] = merged.version.spec_str if merged.version is not None else ""
    return LockedDependency(
        name=name,
        version=version,
        manager="conda",
        platform=platform,
        dependencies=dependencies,
        url=normalize_url_with_placeholders(url, channels=request.spec.channels),
        hash=HashModel(md5=md5, sha256=sha256),
    )


def assemble_lockfile(
    request: LockRequest, packages: dict[str, list[LockedDependency]]
) -> Lockfile:
    """A ``Lockfile`` from per-platform solutions, with categories and metadata filled in as
    ``create_lockfile_from_spec`` does (``main`` for everything requested, transitively)."""
    from conda_lock.content_hash import compute_content_hashes
    from conda_lock.lockfile import apply_categories
    from conda_lock.lockfile.v2prelim.models import Lockfile, LockMeta

    locked: list[LockedDependency] = []
    for platform in request.platforms:
        solved = packages.get(platform, [])
        # conda-lock's pip solver already categorises what it returns; conda solutions are
        # categorised here, as conda-lock's solve_conda does after a conda dry run.
        planned = {p.name: p for p in solved if p.manager == "conda"}
        apply_categories(
            requested=request.dependencies(platform, "conda"),
            planned=planned,
            mapping_url=request.workspace.mapping_url,
        )
        locked.extend(solved)
    return Lockfile(
        package=locked,
        metadata=LockMeta(
            content_hash=compute_content_hashes(request.spec, request.virtual_repo),
            channels=list(request.spec.channels),
            platforms=list(request.platforms),
            sources=[UNLOCKED_YML],
        ),
    )


def with_bindermerge_metadata(lockfile: Lockfile, *, input_hash: str, backend: str) -> Lockfile:
    """A copy of ``lockfile`` whose ``custom_metadata`` records our input hash and backend,
    and whose sources name ``environment.unlocked.yml`` relative to the lock."""
    custom = dict(lockfile.metadata.custom_metadata or {})
    custom[HASH_KEY] = input_hash
    custom[BACKEND_KEY] = backend
    metadata = lockfile.metadata.model_copy(
        update={"custom_metadata": custom, "sources": [UNLOCKED_YML]}
    )
    return lockfile.model_copy(update={"metadata": metadata}, deep=True)


def _yaml_text(
    document: Mapping[str, object],
    header: Sequence[str] = (),
    variables: Sequence[Sequence[str]] = (),
) -> str:
    """Block-style YAML with conda's usual layout (``  - item`` under a key), written by the
    merge's own portable dumper (:mod:`bindermerge.render.yaml`): a variable's value reads
    back as the same text in YAML 1.1 and 1.2 readers alike."""
    from bindermerge.render import yaml

    def node(value: object) -> yaml.YamlValue:
        if isinstance(value, Mapping):
            return yaml.mapping((str(k), node(v)) for k, v in value.items())
        if isinstance(value, list):
            return yaml.sequence(node(v) for v in value)
        assert isinstance(value, str)  # names, channels and specs
        return value

    doc = yaml.mapping((key, node(value)) for key, value in document.items())
    if variables:
        doc["variables"] = yaml.mapping((str(k), str(v)) for k, v in variables)
    out = io.StringIO()
    for line in header:
        out.write(f"# {yaml.comment_text(line)}\n" if line else "#\n")
    out.write(yaml.dumps(doc))
    return out.getvalue()


def unlocked_environment_yaml(
    *,
    name: str,
    channels: Sequence[str],
    conda_deps: Sequence[str],
    pip_deps: Sequence[str],
    variables: Sequence[Sequence[str]] = (),
) -> str:
    """The merged, unpinned environment: ``environment.unlocked.yml``.

    It is a plain conda environment file, so ``conda-lock -f environment.unlocked.yml``
    (the command conda-lock prints in ``conda-lock.yml``) can lock it again.
    """
    dependencies: list[object] = list(conda_deps)
    if pip_deps:
        dependencies.append({"pip": list(pip_deps)})
    document = {"name": name, "channels": list(channels), "dependencies": dependencies}
    return _yaml_text(
        document,
        header=[
            "The merged environment before locking, written by bindermerge --lock.",
            "environment.yml is this file solved and pinned; edit the sources, not these files.",
        ],
        variables=variables,
    )


def _conda_pins(lockfile: Lockfile, platform: str) -> list[str]:
    """``name=version=build`` lines from conda-lock's env renderer, python first.

    repo2docker takes its Python version from the first dependency matching
    ``python\\s*=+\\s*([\\d.]*)`` (with ``re.match``); ``python=3.11.9=h..._cpython``
    matches and gives 3.11. Putting it first keeps that true whatever sorts before it.
    """
    from conda_lock.conda_lock import render_lockfile_for_platform
    from ruamel.yaml import YAML

    lines = render_lockfile_for_platform(
        lockfile=lockfile.model_copy(deep=True),
        include_dev_dependencies=True,
        extras=None,
        kind="env",
        platform=platform,
    )
    # Read the renderer's YAML rather than slicing its lines: robust to layout changes.
    rendered = YAML(typ="safe").load("\n".join(lines)) or {}
    pins = [d for d in rendered.get("dependencies", []) if isinstance(d, str)]
    return sorted(pins, key=lambda pin: pin.split("=", 1)[0] != "python")


def _pip_pins(lockfile: Lockfile, platform: str) -> list[str]:
    pins = []
    for p in sorted(lockfile.package, key=lambda p: p.name):
        if p.manager == "pip" and p.platform == platform:
            pins.append(f"{p.name} @ {p.source.url}" if p.source else f"{p.name}=={p.version}")
    return pins


def pinned_environment_yaml(
    lockfile: Lockfile,
    *,
    name: str,
    channels: Sequence[str],
    platform: str,
    verbatim_pip: Sequence[str],
    variables: Sequence[Sequence[str]] = (),
) -> str:
    """The pinned ``environment.yml`` repo2docker installs with ``mamba env update``."""
    dependencies: list[object] = list(_conda_pins(lockfile, platform))
    pip = _pip_pins(lockfile, platform) + list(verbatim_pip)
    if pip:
        dependencies.append({"pip": pip})
    custom = lockfile.metadata.custom_metadata or {}
    document = {"name": name, "channels": list(channels), "dependencies": dependencies}
    return _yaml_text(
        document,
        header=[
            f"Pinned by bindermerge --lock for {platform} "
            f"(solver: {custom.get(BACKEND_KEY, 'unknown')}).",
            f"Source: {UNLOCKED_YML}; full lock: {CONDA_LOCK_YML}. Do not edit by hand.",
            f"input_hash: {custom.get(HASH_KEY, '')}",
        ],
        variables=variables,
    )


def explicit_text(lockfile: Lockfile, platform: str) -> str:
    """``conda-<platform>.lock``: conda-lock's ``@EXPLICIT`` rendering (URL#md5 per line)."""
    from conda_lock.conda_lock import render_lockfile_for_platform

    lines = render_lockfile_for_platform(
        lockfile=lockfile.model_copy(deep=True),
        include_dev_dependencies=True,
        extras=None,
        kind="explicit",
        platform=platform,
        # Pip lines in an explicit file are read by conda-lock/micromamba only; the unified
        # conda-lock.yml is the portable record, so conda-lock's warning is noise here.
        suppress_warning_for_pip_and_explicit=True,
    )
    return "\n".join(lines) + "\n"


def conda_lock_yml_text(lockfile: Lockfile, workspace: Workspace) -> str:
    """``conda-lock.yml`` exactly as ``conda-lock lock`` writes it (help text included)."""
    from conda_lock.lockfile import write_conda_lock_file

    write_conda_lock_file(
        lockfile.model_copy(deep=True), workspace.lock_path, metadata_choices=None
    )
    return workspace.lock_path.read_text(encoding="utf-8")


def render_files(
    lockfile: Lockfile,
    *,
    workspace: Workspace,
    name: str,
    env_channels: Sequence[str],
    platforms: Sequence[str],
    verbatim_pip: Sequence[str],
    unlocked_text: str,
    variables: Sequence[Sequence[str]] = (),
) -> dict[str, bytes]:
    """All output files, by name relative to the binder directory."""
    env_platform = R2D_PLATFORM if R2D_PLATFORM in platforms else platforms[0]
    texts = {
        ENVIRONMENT_YML: pinned_environment_yaml(
            lockfile,
            name=name,
            channels=env_channels,
            platform=env_platform,
            verbatim_pip=verbatim_pip,
            variables=variables,
        ),
        CONDA_LOCK_YML: conda_lock_yml_text(lockfile, workspace),
        UNLOCKED_YML: unlocked_text,
    }
    for platform in platforms:
        texts[explicit_name(platform)] = explicit_text(lockfile, platform)
    return {path: text.encode("utf-8") for path, text in texts.items()}
