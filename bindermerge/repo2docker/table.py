"""Which files repo2docker reads, and which it ignores, written down once, as data.

repo2docker spreads this knowledge over an ordered list in ``app.py`` and an inheritance chain
(``CondaBuildPack`` -> ``PythonBuildPack`` -> ``RBuildPack``/``Julia*``) whose ``detect()`` and
``get_*`` overrides decide what is read. Here:

* :data:`BUILDPACKS` -- repo2docker's detection order; each row says what picks it
  (``picked_when``, ``unless``), which files it then reads (``reads``, each with a condition, a
  purpose and the check repo2docker applies to it), where its Python version comes from, the
  checks that make its build fail, and the notes worth showing;
* :data:`EVERY_BUILDPACK_READS` -- ``apt.txt``, ``postBuild``, ``start`` and the build-context
  ignore files, read by every buildpack except Dockerfile;
* :data:`INSTALLED_INTO` and :data:`ENVIRONMENTS` -- which environment the packages of a file
  that installs Python packages (``Read.into``) go to, by the Python version built;
* :data:`IGNORED_BECAUSE`, :data:`IGNORED_AT_ROOT`, :data:`ROOT_ONLY_IN_BINDER_DIR` -- the reason
  shown for a present file that is not read;
* :data:`CONDITIONS` and :data:`CHECK_NAMES` -- the words the table is written in.

:mod:`bindermerge.repo2docker.facts` says when each condition holds and what each check
rejects; :func:`bindermerge.repo2docker.explain.explain` applies the table without naming any
buildpack. Facts are those of repo2docker
:data:`~bindermerge.repo2docker.constants.REPO2DOCKER_VERSION` on ``linux/amd64``.

Standard library only: data, imported by every merge.
"""

from __future__ import annotations

from dataclasses import dataclass

from bindermerge.repo2docker.constants import (
    APT_TXT,
    CONTAINERIGNORE,
    DEFAULT_NIX,
    DESCRIPTION,
    DOCKERFILE,
    DOCKERIGNORE,
    ENVIRONMENT_FILES,
    INSTALL_R,
    JULIA_PROJECT_TOML,
    PIPFILE,
    PIPFILE_LOCK,
    POSTBUILD,
    PROJECT_TOML,
    PYPROJECT_TOML,
    REQUIRE,
    REQUIREMENTS3_TXT,
    REQUIREMENTS_TXT,
    RUNTIME_TXT,
    SETUP_PY,
    START,
)

# Not typing.TYPE_CHECKING: importing typing costs the command line's fast path (as in __init__).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Literal, TypeAlias

    Where: TypeAlias = Literal["config", "root"]
    PythonFrom: TypeAlias = Literal["environment.yml", "runtime.txt", "Pipfile"]
    Into: TypeAlias = Literal["kernel", "server"]

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
    "no-pipfile-lock": "there is no Pipfile.lock",
    "pyproject-read": "there is no binder directory and pip install . runs (the root is a package) "
    "or pyproject.toml declares requires-python, consulted unless runtime.txt names another "
    "language",
}

# What each check name means; the checks themselves are in facts.CHECKS. A check that fails
# is the error repo2docker's build stops with.
CHECK_NAMES: Mapping[str, str] = {
    "python-version": "the Python version is X.Y and repo2docker has a base environment for it",
    "r-version": "runtime.txt's R snapshot date and R version are ones repo2docker can install",
    "apt-lines": "every apt.txt line starts like a lower-case Debian package name",
    "environment-yml": "environment.yml is a YAML mapping whose dependencies can be iterated "
    "(and its python pin, if not the one built, is noted)",
}


@dataclass(frozen=True)
class Read:
    """A file a buildpack reads: ``names`` are alternatives, the first present one is read.

    ``where`` is ``"config"`` (the binder directory, or the root without one) or ``"root"``
    (the repository root whatever the layout); ``when`` is a :data:`CONDITIONS` name;
    ``check`` a :data:`CHECK_NAMES` name applied to the file read. ``into`` says where the
    Python packages the file installs go, as repo2docker's Dockerfile names the prefix:
    ``"kernel"`` (``${KERNEL_PYTHON_PREFIX}``) or ``"server"`` (``${NB_PYTHON_PREFIX}``); None
    for a file that installs no Python package. :data:`INSTALLED_INTO` turns it into an
    environment.
    """

    names: tuple[str, ...]
    purpose: str
    when: str = "always"
    where: Where = "config"
    check: str | None = None
    into: Into | None = None


@dataclass(frozen=True)
class Note:
    """A fact worth showing when one of ``names`` is in the config directory; ``text`` has a
    ``{path}`` placeholder for the first one present."""

    names: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class BuildpackRule:
    """One repo2docker buildpack: what picks it and which files it reads once picked.

    It is picked when any ``picked_when`` condition holds and no ``unless`` condition does
    (both evaluated in order, as its ``detect()`` reads them). ``python_from`` names where its
    conda Python version comes from (None: it has no conda Python). ``checks`` are
    :data:`CHECK_NAMES` whose failure stops the build, in the order repo2docker meets them;
    ``fails`` is the error its ``build()`` always raises, if any; ``notes`` are shown when
    their file is present.
    """

    name: str
    picked_when: tuple[str, ...]
    reads: tuple[Read, ...]
    unless: tuple[str, ...] = ()
    every_buildpack_reads: bool = True
    python_from: PythonFrom | None = None
    checks: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    fails: str | None = None

    @property
    def has_conda_python(self) -> bool:
        """Whether the image gets a conda Python (and so a Python version, maybe a default)."""
        return self.python_from is not None


# Every buildpack except Dockerfile (BaseImage in repo2docker/buildpacks/base.py). The ignore
# files are read by BuildPack.build() through binder_path(): binder/.dockerignore, not the root's.
EVERY_BUILDPACK_READS: tuple[Read, ...] = (
    Read(
        (APT_TXT,),
        "apt-get install, as root, before the repository is copied",
        check="apt-lines",
    ),
    Read((POSTBUILD,), "run last, as the notebook user, from the repository root"),
    Read((START,), 'run at every container start; must end in exec "$@"'),
    Read((DOCKERIGNORE,), "paths left out of the build context"),
    Read((CONTAINERIGNORE,), "paths left out of the build context"),
)

# PythonBuildPack and its subclasses (R, Julia). They are CondaBuildPack subclasses, so they
# install environment.yml too -- but take the Python version from runtime.txt, not from it.
# (PythonBuildPack itself never sees an environment.yml: CondaBuildPack is detected first.)
PYTHON_FAMILY_READS: tuple[Read, ...] = (
    Read(
        ENVIRONMENT_FILES,
        "mamba env update; its python pin is NOT used (the Python version comes from runtime.txt)",
        check="environment-yml",
        into="kernel",
    ),
    Read((REQUIREMENTS_TXT,), "pip install -r", into="kernel"),
    Read(
        (REQUIREMENTS3_TXT,),
        "pip install -r: the notebook server's packages, next to a legacy Python kernel",
        when="legacy-python",
        into="server",
    ),
    Read((RUNTIME_TXT,), "Python version", when="runtime-python"),
    Read(
        (SETUP_PY,),
        "pip install . (the repository is a Python package)",
        when="no-binder-dir",
        where="root",
        into="kernel",
    ),
    # Two rows for one file: the first whose condition holds gives the purpose shown. A
    # package is pip-installed; a requires-python alone installs nothing.
    Read(
        (PYPROJECT_TOML,),
        "pip install . (the repository is a Python package); requires-python replaces a "
        "Python version it rejects",
        when="root-package",
        where="root",
        into="kernel",
    ),
    Read(
        (PYPROJECT_TOML,),
        "requires-python replaces a Python version it rejects",
        when="pyproject-read",
        where="root",
    ),
)

BUILDPACKS: tuple[BuildpackRule, ...] = (
    BuildpackRule(
        "DockerBuildPack",
        picked_when=(f"file:{DOCKERFILE}",),
        reads=(
            Read((DOCKERFILE,), "built as it is; repo2docker adds nothing"),
            # docker buildx reads the build context's (the root's) ignore file, not binder/'s
            Read(
                (DOCKERIGNORE,),
                "read by the container engine from the build context root",
                where="root",
            ),
        ),
        every_buildpack_reads=False,
    ),
    BuildpackRule(
        "JuliaProjectTomlBuildPack",
        picked_when=(f"file:{JULIA_PROJECT_TOML}", f"file:{PROJECT_TOML}"),
        reads=(
            Read(
                (JULIA_PROJECT_TOML, PROJECT_TOML),
                "Julia project: [compat] julia picks the Julia version; Pkg.instantiate()",
            ),
            *PYTHON_FAMILY_READS,
        ),
        python_from="runtime.txt",
        checks=("python-version",),
        # Pkg's names, not repo2docker's: they pair with JuliaProject.toml / Project.toml.
        notes=(
            Note(
                ("JuliaManifest.toml", "Manifest.toml"),
                "{path} is not read by repo2docker but by Pkg.instantiate() in the Julia "
                "project directory: it pins the Julia packages",
            ),
        ),
    ),
    BuildpackRule(
        "JuliaRequireBuildPack",
        picked_when=(f"file:{REQUIRE}",),
        reads=(Read((REQUIRE,), "detected, but the build always fails"), *PYTHON_FAMILY_READS),
        python_from="runtime.txt",
        checks=("python-version",),
        fails="Julia REQUIRE no longer supported due to removed infrastructure. Use Project.toml.",
    ),
    BuildpackRule(
        "NixBuildPack",
        picked_when=(f"file:{DEFAULT_NIX}",),
        reads=(
            Read((DEFAULT_NIX,), "nix-shell"),
            # Listed before EVERY_BUILDPACK_READS so that this purpose is the one shown: start
            # is run by nix-shell-wrapper inside nix-shell, not named in the Dockerfile.
            Read((START,), "run at container start by nix-shell-wrapper, inside nix-shell"),
        ),
    ),
    BuildpackRule(
        "RBuildPack",
        # A dated runtime.txt picks R even when the date is before RSPM_CUTOFF_DATE (then it fails).
        picked_when=("runtime-r-dated", f"root:{DESCRIPTION}"),
        reads=(
            Read((RUNTIME_TXT,), "R version and package snapshot date", when="runtime-r"),
            Read(
                (INSTALL_R,),
                "Rscript, before the repository is copied (again after, if that failed)",
            ),
            Read((DESCRIPTION,), "remotes::install_local()", when="no-binder-dir", where="root"),
            *PYTHON_FAMILY_READS,
        ),
        python_from="runtime.txt",
        checks=("python-version", "r-version"),
    ),
    BuildpackRule(
        "CondaBuildPack",
        picked_when=tuple(f"file:{name}" for name in ENVIRONMENT_FILES),
        reads=(
            Read(
                ENVIRONMENT_FILES,
                "mamba env update; its python pin chooses the Python version",
                check="environment-yml",
                into="kernel",
            ),
        ),
        python_from="environment.yml",
        checks=("python-version",),
    ),
    BuildpackRule(
        "PipfileBuildPack",
        picked_when=(f"file:{PIPFILE}", f"file:{PIPFILE_LOCK}"),
        unless=("runtime-other",),
        reads=(
            # pipenv --system with ${KERNEL_PYTHON_PREFIX}/bin first on PATH
            Read(
                (PIPFILE_LOCK,),
                "pipenv install --ignore-pipfile --system --dev, run in the config directory",
                into="kernel",
            ),
            Read(
                (PIPFILE,),
                "pipenv install --skip-lock (there is no Pipfile.lock); [requires] python_version",
                when="no-pipfile-lock",
                into="kernel",
            ),
            Read((PIPFILE,), "[requires] python_version, when Pipfile.lock has none"),
            Read(
                (REQUIREMENTS3_TXT,),
                "pip install -r: the notebook server's packages, next to a legacy Python kernel",
                when="legacy-python",
                into="server",
            ),
        ),
        python_from="Pipfile",
        checks=("python-version",),
    ),
    BuildpackRule(
        "PythonBuildPack",
        # runtime.txt naming another language stops detection; the default is Python anyway.
        picked_when=("runtime-python", "root-package", f"file:{REQUIREMENTS_TXT}"),
        unless=("runtime-other",),
        reads=PYTHON_FAMILY_READS,
        python_from="runtime.txt",
        checks=("python-version",),
    ),
)
# Repo2Docker.default_buildpack: used when no row is picked.
DEFAULT_BUILDPACK = "PythonBuildPack"

# Where the packages of a file with ``Read.into`` go: (into, the "legacy-python" condition) ->
# an ENVIRONMENTS key. CondaBuildPack sets KERNEL_PYTHON_PREFIX to NB_PYTHON_PREFIX itself unless
# the Python is older than LEGACY_KERNEL_BELOW (separate_kernel_env): then the kernel gets its
# own environment (${CONDA_DIR}/envs/kernel) and the notebook server keeps Python
# MAJOR_PYTHONS["3"] in NB_PYTHON_PREFIX, where it cannot import what the kernel's holds.
INSTALLED_INTO: Mapping[tuple[Into, bool], str] = {
    ("kernel", False): "notebook",
    ("server", False): "notebook",
    ("kernel", True): "kernel",
    ("server", True): "server",
}
# What each environment is, shown by explain. Placeholders: {python} the Python built,
# {server} the notebook server's Python.
ENVIRONMENTS: Mapping[str, str] = {
    "notebook": "the notebook environment (${{NB_PYTHON_PREFIX}}): the kernel and the notebook "
    "server share it",
    "kernel": "the kernel's own environment (${{KERNEL_PYTHON_PREFIX}}, Python {python}): the "
    "notebook server (Python {server}) does not see it",
    "server": "the notebook server's environment (${{NB_PYTHON_PREFIX}}, Python {server}): the "
    "kernel (Python {python}) does not see it",
}

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

# A root-only file (setup.py, ...) inside the binder directory. Placeholder: {name}.
ROOT_ONLY_IN_BINDER_DIR = (
    "{name} is read only at the repository root, when there is no binder directory"
)
# A configuration file at the root when there is a binder directory: name -> reason, "*" for
# any name. Placeholder: {cfg}, the binder directory with its slash.
IGNORED_AT_ROOT: Mapping[str, str] = {
    "Dockerfile": "{cfg} exists and repo2docker reads config only from it (a root Dockerfile is "
    "only checked for the removed andrewosh/binder-base image)",
    "*": "{cfg} exists and repo2docker reads config only from it",
}
