"""Which files repo2docker reads, and which it ignores, in one table.

repo2docker spreads this knowledge over an ordered list in ``app.py`` and an inheritance chain
(``CondaBuildPack`` -> ``PythonBuildPack`` -> ``RBuildPack``/``Julia*``) whose ``detect()`` and
``get_*`` overrides decide what is read. Here it is written down once, as data:

* :data:`BUILDPACKS` -- repo2docker's detection order; each row says what picks it
  (``picked_when``, ``unless``) and which files it then reads (``reads``, each with a
  condition and a purpose);
* :data:`EVERY_BUILDPACK_READS` -- ``apt.txt``, ``postBuild``, ``start`` and the build-context
  ignore files, read by every buildpack except Dockerfile;
* :data:`IGNORED_BECAUSE` -- the reason shown for a present file that is not read;
* :data:`CONDITIONS` -- the words the table is written in.

:func:`explain` applies the table to a directory or to an in-memory mapping of files.
``tests/test_repo2docker_rules.py`` checks it against the real repo2docker on many generated
directories. Facts are those of repo2docker :data:`REPO2DOCKER_VERSION` on ``linux/amd64``.

Standard library only: the command line imports this for ``bindermerge explain`` and for the
merge's "this output file would be ignored" warning.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

# Not typing.TYPE_CHECKING: importing typing costs the command line's fast path (as in __init__).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Literal, TypeAlias

    FileContent: TypeAlias = "str | bytes | None"
    Where: TypeAlias = Literal["config", "root"]

try:  # Python >= 3.11; without it TOML files count as "content unknown"
    import tomllib as _tomllib
except ImportError:  # pragma: no cover - exercised only on Python 3.10
    _tomllib = None  # type: ignore[assignment]

from bindermerge.repo2docker.constants import (
    REPO2DOCKER_VERSION,
    BINDER_DIRS,
    DEFAULT_PYTHON,
    MAJOR_PYTHONS,
    SUPPORTED_PYTHONS,
    LEGACY_KERNEL_BELOW,
    PYPROJECT_FALLBACK_PYTHONS,
    RSPM_CUTOFF_DATE,
    R_VERSIONS,
    PYTHON_PIN_RE,
    CONFIG_FILES,
    ROOT_ONLY_FILES,
    UNRECOGNISED,
)

# --- the table ---------------------------------------------------------------------------------

# Each condition is a name the table uses, with the sentence shown to people.
# "file:NAME" (NAME is in the config directory) and "root:NAME" (NAME is at the root and there
# is no binder directory) are also conditions.
CONDITIONS: Mapping[str, str] = {
    "always": "always",
    "no-binder-dir": "there is no binder directory",
    "runtime-r-dated": "runtime.txt is r-YYYY-MM-DD or r-X.Y-YYYY-MM-DD",
    "runtime-r": "runtime.txt names r",
    "runtime-python": "runtime.txt names python",
    "runtime-other": "runtime.txt names a language other than python",
    "root-package": "the root is a Python package (setup.py, or pyproject.toml with [project] "
    "and [build-system]) and there is no binder directory",
    "legacy-python": "the Python version is below 3.7 (separate kernel environment)",
    "pyproject-read": "there is no binder directory and pip install . runs (the root is a package) "
    "or pyproject.toml declares requires-python, consulted unless runtime.txt names another language",
}


@dataclass(frozen=True)
class Read:
    """A file a buildpack reads: ``names`` are alternatives, the first present one is read.

    ``where`` is ``"config"`` (the binder directory, or the root without one) or ``"root"``
    (the repository root whatever the layout); ``when`` is a :data:`CONDITIONS` name.
    """

    names: tuple[str, ...]
    purpose: str
    when: str = "always"
    where: Where = "config"


@dataclass(frozen=True)
class BuildpackRule:
    """One repo2docker buildpack: what picks it and which files it reads once picked.

    It is picked when any ``picked_when`` condition holds and no ``unless`` condition does.
    ``python_from`` names where its Python version comes from (None: it has no conda Python).
    ``fails`` is the error its ``build()`` always raises, if any.
    """

    name: str
    picked_when: tuple[str, ...]
    reads: tuple[Read, ...]
    unless: tuple[str, ...] = ()
    every_buildpack_reads: bool = True
    python_from: Literal["environment.yml", "runtime.txt", "Pipfile"] | None = None
    fails: str | None = None


# Every buildpack except Dockerfile (BaseImage in repo2docker/buildpacks/base.py). The ignore
# files are read by BuildPack.build() through binder_path(), so binder/.dockerignore, not the root's.
EVERY_BUILDPACK_READS: tuple[Read, ...] = (
    Read(("apt.txt",), "apt-get install, as root, before the repository is copied"),
    Read(("postBuild",), "run last, as the notebook user, from the repository root"),
    Read(("start",), 'run at every container start; must end in exec "$@"'),
    Read((".dockerignore",), "paths left out of the build context"),
    Read((".containerignore",), "paths left out of the build context"),
)

# PythonBuildPack and its subclasses (R, Julia). They are CondaBuildPack subclasses, so they
# install environment.yml too -- but take the Python version from runtime.txt, not from it.
# (PythonBuildPack itself never sees an environment.yml: CondaBuildPack is detected first.)
PYTHON_FAMILY_READS: tuple[Read, ...] = (
    Read(
        ("environment.yml", "environment.yaml"),
        "mamba env update into the notebook environment; its python pin is NOT used "
        "(the Python version comes from runtime.txt)",
    ),
    Read(("requirements.txt",), "pip install -r into the kernel environment"),
    Read(
        ("requirements3.txt",),
        "pip install -r into the notebook server environment (legacy Python kernel)",
        when="legacy-python",
    ),
    Read(("runtime.txt",), "Python version", when="runtime-python"),
    Read(
        ("setup.py",),
        "pip install . (the repository is a Python package)",
        when="no-binder-dir",
        where="root",
    ),
    Read(
        ("pyproject.toml",),
        "pip install . when it is a package; requires-python replaces a Python version it rejects",
        when="pyproject-read",
        where="root",
    ),
)

BUILDPACKS: tuple[BuildpackRule, ...] = (
    BuildpackRule(
        "DockerBuildPack",
        picked_when=("file:Dockerfile",),
        reads=(
            Read(("Dockerfile",), "built as it is; repo2docker adds nothing"),
            # docker buildx reads the build context's (the root's) ignore file, not binder/'s
            Read(
                (".dockerignore",),
                "read by the container engine from the build context root",
                where="root",
            ),
        ),
        every_buildpack_reads=False,
    ),
    BuildpackRule(
        "JuliaProjectTomlBuildPack",
        picked_when=("file:JuliaProject.toml", "file:Project.toml"),
        reads=(
            Read(
                ("JuliaProject.toml", "Project.toml"),
                "Julia project: [compat] julia picks the Julia version; Pkg.instantiate()",
            ),
            *PYTHON_FAMILY_READS,
        ),
        python_from="runtime.txt",
    ),
    BuildpackRule(
        "JuliaRequireBuildPack",
        picked_when=("file:REQUIRE",),
        reads=(Read(("REQUIRE",), "detected, but the build always fails"), *PYTHON_FAMILY_READS),
        python_from="runtime.txt",
        fails="Julia REQUIRE no longer supported due to removed infrastructure. Use Project.toml.",
    ),
    BuildpackRule(
        "NixBuildPack",
        picked_when=("file:default.nix",),
        # start is run by nix-shell-wrapper inside nix-shell, not named in the Dockerfile
        reads=(Read(("default.nix",), "nix-shell"),),
    ),
    BuildpackRule(
        "RBuildPack",
        # A dated runtime.txt picks R even when the date is before RSPM_CUTOFF_DATE (then it fails).
        picked_when=("runtime-r-dated", "root:DESCRIPTION"),
        reads=(
            Read(("runtime.txt",), "R version and package snapshot date", when="runtime-r"),
            Read(
                ("install.R",),
                "Rscript, before the repository is copied (again after, if that failed)",
            ),
            Read(("DESCRIPTION",), "remotes::install_local()", when="no-binder-dir", where="root"),
            *PYTHON_FAMILY_READS,
        ),
        python_from="runtime.txt",
    ),
    BuildpackRule(
        "CondaBuildPack",
        picked_when=("file:environment.yml", "file:environment.yaml"),
        reads=(
            Read(
                ("environment.yml", "environment.yaml"),
                "mamba env update into the notebook environment; its python pin chooses the Python version",
            ),
        ),
        python_from="environment.yml",
    ),
    BuildpackRule(
        "PipfileBuildPack",
        picked_when=("file:Pipfile", "file:Pipfile.lock"),
        unless=("runtime-other",),
        reads=(
            Read(
                ("Pipfile.lock",),
                "pipenv install --ignore-pipfile --system --dev, run in the config directory",
            ),
            Read(
                ("Pipfile",),
                "pipenv install --skip-lock when there is no Pipfile.lock; [requires] python_version",
            ),
            Read(
                ("requirements3.txt",),
                "pip install -r into the notebook server environment (legacy Python kernel)",
                when="legacy-python",
            ),
        ),
        python_from="Pipfile",
    ),
    BuildpackRule(
        "PythonBuildPack",
        # runtime.txt naming another language stops detection; the default is Python anyway.
        picked_when=("runtime-python", "root-package", "file:requirements.txt"),
        unless=("runtime-other",),
        reads=PYTHON_FAMILY_READS,
        python_from="runtime.txt",
    ),
)
# Repo2Docker.default_buildpack: used when no row is picked.
DEFAULT_BUILDPACK = "PythonBuildPack"

# Why a present file is not read: (file name, buildpack) -> reason; "*" matches any buildpack.
# Placeholders: {bp} picked buildpack, {lang} runtime.txt's language, {dir} config directory.
# fmt: off
IGNORED_BECAUSE: Mapping[tuple[str, str], str] = {
    ("*", "DockerBuildPack"): "a Dockerfile is built as it is: repo2docker reads no other file",
    ("requirements.txt", "CondaBuildPack"):
        "CondaBuildPack does not pip-install requirements.txt: put these packages under 'pip:' "
        "in environment.yml",
    ("requirements.txt", "PipfileBuildPack"): "PipfileBuildPack installs only Pipfile/Pipfile.lock",
    ("requirements.txt", "*"): "{bp} does not install requirements.txt",
    ("requirements3.txt", "*"):
        "requirements3.txt is installed only next to a legacy Python kernel (< 3.7)",
    ("runtime.txt", "CondaBuildPack"):
        "CondaBuildPack takes the Python version from environment.yml only (runtime.txt must "
        "still be valid: RBuildPack.detect() parses it first)",
    ("runtime.txt", "PipfileBuildPack"):
        "PipfileBuildPack takes the Python version from Pipfile.lock/Pipfile only",
    ("runtime.txt", "NixBuildPack"): "NixBuildPack does not read runtime.txt",
    ("runtime.txt", "*"):
        "runtime.txt names '{lang}', which {bp} does not use "
        "(R needs a date: r-YYYY-MM-DD or r-X.Y-YYYY-MM-DD)",
    ("install.R", "*"):
        "install.R runs only with RBuildPack, picked by a dated runtime.txt (r-YYYY-MM-DD) or, "
        "without a binder directory, a root DESCRIPTION",
    ("Pipfile", "PythonBuildPack"): "runtime.txt names '{lang}', so PipfileBuildPack is not picked",
    ("Pipfile.lock", "PythonBuildPack"):
        "runtime.txt names '{lang}', so PipfileBuildPack is not picked",
    ("Pipfile", "*"): "{bp} is picked before PipfileBuildPack and does not read Pipfiles",
    ("Pipfile.lock", "*"): "{bp} is picked before PipfileBuildPack and does not read Pipfiles",
    ("environment.yml", "*"): "{bp} does not use environment.yml",
    ("environment.yaml", "*"): "{bp} does not use environment.yaml",
    ("REQUIRE", "*"): "Project.toml/JuliaProject.toml wins over the obsolete REQUIRE",
    ("default.nix", "*"): "{bp} is picked before NixBuildPack",
    ("pyproject.toml", "*"):
        "pyproject.toml is not a package ([project] and [build-system]) and its requires-python, "
        "if any, is not consulted",
    ("DESCRIPTION", "*"): "{bp} is picked before RBuildPack",
    ("setup.py", "*"): "{bp} does not install the repository as a Python package",
    (".dockerignore", "*"): "{bp} does not read this ignore file",
    ("*", "*"): "{bp} does not read {name}",
}
# fmt: on

# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """What repo2docker will do with a directory.

    ``buildpack`` is repo2docker's class name ("" when it fails before picking one);
    ``binder_dir`` is "binder", ".binder" or "" (the root); ``used`` and ``ignored`` hold
    repository-relative paths, ``used_for`` says why each used file is read; ``python_version``
    is the X.Y the files ask for (None: repo2docker's default, :data:`DEFAULT_PYTHON`, or no
    conda Python at all) and ``python_source`` the file it comes from; ``error`` is the failure
    repo2docker will report, if any; ``notes`` are facts worth knowing that are not failures.
    """

    buildpack: str
    binder_dir: str
    used: tuple[str, ...]
    ignored: tuple[tuple[str, str], ...]
    error: str | None = None
    python_version: str | None = None
    python_source: str | None = None
    picked_because: str = ""
    used_for: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """A JSON-serialisable dict (``bindermerge explain --json``)."""
        return {
            "repo2docker_version": REPO2DOCKER_VERSION,
            "buildpack": self.buildpack,
            "picked_because": self.picked_because,
            "binder_dir": self.binder_dir,
            "python_version": self.python_version,
            "python_source": self.python_source,
            "used": [{"path": p, "purpose": why} for p, why in self.used_for],
            "ignored": [{"path": p, "reason": why} for p, why in self.ignored],
            "error": self.error,
            "notes": list(self.notes),
        }

    def render_text(self) -> str:
        """A readable multi-line report, as printed by ``bindermerge explain DIR``."""
        lines = []
        if self.buildpack:
            lines.append(
                f"repo2docker {REPO2DOCKER_VERSION} picks {self.buildpack}: {self.picked_because}"
            )
        lines.append(
            f"config directory: {self.binder_dir + '/' if self.binder_dir else '(repository root)'}"
        )
        if self.python_version:
            lines.append(f"python: {self.python_version} (from {self.python_source})")
        elif self.buildpack not in ("", "DockerBuildPack", "NixBuildPack"):
            lines.append(f"python: repo2docker's default ({DEFAULT_PYTHON}); nothing pins it")
        width = max([len(p) for p, _ in self.used_for + self.ignored] + [8])
        if self.used_for:
            lines.append("used:")
            lines += [f"  {p:<{width}}  {why}" for p, why in self.used_for]
        if self.ignored:
            lines.append("ignored:")
            lines += [f"  {p:<{width}}  {why}" for p, why in self.ignored]
        lines += [f"note: {n}" for n in self.notes]
        if self.error:
            lines.append(f"error: {self.error}")
        return "\n".join(lines) + "\n"


# --- applying the table ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Runtime:
    name: str
    version: str | None
    date: datetime.date | None


@dataclass
class _Facts:
    """The directory as the table sees it; filled in step by step by :func:`_explain`."""

    binder_dir: str
    config: dict[str, FileContent]  # name -> content, in the config directory
    root: dict[str, FileContent]  # name -> content, at the repository root
    both_binder_dirs: bool = False
    runtime: _Runtime | None = None
    runtime_unknown: bool = False
    pyproject: dict[str, object] | None = None
    pyproject_error: str | None = None
    python: tuple[int, ...] | None = None  # the X.Y the build will use, once known
    notes: list[str] = field(default_factory=list)


def _text(content: FileContent) -> str | None:
    if content is None or isinstance(content, str):
        return content
    return content.decode("utf-8", errors="replace")


def _parse_runtime(text: str) -> _Runtime:
    """BaseImage.runtime: name-version, name-YYYY-MM-DD or name-version-YYYY-MM-DD."""
    raw = text.strip()
    parts = raw.split("-")
    if len(parts) not in (2, 4, 5) or not all(parts):
        raise ValueError(f"Invalid runtime.txt: {raw}")
    version = parts[1] if len(parts) in (2, 5) else None
    date = None
    if len(parts) in (4, 5):
        iso = "-".join(parts[-3:])
        if not re.match(r"\d\d\d\d-\d\d-\d\d", iso):
            raise ValueError(f"Invalid runtime.txt date: {iso}")
        date = datetime.date.fromisoformat(iso)
    return _Runtime(parts[0], version, date)


def _load_toml(content: FileContent) -> dict[str, object] | None:
    """Parsed TOML; None when unknown (no content, or no tomllib). Raises ValueError if invalid."""
    text = _text(content)
    if text is None or _tomllib is None:
        return None
    try:
        return _tomllib.loads(text)
    except _tomllib.TOMLDecodeError as e:
        raise ValueError(f"invalid TOML: {e}") from None


def _pyproject(facts: _Facts) -> dict[str, object] | None:
    """The root pyproject.toml, parsed once; None when unknown or invalid (see pyproject_error)."""
    if facts.pyproject is None and facts.pyproject_error is None and "pyproject.toml" in facts.root:
        try:
            facts.pyproject = _load_toml(facts.root["pyproject.toml"])
        except ValueError as e:
            facts.pyproject_error = f"pyproject.toml: {e}"
    return facts.pyproject


def _is_root_package(facts: _Facts) -> bool | None:
    """PythonBuildPack._is_python_package; None when pyproject.toml's content is unknown."""
    if facts.binder_dir:
        return False
    if "setup.py" in facts.root:
        return True
    if "pyproject.toml" not in facts.root:
        return False
    data = _pyproject(facts)
    if data is None:
        return None
    return "project" in data and "build-system" in data


def _requires_python(facts: _Facts) -> str | None:
    if facts.binder_dir or "pyproject.toml" not in facts.root:
        return None
    data = _pyproject(facts) or {}
    project = data.get("project")
    spec = project.get("requires-python") if isinstance(project, dict) else None
    return spec if isinstance(spec, str) else None


def _runtime_names_other(facts: _Facts) -> bool:
    return facts.runtime is not None and facts.runtime.name != "python"


_PREDICATES: Mapping[str, Callable[[_Facts], bool]] = {
    "always": lambda f: True,
    "no-binder-dir": lambda f: not f.binder_dir,
    "runtime-r-dated": lambda f: (
        f.runtime is not None and f.runtime.name == "r" and f.runtime.date is not None
    ),
    "runtime-r": lambda f: f.runtime is not None and f.runtime.name == "r",
    "runtime-python": lambda f: (
        f.runtime_unknown or (f.runtime is not None and f.runtime.name == "python")
    ),
    "runtime-other": _runtime_names_other,
    "root-package": lambda f: _is_root_package(f) is True,
    "legacy-python": lambda f: f.python is not None and f.python < LEGACY_KERNEL_BELOW,
    "pyproject-read": lambda f: (
        not f.binder_dir
        and "pyproject.toml" in f.root
        and (
            _is_root_package(f) is not False
            or (not _runtime_names_other(f) and _requires_python(f) is not None)
        )
    ),
}


def _holds(condition: str, facts: _Facts) -> bool:
    kind, _, name = condition.partition(":")
    if kind == "file":
        return name in facts.config
    if kind == "root":
        return not facts.binder_dir and name in facts.root
    return _PREDICATES[condition](facts)


def _describe(condition: str, facts: _Facts) -> str:
    kind, _, name = condition.partition(":")
    if kind in ("file", "root"):
        path = f"{facts.binder_dir}/{name}" if kind == "file" and facts.binder_dir else name
        return f"{path} exists" + (" (and there is no binder directory)" if kind == "root" else "")
    return CONDITIONS[condition]


def _pick(facts: _Facts) -> tuple[BuildpackRule, str]:
    for rule in BUILDPACKS:
        if any(_holds(c, facts) for c in rule.unless):
            continue  # checked first, as detect() does: then the other files are not even read
        hit = next((c for c in rule.picked_when if _holds(c, facts)), None)
        if hit is not None:
            return rule, _describe(hit, facts)
    rule = next(r for r in BUILDPACKS if r.name == DEFAULT_BUILDPACK)
    return rule, "no buildpack matched; repo2docker's default"


def _x_y(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".")[:2])


def _python_from_pin(pin: str, where: str) -> str:
    """The X.Y a version string stands for, as CondaBuildPack/PipfileBuildPack cut it."""
    parts = pin.split(".")
    if len(parts) == 1:
        if pin not in MAJOR_PYTHONS:
            raise ValueError(f"{where}: Python {pin} is not supported")
        return MAJOR_PYTHONS[pin]
    return ".".join(parts[:2])


def _conda_dependencies(text: str) -> list[str | None]:
    """Top-level entries of an environment.yml's ``dependencies`` (None for a non-string entry).

    A small reader for the two shapes environment files use (block and flow sequence), enough
    to find the python pin without a YAML library; the YAML itself is checked elsewhere.
    """
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^dependencies\s*:\s*(.*)$", line)
        if not m:
            continue
        rest = _strip_comment(m.group(1))
        if rest.startswith("["):
            flow = rest
            j = i + 1
            while "]" not in flow and j < len(lines):
                flow += " " + _strip_comment(lines[j])
                j += 1
            return [_yaml_scalar(x) for x in flow.strip()[1:].split("]")[0].split(",") if x.strip()]
        items: list[str | None] = []
        indent = None
        for item_line in lines[i + 1 :]:
            if not item_line.strip() or item_line.lstrip().startswith("#"):
                continue
            depth = len(item_line) - len(item_line.lstrip(" "))
            if indent is None:
                if not item_line.lstrip().startswith("-"):
                    return []
                indent = depth
            if depth < indent or (depth == indent and not item_line.lstrip().startswith("-")):
                break
            if depth > indent:
                continue  # inside a nested entry (the pip: list)
            items.append(_yaml_scalar(_strip_comment(item_line.lstrip()[1:])))
        return items
    return []


def _strip_comment(s: str) -> str:
    return re.sub(r"(^|\s)#.*$", "", s).strip()


def _yaml_scalar(s: str) -> str | None:
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1]
    if re.match(r"^[^'\"]*:(\s|$)", s) or s.startswith(("{", "[")):
        return None  # a mapping such as "pip:" or a nested list
    if re.fullmatch(r"[-+]?[\d.]+", s):
        return None  # a YAML number is not a string dependency
    return s


def _conda_python(content: FileContent) -> str | None | Literal[False]:
    """CondaBuildPack.python_version without the default: X.Y, None (no pin), False (unknown)."""
    text = _text(content)
    if text is None:
        return False
    for dep in _conda_dependencies(text):
        m = PYTHON_PIN_RE.match(dep) if dep is not None else None
        if m:
            return _python_from_pin(m.group(1), "environment.yml") if m.group(1) else None
    return None


def _pipfile_python(facts: _Facts) -> str | None:
    """PipfileBuildPack.python_version: Pipfile.lock's _meta.requires, then Pipfile's [requires]."""
    sources: list[object] = []
    if "Pipfile.lock" in facts.config:
        text = _text(facts.config["Pipfile.lock"])
        if text is not None:
            import json  # only Pipfile.lock needs it

            try:
                lock = json.loads(text)
            except ValueError as e:
                raise ValueError(f"Pipfile.lock is not valid JSON: {e}") from None
            meta = lock.get("_meta", {}) if isinstance(lock, dict) else {}
            sources.append(meta.get("requires", {}) if isinstance(meta, dict) else {})
    if "Pipfile" in facts.config:
        try:
            data = _load_toml(facts.config["Pipfile"])
        except ValueError as e:
            raise ValueError(f"Pipfile: {e}") from None
        sources.append((data or {}).get("requires", {}))
    for requires in sources:
        if not isinstance(requires, dict):
            continue
        for key in ("python_full_version", "python_version"):
            m = re.match(r"\d+(\.\d+)*", str(requires.get(key) or ""))
            if m:
                return _python_from_pin(m.group(), "Pipfile")
    return None


def _python_family_python(facts: _Facts, rt_path: str) -> tuple[str | None, str | None]:
    """PythonBuildPack.python_version: runtime.txt, then pyproject.toml's requires-python."""
    rt = facts.runtime
    if _runtime_names_other(facts):
        return None, None  # repo2docker returns its default before looking at pyproject.toml
    version, source, explicit = None, None, False
    if rt is not None and rt.version is not None:
        if not re.fullmatch(r"\d+(\.\d+)*", rt.version):
            raise ValueError(f"{rt_path}: invalid Python version {rt.version!r}")
        # python-3 counts as repo2docker's default (pyproject.toml may replace it); python-3.11
        # is the user's decision, which pyproject.toml may only reject
        explicit = "." in rt.version
        version = rt.version if explicit else _python_from_pin(rt.version, rt_path)
        source = rt_path  # not cut to X.Y: python-3.12.1 fails in repo2docker
    spec = _requires_python(facts)
    if spec is not None:
        allowed = _specifier_allows(spec, version or DEFAULT_PYTHON)
        if allowed is None:
            facts.notes.append(f"pyproject.toml requires-python {spec!r} is not understood here")
        elif not allowed:
            if explicit:
                raise ValueError("runtime.txt version not supported by pyproject.toml")
            fits = [v for v in PYPROJECT_FALLBACK_PYTHONS if _specifier_allows(spec, v)]
            if not fits:
                raise ValueError(
                    "repo2docker does not support a Python version compatible with pyproject.toml"
                )
            version, source = fits[-1], "pyproject.toml"
    return version, source


_CLAUSE = re.compile(r"^\s*(~=|===|==|!=|<=|>=|<|>)\s*(\d+(?:\.\d+)*)(\.\*)?\s*$")


def _specifier_allows(spec: str, version: str) -> bool | None:
    """Whether a PEP 440 specifier allows a final ``X.Y`` version; None if not understood.

    Enough of PEP 440 for requires-python against X.Y candidates (no pre-releases, no local
    versions), so that this module needs no third-party package.
    """
    v = tuple(int(p) for p in version.split("."))
    for clause in filter(None, (c.strip() for c in spec.split(","))):
        m = _CLAUSE.match(clause)
        if not m:
            return None
        op, rel, star = m.group(1), tuple(int(p) for p in m.group(2).split(".")), bool(m.group(3))
        n = max(len(v), len(rel))
        a, b = v + (0,) * (n - len(v)), rel + (0,) * (n - len(rel))
        if star:
            if op not in ("==", "!="):
                return None
            prefix = (v + (0,) * len(rel))[: len(rel)] == rel
            ok = prefix if op == "==" else not prefix
        elif op == "~=":
            if len(rel) < 2:
                return None
            ok = a >= b and (v + (0,) * len(rel))[: len(rel) - 1] == rel[:-1]
        elif op == "===":
            ok = version == m.group(2)
        else:
            ok = {"==": a == b, "!=": a != b, "<=": a <= b, ">=": a >= b, "<": a < b, ">": a > b}[
                op
            ]
        if not ok:
            return False
    return True


def _python_version(rule: BuildpackRule, facts: _Facts) -> tuple[str | None, str | None]:
    cfg = facts.binder_dir + "/" if facts.binder_dir else ""
    if rule.python_from == "environment.yml":
        env = next((n for n in ("environment.yml", "environment.yaml") if n in facts.config), None)
        pin = _conda_python(facts.config[env]) if env else None
        if pin is False:
            facts.notes.append(f"{cfg}{env}: content unknown, its python pin could not be read")
            return None, None
        return (pin, cfg + env) if pin else (None, None)
    if rule.python_from == "Pipfile":
        pin = _pipfile_python(facts)
        return (
            (pin, cfg + ("Pipfile.lock" if "Pipfile.lock" in facts.config else "Pipfile"))
            if pin
            else (None, None)
        )
    if rule.python_from == "runtime.txt":
        return _python_family_python(facts, cfg + "runtime.txt")
    return None, None


def _check_python(version: str | None, where: str | None) -> None:
    """CondaBuildPack.get_build_script_files: X.Y with a lock file for linux-64."""
    v = version or DEFAULT_PYTHON
    if len(v.split(".")) != 2:
        raise ValueError(f"{where}: python_version must always be specified as 'x.y', got {v}")
    if v not in SUPPORTED_PYTHONS:
        raise ValueError(f"{where}: Python version {v} on linux-64 is not supported")


def _check_r(facts: _Facts, rt_path: str) -> None:
    """RBuildPack: snapshot date and R version from runtime.txt (whatever language it names)."""
    rt = facts.runtime
    if rt is None:
        return
    if rt.name == "r" and rt.date is not None and rt.date < RSPM_CUTOFF_DATE:
        raise ValueError(
            f"{rt_path}: snapshot date {rt.date} is before {RSPM_CUTOFF_DATE}, the first one repo2docker "
            "can use (MRAN is gone)"
        )
    if rt.version is not None and rt.version not in R_VERSIONS and len(rt.version.split(".")) != 3:
        raise ValueError(f"{rt_path}: R version {rt.version} is not supported")


def _check_apt(content: FileContent, path: str) -> None:
    text = _text(content)
    for line in (text or "").splitlines():
        package = line.partition("#")[0].strip()
        if package and not re.match(r"^[a-z0-9.+-]+", package):
            raise ValueError(f"{path}: invalid package name {package} in apt.txt")


def _ignore_reason(name: str, bp: str, facts: _Facts) -> str:
    lang = facts.runtime.name if facts.runtime else "?"
    for key in ((name, bp), (name, "*"), ("*", bp), ("*", "*")):
        if key in IGNORED_BECAUSE:
            return IGNORED_BECAUSE[key].format(bp=bp, lang=lang, name=name, dir=facts.binder_dir)
    raise AssertionError("unreachable: ('*', '*') is always there")


def _explain(facts: _Facts) -> Explanation:
    cfg = facts.binder_dir + "/" if facts.binder_dir else ""

    def failed(message: str, buildpack: str = "", because: str = "") -> Explanation:
        return Explanation(buildpack, facts.binder_dir, (), (), error=message, picked_because=because,
                           notes=tuple(facts.notes))  # fmt: skip

    # --- detection: LegacyBinderDockerBuildPack, then binder_dir, then the table's rows ---
    try:
        _check_legacy_dockerfile(facts)
    except ValueError as e:
        return failed(str(e))
    if facts.both_binder_dirs:
        return failed(
            "the repository contains both a 'binder' and a '.binder' directory; they are exclusive"
        )
    runtime_error = _read_runtime(facts, cfg)
    rule, because = _pick(facts)
    if runtime_error and rule.name not in ("DockerBuildPack", "NixBuildPack"):
        # RBuildPack.detect() parses runtime.txt, so it fails unless an earlier buildpack won;
        # the Julia buildpacks parse it again for the Python version when rendering.
        return failed(
            runtime_error, *((rule.name, because) if rule.name.startswith("Julia") else ())
        )
    # PythonBuildPack._is_python_package() reads pyproject.toml unless setup.py exists, and
    # python_version reads it unless runtime.txt names another language. The first happens in
    # detect() when nothing else matched and there is no runtime.txt: then nothing is picked.
    pyproject_read = "setup.py" not in facts.root or not _runtime_names_other(facts)
    if (
        facts.pyproject_error
        and rule.python_from == "runtime.txt"
        and not facts.binder_dir
        and pyproject_read
    ):
        in_detect = rule.name == "PythonBuildPack" and not {"runtime.txt", "setup.py"} & (
            facts.config.keys()
        )
        return failed(facts.pyproject_error, *(() if in_detect else (rule.name, because)))

    # --- what the picked buildpack reads; its Python version; render-time failures ---
    error: str | None = None
    python: tuple[str | None, str | None] = (None, None)
    try:
        if rule.python_from is not None:
            python = _python_version(rule, facts)
            facts.python = _x_y(python[0] or DEFAULT_PYTHON)
            _check_python(python[0], python[1] or "the default")
        if rule.name == "RBuildPack":
            _check_r(facts, cfg + "runtime.txt")
    except ValueError as e:
        error = str(e)

    used: dict[str, str] = {}
    ignored: dict[str, str] = {}
    reads = rule.reads + (EVERY_BUILDPACK_READS if rule.every_buildpack_reads else ())
    for read in reads:
        present = facts.root if read.where == "root" else facts.config
        where = "" if read.where == "root" else cfg
        found = [n for n in read.names if n in present]
        if not found or not _holds(read.when, facts):
            continue
        used.setdefault(where + found[0], read.purpose)
        for shadowed in found[1:]:
            ignored.setdefault(
                where + shadowed, f"shadowed by {where + found[0]}, which repo2docker reads first"
            )
    if rule.name == "NixBuildPack" and "start" in facts.config:
        used[cfg + "start"] = "run at container start by nix-shell-wrapper, inside nix-shell"
    if error is None and cfg + "apt.txt" in used:
        try:
            _check_apt(facts.config["apt.txt"], cfg + "apt.txt")
        except ValueError as e:
            error = str(e)
    if error is None and rule.fails:
        error = f"{rule.name}: {rule.fails}"

    for name in facts.config:
        path = cfg + name
        if path in used or path in ignored:
            continue
        if name in UNRECOGNISED:
            ignored[path] = UNRECOGNISED[name]
        elif name in ROOT_ONLY_FILES and facts.binder_dir:
            ignored[path] = (
                f"{name} is read only at the repository root, when there is no binder directory"
            )
        elif name in CONFIG_FILES or name in ROOT_ONLY_FILES:
            ignored[path] = _ignore_reason(name, rule.name, facts)
    if facts.binder_dir:
        for name in facts.root:
            if name in used or name in ignored:
                continue
            if name == "Dockerfile":
                ignored[name] = (
                    f"{cfg} exists and repo2docker reads config only from it (a root Dockerfile is "
                    "only checked for the removed andrewosh/binder-base image)"
                )
            elif name in CONFIG_FILES or name in ROOT_ONLY_FILES:
                ignored[name] = f"{cfg} exists and repo2docker reads config only from it"
            elif name in UNRECOGNISED:
                ignored[name] = UNRECOGNISED[name]

    if rule.name == "JuliaProjectTomlBuildPack":
        for manifest in ("JuliaManifest.toml", "Manifest.toml"):
            if manifest in facts.config:
                facts.notes.append(
                    f"{cfg}{manifest} is not read by repo2docker but by Pkg.instantiate() in the "
                    "Julia project directory: it pins the Julia packages"
                )
                break
    if rule.python_from == "runtime.txt":
        env = next((n for n in ("environment.yml", "environment.yaml") if n in facts.config), None)
        pin = _conda_python(facts.config[env]) if env else None
        if pin and pin != (python[0] or DEFAULT_PYTHON):
            facts.notes.append(
                f"{cfg}{env} pins python {pin} but {rule.name} builds Python "
                f"{python[0] or DEFAULT_PYTHON} (runtime.txt decides); mamba env update then changes it"
            )
    return Explanation(
        buildpack=rule.name,
        binder_dir=facts.binder_dir,
        used=tuple(sorted(used)),
        ignored=tuple(sorted(ignored.items())),
        error=error,
        python_version=python[0] if error is None else None,
        python_source=python[1] if error is None else None,
        picked_because=because,
        used_for=tuple(sorted(used.items())),
        notes=tuple(facts.notes),
    )


def _read_runtime(facts: _Facts, cfg: str) -> str | None:
    """Parse runtime.txt into ``facts``; returns the parse error, if any."""
    if "runtime.txt" not in facts.config:
        return None
    text = _text(facts.config["runtime.txt"])
    if text is None:
        facts.runtime_unknown = True
        facts.notes.append(f"{cfg}runtime.txt: content unknown, assumed to name python")
        return None
    try:
        facts.runtime = _parse_runtime(text)
    except ValueError as e:
        return f"{cfg}runtime.txt: {e}"
    return None


def _check_legacy_dockerfile(facts: _Facts) -> None:
    """LegacyBinderDockerBuildPack.detect(): reads the *root* Dockerfile whatever the layout."""
    text = _text(facts.root.get("Dockerfile"))
    for line in (text or "").splitlines(keepends=True):
        if line.startswith("FROM") and "andrewosh/binder-base" in line.split("#")[0].lower():
            raise ValueError(
                "Dockerfile: the legacy buildpack (andrewosh/binder-base) has been removed"
            )


# --- public API --------------------------------------------------------------------------------

# Files whose content matters to the table; others are only checked for presence.
_READ_CONTENT = frozenset(
    {
        "runtime.txt",
        "environment.yml",
        "environment.yaml",
        "pyproject.toml",
        "Pipfile",
        "Pipfile.lock",
        "apt.txt",
    }
)


def explain(files: Mapping[str, FileContent] | str | os.PathLike[str]) -> Explanation:
    """Say which buildpack repo2docker picks and which files it uses or ignores.

    ``files`` is a repository directory (with an optional ``binder/`` or ``.binder/``) or a
    mapping of repository-relative paths (``"binder/apt.txt"``, ``"setup.py"``) to their
    content; ``None`` means "present, content unknown", and a key ending in ``/`` declares a
    directory (``{"binder/": None}`` is an empty binder directory). Content matters for
    runtime.txt, environment.yml, Pipfile(.lock), pyproject.toml, apt.txt and a root Dockerfile.
    Nothing is executed and nothing is fetched.
    """
    if isinstance(files, (str, os.PathLike)):
        return _explain(_facts_from_dir(Path(files)))
    return _explain(_facts_from_mapping(files))


def ignored_in_binder_dir(names_with_content: Mapping[str, FileContent]) -> list[tuple[str, str]]:
    """For the merge: which files of an output ``binder/`` directory repo2docker would ignore.

    ``names_with_content`` maps names relative to the binder directory (``"apt.txt"``) to
    their content (or None). Returns ``(name, reason)`` pairs, names as given. Errors
    (an invalid runtime.txt, ...) are reported by :func:`explain`, not here.
    """
    exp = explain({"binder/": None, **{f"binder/{n}": c for n, c in names_with_content.items()}})
    return [(p[len("binder/") :], why) for p, why in exp.ignored if p.startswith("binder/")]


def _facts_from_mapping(files: Mapping[str, FileContent]) -> _Facts:
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


def _facts_from_dir(repo: Path) -> _Facts:
    def listing(d: Path, read_dockerfile: bool = False) -> dict[str, FileContent]:
        out: dict[str, FileContent] = {}
        for entry in sorted(d.iterdir()):
            if entry.is_file():
                wanted = entry.name in _READ_CONTENT or (
                    read_dockerfile and entry.name == "Dockerfile"
                )
                out[entry.name] = entry.read_bytes() if wanted else None
        return out

    if not repo.is_dir():
        raise NotADirectoryError(str(repo))
    dirs = {d: listing(repo / d) for d in BINDER_DIRS if (repo / d).is_dir()}
    return _facts(listing(repo, read_dockerfile=True), dirs)


def _facts(root: dict[str, FileContent], dirs: Mapping[str, dict[str, FileContent]]) -> _Facts:
    bdir = next((d for d in BINDER_DIRS if d in dirs), "")  # .binder/ wins over binder/
    facts = _Facts(binder_dir=bdir, config=dict(dirs[bdir]) if bdir else dict(root), root=root)
    facts.both_binder_dirs = len(dirs) == 2
    if not bdir:
        _pyproject(facts)  # parse errors are reported only if a buildpack reads it
    return facts
