"""The facts of a directory, as repo2docker would read them: what the table's conditions ask.

:func:`gather` takes a repository directory or a mapping of repository-relative paths to their
content and returns :class:`Facts`: the config directory, its files and the root's, and each
parsed file repo2docker's decisions depend on (runtime.txt, pyproject.toml, environment.yml,
Pipfile, Pipfile.lock), parsed once and only when a condition asks. :data:`CONDITION_HOLDS`
says when each :data:`~bindermerge.repo2docker.table.CONDITIONS` name holds;
:func:`buildpack_python` is where each buildpack's Python version comes from.

Files are parsed with the libraries repo2docker uses: ruamel.yaml, tomllib (tomli before
Python 3.11), packaging's ``Version`` and ``SpecifierSet``. They are imported inside the
functions that need them, so a merge whose output has none of those files imports none of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bindermerge.repo2docker.constants import (
    APT_TXT,
    BINDER_DIRS,
    DEFAULT_PYTHON,
    DOCKERFILE,
    ENVIRONMENT_FILES,
    LEGACY_KERNEL_BELOW,
    PIPFILE,
    PIPFILE_LOCK,
    PIPFILE_VERSION_RE,
    PYPROJECT_FALLBACK_PYTHONS,
    PYPROJECT_TOML,
    RUNTIME_TXT,
    SETUP_PY,
)
from bindermerge.repo2docker.python import first_python_pin, python_from_version
from bindermerge.repo2docker.runtime import InvalidRuntime, Runtime, parse_runtime

# Not typing.TYPE_CHECKING: importing typing costs the command line's fast path (as in __init__).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import TypeAlias

    FileContent: TypeAlias = "str | bytes | None"

# Files whose content the table's conditions and checks look at; of the others only the
# presence matters, so a directory is not read further than this.
READ_CONTENT = frozenset(
    {RUNTIME_TXT, *ENVIRONMENT_FILES, PYPROJECT_TOML, PIPFILE, PIPFILE_LOCK, APT_TXT}
)


class Unparsable(ValueError):
    """A file that decides which files are read cannot be parsed: nothing further is known.

    Raised during detection, repo2docker picks no buildpack; afterwards, the picked one fails.
    """


class InvalidToml(ValueError):
    """Text that is not TOML; the message is the TOML parser's."""


@dataclass
class Facts:
    """The directory as the table sees it.

    ``config`` and ``root`` map file names to their content (None: present, content unknown).
    Parsed files are cached; ``python_version``/``python_source``/``python`` are filled in by
    :func:`bindermerge.repo2docker.explain.explain` once the picked buildpack's Python is known,
    and ``buildpack`` once it is picked. ``notes`` collects facts worth telling.
    """

    binder_dir: str
    config: dict[str, FileContent]
    root: dict[str, FileContent]
    both_binder_dirs: bool = False
    buildpack: str = ""
    python_version: str | None = None  # the version string the build uses; None: the default
    python_source: str | None = None
    python: tuple[int, ...] | None = None  # (X, Y) of the Python built, once known
    notes: list[str] = field(default_factory=list)
    _runtime: Runtime | None = field(default=None, repr=False)
    _runtime_error: str | None = field(default=None, repr=False)
    _runtime_unknown: bool = field(default=False, repr=False)
    _parsed: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def cfg(self) -> str:
        """The config directory as a path prefix: ``"binder/"``, ``".binder/"`` or ``""``."""
        return self.binder_dir + "/" if self.binder_dir else ""

    def __post_init__(self) -> None:
        """Parse runtime.txt at once (cheap, and every explanation needs it).

        A parse error is kept: it is raised (as :class:`Unparsable`) by :attr:`runtime` when
        a condition asks, which is when repo2docker would fail on it.
        """
        if RUNTIME_TXT not in self.config:
            return
        text = text_of(self.config[RUNTIME_TXT])
        if text is None:
            self._runtime_unknown = True
            self.notes.append(f"{self.cfg}{RUNTIME_TXT}: content unknown, assumed to name python")
            return
        try:
            self._runtime = parse_runtime(text)
        except InvalidRuntime as e:
            self._runtime_error = f"{self.cfg}{RUNTIME_TXT}: {e}"

    @property
    def runtime(self) -> Runtime | None:
        """runtime.txt, parsed; None when absent or its content is unknown."""
        if self._runtime_error is not None:
            raise Unparsable(self._runtime_error)
        return self._runtime

    def runtime_if_parsed(self) -> Runtime | None:
        """runtime.txt, parsed; None when absent, unknown or invalid (never raises)."""
        return self._runtime

    @property
    def runtime_unknown(self) -> bool:
        """runtime.txt is present but its content is not known (taken to name python)."""
        return self._runtime_unknown

    def runtime_names_other(self) -> bool:
        """runtime.txt names a language other than python (then Python is not looked for)."""
        rt = self.runtime
        return rt is not None and rt.name != "python"

    def pyproject(self) -> dict[str, object] | None:
        """The root pyproject.toml, parsed; None when absent, unknown, or there is a binder dir.

        Raises :class:`Unparsable` when it is not TOML (repo2docker's tomllib.load fails).
        """
        if self.binder_dir or PYPROJECT_TOML not in self.root:
            return None
        value = self._parse_once(
            "pyproject",
            self.root[PYPROJECT_TOML],
            load_toml,
            InvalidToml,
            lambda e: Unparsable(f"{PYPROJECT_TOML}: invalid TOML: {e}"),
        )
        return value if isinstance(value, dict) else None

    def is_root_package(self) -> bool | None:
        """PythonBuildPack._is_python_package; None when pyproject.toml's content is unknown."""
        if self.binder_dir:
            return False
        if SETUP_PY in self.root:
            return True  # repo2docker does not open pyproject.toml then
        if PYPROJECT_TOML not in self.root:
            return False
        data = self.pyproject()
        return None if data is None else is_python_package(data)

    def environment_file(self) -> str | None:
        """The environment file repo2docker reads (environment.yml wins), if any."""
        return next((n for n in ENVIRONMENT_FILES if n in self.config), None)

    def environment_dependencies(self) -> list[object] | None:
        """The dependencies of :meth:`environment_file` as repo2docker iterates them.

        None when there is no environment file or its content is unknown; raises ValueError
        when repo2docker cannot load it.
        """
        name = self.environment_file()
        if name is None:
            return None
        value = self._parse_once(
            "environment",
            self.config[name],
            environment_dependencies,
            ValueError,
            lambda e: ValueError(f"{self.cfg}{name}: {e}"),
        )
        return value if isinstance(value, list) else None

    def _parse_once(
        self,
        key: str,
        content: FileContent,
        load: Callable[[str], object],
        fails: type[Exception],
        error: Callable[[Exception], Exception],
    ) -> object:
        """``load`` the file's text the first time it is asked for, and keep the result.

        None when the content is unknown; a failure is kept too (as ``error`` of it) and
        raised again at every later ask, as repo2docker fails at every read.
        """
        if key not in self._parsed:
            text = text_of(content)
            try:
                self._parsed[key] = None if text is None else load(text)
            except fails as e:
                self._parsed[key] = error(e)
        value = self._parsed[key]
        if isinstance(value, Exception):
            raise value
        return value


def text_of(content: FileContent) -> str | None:
    """File content as text (undecodable bytes replaced); None stays None (unknown)."""
    if content is None or isinstance(content, str):
        return content
    return content.decode("utf-8", errors="replace")


# --- parsing, with the libraries repo2docker uses -------------------------------------------------


def load_toml(text: str) -> dict[str, object]:
    """Parse TOML with tomllib (tomli before Python 3.11); raise :class:`InvalidToml`."""
    from bindermerge.toml_reading import loads

    try:
        return loads(text)
    except ValueError as e:  # tomllib.TOMLDecodeError
        raise InvalidToml(str(e)) from None


def is_python_package(pyproject: Mapping[str, object]) -> bool:
    """Whether a parsed pyproject.toml makes repo2docker ``pip install .`` the repository."""
    return "project" in pyproject and "build-system" in pyproject


def requires_python(pyproject: Mapping[str, object]) -> tuple[bool, object]:
    """``(declared, value)`` of ``[project] requires-python``; the value is not checked here."""
    project = pyproject.get("project")
    if isinstance(project, dict) and "requires-python" in project:
        return True, project["requires-python"]
    return False, None


def environment_dependencies(text: str) -> list[object]:
    """The ``dependencies`` of an environment.yml, as CondaBuildPack iterates them.

    Loaded with ruamel.yaml's safe loader, which gives repo2docker's round-trip loader's
    result for any document without explicit tags; a document with tags is loaded with the
    round-trip loader itself (it turns a tagged string into a non-string, which repo2docker
    then skips). A mapping's dependencies are its keys and a string's its characters, as a
    ``for`` loop sees them. Raises ValueError where repo2docker's loading fails: invalid YAML,
    a document that is not a mapping, dependencies that cannot be iterated (``dependencies:``
    with nothing after it is null).
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    safe = YAML(typ="safe")
    try:
        if "!" in text and _has_tags(safe, text):
            data = YAML().load(text)
        else:
            data = safe.load(text)
    except YAMLError as e:
        raise ValueError(f"not valid YAML: {e}") from None
    if data is None:
        return []
    if not isinstance(data, dict):
        raise ValueError(f"should contain a mapping, not a {type(data).__name__}")
    deps = data.get("dependencies", [])
    try:
        return list(deps)
    except TypeError:
        raise ValueError(f"dependencies must be a list, not {deps!r}") from None


def _has_tags(yaml: object, text: str) -> bool:
    """Whether any node carries an explicit tag (``!foo x``, ``!!str x``); "!" alone, as in
    ``numpy !=1.2``, is no tag."""
    events = yaml.parse(text)  # type: ignore[attr-defined]
    return any(getattr(event, "tag", None) is not None for event in events)


# --- where each buildpack's Python version comes from ---------------------------------------------


def buildpack_python(python_from: str, facts: Facts) -> tuple[str | None, str | None]:
    """The Python version the buildpack builds and the file it comes from; None: the default.

    ``python_from`` is a table row's ``python_from``. Raises ValueError where repo2docker's
    ``python_version`` fails, :class:`Unparsable` when runtime.txt or pyproject.toml is not
    parsable.
    """
    return _PYTHON_FROM[python_from](facts)


def _conda_python(facts: Facts) -> tuple[str | None, str | None]:
    """CondaBuildPack.python_version without the default."""
    name = facts.environment_file()
    if name is None:
        return None, None
    deps = facts.environment_dependencies()
    if deps is None:
        facts.notes.append(f"{facts.cfg}{name}: content unknown, its python pin could not be read")
        return None, None
    pin = first_python_pin(deps)
    if not pin:
        return None, None
    try:
        return python_from_version(pin), facts.cfg + name
    except ValueError as e:
        raise ValueError(f"{facts.cfg}{name}: {e}") from None


def _pipfile_python(facts: Facts) -> tuple[str | None, str | None]:
    """PipfileBuildPack.python_version: Pipfile.lock's _meta.requires, then Pipfile's [requires]."""
    sources: list[object] = []
    if PIPFILE_LOCK in facts.config:
        text = text_of(facts.config[PIPFILE_LOCK])
        if text is not None:
            import json  # only Pipfile.lock needs it

            try:
                lock = json.loads(text)
            except ValueError as e:
                raise ValueError(f"{PIPFILE_LOCK} is not valid JSON: {e}") from None
            meta = lock.get("_meta", {}) if isinstance(lock, dict) else {}
            sources.append(meta.get("requires", {}) if isinstance(meta, dict) else {})
    if PIPFILE in facts.config:
        text = text_of(facts.config[PIPFILE])
        try:
            data = load_toml(text) if text is not None else {}
        except InvalidToml as e:
            raise ValueError(f"{PIPFILE}: invalid TOML: {e}") from None
        sources.append(data.get("requires", {}))
    for requires in sources:
        if not isinstance(requires, dict):
            continue
        for key in ("python_full_version", "python_version"):
            m = PIPFILE_VERSION_RE.match(str(requires.get(key) or ""))
            if m:
                try:
                    version = python_from_version(m.group())
                except ValueError as e:
                    raise ValueError(f"{PIPFILE}: {e}") from None
                source = PIPFILE_LOCK if PIPFILE_LOCK in facts.config else PIPFILE
                return version, facts.cfg + source
    return None, None


def _python_family_python(facts: Facts) -> tuple[str | None, str | None]:
    """PythonBuildPack.python_version: runtime.txt, then pyproject.toml's requires-python."""
    if facts.runtime_names_other():
        return None, None  # repo2docker returns its default before looking at pyproject.toml
    rt_path = facts.cfg + RUNTIME_TXT
    rt = facts.runtime
    version, source, explicit = None, None, False
    if rt is not None and rt.version is not None:
        from packaging.version import InvalidVersion, Version

        try:
            release = Version(rt.version).release
        except InvalidVersion:
            raise ValueError(f"{rt_path}: invalid Python version {rt.version!r}") from None
        # python-3 counts as repo2docker's default (pyproject.toml may replace it); python-3.11
        # is the user's decision, which pyproject.toml may only reject
        explicit = len(release) > 1
        try:
            version = rt.version if explicit else python_from_version(rt.version)
        except ValueError as e:
            raise ValueError(f"{rt_path}: {e}") from None
        source = rt_path  # not cut to X.Y: python-3.12.1 fails in repo2docker
    data = facts.pyproject()
    declared, spec = requires_python(data) if data is not None else (False, None)
    if declared:
        fallbacks = _fallbacks_if_rejected(spec, version or DEFAULT_PYTHON)
        if fallbacks is not None:
            if explicit:
                raise ValueError("runtime.txt version not supported by pyproject.toml")
            if not fallbacks:
                raise ValueError(
                    "repo2docker does not support a Python version compatible with pyproject.toml"
                )
            version, source = fallbacks[-1], PYPROJECT_TOML  # the newest, as repo2docker
    return version, source


def _fallbacks_if_rejected(spec: object, version: str) -> list[str] | None:
    """None when requires-python allows ``version``; else the fallback versions it allows.

    Raises ValueError when it is not a PEP 440 specifier (repo2docker's SpecifierSet fails).
    """
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    if not isinstance(spec, str):
        raise ValueError(f"{PYPROJECT_TOML}: requires-python must be a string, not {spec!r}")
    try:
        specifier = SpecifierSet(spec)
    except InvalidSpecifier as e:
        raise ValueError(f"{PYPROJECT_TOML}: requires-python: {e}") from None
    if Version(version) in specifier:
        return None
    return list(specifier.filter(PYPROJECT_FALLBACK_PYTHONS))


_PYTHON_FROM: Mapping[str, Callable[[Facts], tuple[str | None, str | None]]] = {
    "environment.yml": _conda_python,
    "Pipfile": _pipfile_python,
    "runtime.txt": _python_family_python,
}


def python_x_y(version: str) -> tuple[int, ...] | None:
    """``(X, Y)`` of a version made of numbers, None otherwise (repo2docker rejects those)."""
    parts = version.split(".")[:2]
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


# --- the table's conditions -----------------------------------------------------------------------


def _pyproject_read(f: Facts) -> bool:
    if f.binder_dir or PYPROJECT_TOML not in f.root:
        return False
    if f.is_root_package() is not False:
        return True
    if f.runtime_names_other():
        return False
    data = f.pyproject()
    return data is not None and requires_python(data)[0]


# condition name (table.CONDITIONS) -> whether it holds. A condition that needs an unparsable
# runtime.txt or pyproject.toml raises Unparsable, as repo2docker fails where it reads them.
CONDITION_HOLDS: Mapping[str, Callable[[Facts], bool]] = {
    "always": lambda f: True,
    "no-binder-dir": lambda f: not f.binder_dir,
    "runtime-r-dated": lambda f: f.runtime is not None and f.runtime.picks_r,
    "runtime-r": lambda f: f.runtime is not None and f.runtime.name == "r",
    "runtime-python": lambda f: (
        f.runtime_unknown or (f.runtime is not None and f.runtime.name == "python")
    ),
    "runtime-other": Facts.runtime_names_other,
    "root-package": lambda f: f.is_root_package() is True,
    "legacy-python": lambda f: f.python is not None and f.python < LEGACY_KERNEL_BELOW,
    "no-pipfile-lock": lambda f: PIPFILE_LOCK not in f.config,
    "pyproject-read": _pyproject_read,
}


def holds(condition: str, facts: Facts) -> bool:
    """Whether a table condition holds: a :data:`CONDITION_HOLDS` name, ``file:NAME`` (in the
    config directory) or ``root:NAME`` (at the root, and there is no binder directory)."""
    kind, _, name = condition.partition(":")
    if kind == "file":
        return name in facts.config
    if kind == "root":
        return not facts.binder_dir and name in facts.root
    return CONDITION_HOLDS[condition](facts)


# --- gathering ------------------------------------------------------------------------------------


def gather(files: Mapping[str, FileContent] | str | os.PathLike[str]) -> Facts:
    """The facts of a repository directory, or of a mapping of repository-relative paths to
    content (see :func:`bindermerge.repo2docker.explain.explain` for the mapping's form)."""
    if isinstance(files, (str, os.PathLike)):
        return _from_dir(Path(files))
    return _from_mapping(files)


def _from_mapping(files: Mapping[str, FileContent]) -> Facts:
    root: dict[str, FileContent] = {}
    subdirs: dict[str, dict[str, FileContent]] = {d: {} for d in BINDER_DIRS}
    present_dirs: set[str] = set()
    for key, content in files.items():
        rel = key.replace("\\", "/").removeprefix("./")
        top, sep, rest = rel.partition("/")
        if sep:
            present_dirs.add(top)
            if top in subdirs and rest and "/" not in rest:
                subdirs[top][rest] = content
        else:
            root[rel] = content
    return _facts(root, {d: subdirs[d] for d in BINDER_DIRS if d in present_dirs})


def _from_dir(repo: Path) -> Facts:
    def listing(d: Path, read_dockerfile: bool = False) -> dict[str, FileContent]:
        out: dict[str, FileContent] = {}
        for entry in sorted(d.iterdir()):
            if entry.is_file():
                # LegacyBinderDockerBuildPack reads the root Dockerfile whatever the layout
                wanted = entry.name in READ_CONTENT or (
                    read_dockerfile and entry.name == DOCKERFILE
                )
                out[entry.name] = entry.read_bytes() if wanted else None
        return out

    if not repo.is_dir():
        raise NotADirectoryError(str(repo))
    dirs = {d: listing(repo / d) for d in BINDER_DIRS if (repo / d).is_dir()}
    return _facts(listing(repo, read_dockerfile=True), dirs)


def _facts(root: dict[str, FileContent], dirs: Mapping[str, dict[str, FileContent]]) -> Facts:
    bdir = next((d for d in BINDER_DIRS if d in dirs), "")  # .binder/ wins over binder/
    return Facts(
        binder_dir=bdir,
        config=dict(dirs[bdir]) if bdir else dict(root),
        root=root,
        both_binder_dirs=len(dirs) == 2,
    )
