"""repo2docker's constants, each read from its source (the tests compare them with the
installed package): binder folder names, file names, Python and R versions, the regular
expressions it applies. Standard library only and cheap to import: the fast ``--check`` path
imports :data:`BINDER_DIRS` from here.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast path avoids importing typing
if TYPE_CHECKING:
    from collections.abc import Mapping

REPO2DOCKER_VERSION = "2026.4.0"


# BuildPack.binder_dir: .binder/ wins over binder/; both is an error.
BINDER_DIRS = (".binder", "binder")

# --- file names, spelt as repo2docker's buildpacks spell them -------------------------------------

DOCKERFILE = "Dockerfile"
PROJECT_TOML = "Project.toml"
JULIA_PROJECT_TOML = "JuliaProject.toml"
REQUIRE = "REQUIRE"
DEFAULT_NIX = "default.nix"
RUNTIME_TXT = "runtime.txt"
INSTALL_R = "install.R"
ENVIRONMENT_YML = "environment.yml"
ENVIRONMENT_YAML = "environment.yaml"
PIPFILE = "Pipfile"
PIPFILE_LOCK = "Pipfile.lock"
REQUIREMENTS_TXT = "requirements.txt"
REQUIREMENTS3_TXT = "requirements3.txt"
APT_TXT = "apt.txt"
POSTBUILD = "postBuild"
START = "start"
DOCKERIGNORE = ".dockerignore"
CONTAINERIGNORE = ".containerignore"
SETUP_PY = "setup.py"
PYPROJECT_TOML = "pyproject.toml"
DESCRIPTION = "DESCRIPTION"

# CondaBuildPack.environment_yaml_path: the first of these present is the one read.
ENVIRONMENT_FILES = (ENVIRONMENT_YML, ENVIRONMENT_YAML)
# Files repo2docker looks for in the config directory (binder/, .binder/ or the root).
CONFIG_FILES: tuple[str, ...] = (
    DOCKERFILE, PROJECT_TOML, JULIA_PROJECT_TOML, REQUIRE, DEFAULT_NIX, RUNTIME_TXT,
    INSTALL_R, ENVIRONMENT_YML, ENVIRONMENT_YAML, PIPFILE, PIPFILE_LOCK,
    REQUIREMENTS_TXT, REQUIREMENTS3_TXT, APT_TXT, POSTBUILD, START,
    DOCKERIGNORE, CONTAINERIGNORE,
)  # fmt: skip
# Looked for at the repository root only, and only when there is no binder directory.
ROOT_ONLY_FILES: tuple[str, ...] = (SETUP_PY, PYPROJECT_TOML, DESCRIPTION)
# Names people expect to work but repo2docker never reads.
UNRECOGNISED: Mapping[str, str] = {
    "conda-lock.yml": (
        "conda-lock files are not read (repo2docker issues 1157, 1312); only environment.yml/.yaml"
    ),
    "environment.lock": "not read; only environment.yml/.yaml",
    "conda-linux-64.lock": "explicit (@EXPLICIT) specs are not read",
    "spec-file.txt": "explicit (@EXPLICIT) specs are not read",
    "renv.lock": "not read by repo2docker (use install.R)",
    "poetry.lock": "not read by repo2docker",
    "uv.lock": "not read by repo2docker",
    "requirements.in": "not read by repo2docker (only requirements.txt)",
    "postBuild.sh": "not read: the file must be named exactly 'postBuild'",
    "start.sh": "not read: the file must be named exactly 'start'",
    "apt-packages.txt": "not read: the file must be named exactly 'apt.txt'",
    "environment.yml.lock": "not read; only environment.yml/.yaml",
}

# --- versions -------------------------------------------------------------------------------------

# CondaBuildPack.major_pythons: a bare major version, and the default when nothing is pinned.
DEFAULT_PYTHON = "3.10"
MAJOR_PYTHONS = {"2": "2.7", "3": DEFAULT_PYTHON}
# buildpacks/conda/environment.py-X.Y-linux-64.lock: the Python versions that can be built.
SUPPORTED_PYTHONS = (
    "2.7", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14",
)  # fmt: skip
# CondaBuildPack.kernel_env_cutoff_version: older Pythons get a separate kernel environment,
# and only then is requirements3.txt installed (into the notebook server's environment).
LEGACY_KERNEL_BELOW = (3, 7)
# conda/supported_python_version.py: candidates when pyproject's requires-python rejects the
# default; repo2docker takes the *newest* one allowed.
PYPROJECT_FALLBACK_PYTHONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
# RBuildPack: first Posit package-manager snapshot; older dates are *detected* as R and then fail.
# ISO text, compared with a date's isoformat() (the same order for four-digit years): importing
# datetime here would cost every fast --check, which reads this module's file names.
RSPM_CUTOFF_DATE = "2018-12-07"
# RBuildPack.r_version: x.y -> full version; x.y.z is taken as given; anything else fails.
R_VERSIONS = {
    "4.5": "4.5.1", "4.4": "4.4.2", "4.3": "4.3.3", "4.2": "4.2.3", "4.1": "4.1.3",
    "4.0": "4.0.5", "3.6": "3.6.3", "3.5": "3.5.3", "3.4": "3.4.4", "3.3": "3.3.3",
}  # fmt: skip

# --- the regular expressions repo2docker applies (all with re.match: a prefix match) --------------

# CondaBuildPack.PYTHON_REGEX, applied to each string dependency in order.
PYTHON_PIN_RE = re.compile(r"python\s*=+\s*([\d\.]*)")
# pipfile.VERSION_PAT, applied to Pipfile(.lock)'s python_full_version / python_version.
PIPFILE_VERSION_RE = re.compile(r"\d+(\.\d+)*")
# BuildPack.get_preassemble_scripts: each apt.txt line, comment and blanks stripped.
APT_LINE_RE = re.compile(r"^[a-z0-9.+-]+")
# BaseImage.runtime: the date part of runtime.txt, before datetime.fromisoformat.
RUNTIME_DATE_RE = re.compile(r"\d\d\d\d-\d\d-\d\d")

# Julia's own manifests (Pkg.instantiate() reads them in the project's directory under the
# Julia buildpack): JuliaManifest.toml, Manifest.toml, Manifest-v1.11.toml.
JULIA_MANIFEST_PATTERN = r"(Julia)?Manifest(-v\d+\.\d+)?\.toml"
