"""The table of what repo2docker reads (bindermerge.repo2docker), rule by rule and
differentially against the real repo2docker (tests/r2d.py) on generated directories.

repo2docker is a declared test dependency: the tests that ask it fail when it is missing."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pytest
from helpers.environments import SEPARATE_KERNEL, installs_into
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bindermerge.repo2docker import checks, constants, facts, table
from bindermerge.repo2docker.constants import DEFAULT_PYTHON
from bindermerge.repo2docker.explain import Explanation, explain, ignored_in_binder_dir

# --- contents used by the cases and the generator -------------------------------------------------

ENV_PY311 = "name: x\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - numpy\n"
ENV_NOPIN = "dependencies:\n  - numpy\n  - pip\n  - pip:\n    - requests\n"
ENV_CONTENTS = (
    ENV_PY311,
    ENV_NOPIN,
    "dependencies:\n- python>=3.11\n- python=3.9\n",  # first match wins; >= never matches
    "dependencies: [numpy, 'python==3.12.*']\n",
    "dependencies:\n  - python =3.13  # comment\n",
    "dependencies:\n  - python=3\n",
    "dependencies:\n  - python=2.7\n",
    "dependencies:\n  - pip:\n    - python=3.8\n  - scipy\n",  # pip entries are not conda deps
    "name: empty\n",
    "dependencies:\n  - python=3.4\n",  # no lock file for 3.4: repo2docker fails
    "dependencies:\n  - r-base=4.3\n  - r-ggplot2\n",
)
RUNTIMES = (
    "python-3.11",
    "python-3",
    "python-2.7",
    "python-3.6",
    "python-3.12.1",  # repo2docker: "must be x.y"
    "r-2023-01-01",
    "r-4.3-2023-01-01",
    "r-2017-01-01",  # picked as R, then fails: before the first package-manager snapshot
    "r-4.9-2023-01-01",  # unknown R version
    "r-4.3",  # no date: not R
    "julia-1.9",
    "python3.11",  # invalid format
    "python-3.11\r\n",
)
PYPROJECTS = (
    (
        '[project]\nname = "pkg"\nversion = "1"\n[build-system]\nrequires = ["hatchling"]\n'
        'build-backend = "hatchling.build"\n'
    ),
    "[tool.black]\nline-length = 100\n",
    '[project]\nname = "x"\nrequires-python = ">=3.12"\n',
    '[project]\nname = "x"\nrequires-python = ">=3.8,<4"\n',
    "[project\n",  # invalid TOML
)
PIPFILES = (
    '[packages]\nrequests = "*"\n[requires]\npython_version = "3.11"\n',
    '[packages]\nrequests = "*"\n',
)
PIPFILE_LOCKS = (
    json.dumps({"_meta": {"requires": {"python_version": "3.12"}}, "default": {}}),
    json.dumps({"_meta": {"requires": {}}, "default": {}}),
)
DEFAULT_CONTENT = {
    "Dockerfile": "FROM ubuntu:24.04\n",
    "environment.yml": ENV_PY311,
    "environment.yaml": ENV_NOPIN,
    "runtime.txt": "python-3.11",
    "pyproject.toml": PYPROJECTS[0],
    "Pipfile": PIPFILES[0],
    "Pipfile.lock": PIPFILE_LOCKS[0],
    "Project.toml": 'name = "X"\n[compat]\njulia = "1.10"\n',
    "JuliaProject.toml": 'name = "X"\n',
    "apt.txt": "git\nlibfoo-dev=1.2 # pinned\n",
    "postBuild": "#!/bin/bash\necho hi\n",
    "start": '#!/bin/bash\nexec "$@"\n',
    "requirements.txt": "numpy\n",
    "requirements3.txt": "nbgitpuller\n",
    "setup.py": "from setuptools import setup\nsetup()\n",
    "DESCRIPTION": "Package: x\n",
    "install.R": "install.packages('x')\n",
    "default.nix": "{ }\n",
    "REQUIRE": "julia 0.7\n",
    ".dockerignore": "data/\n",
    ".containerignore": "data/\n",
}


def files(
    layout: str = "binder", root: Mapping[str, str | None] | None = None, **named: str | None
) -> dict[str, str | None]:
    """A repository as a mapping: ``named`` files go in the config dir (``env_yml=`` style
    keywords are spelt with the helper ``f``); content None means "use DEFAULT_CONTENT"."""
    prefix = "" if layout == "root" else layout + "/"
    out: dict[str, str | None] = {} if layout == "root" else {prefix: None}
    for name, content in named.items():
        out[prefix + name] = DEFAULT_CONTENT[name] if content is None else content
    for name, content in (root or {}).items():
        out[name] = DEFAULT_CONTENT[name] if content is None else content
    return out


def f(
    layout: str = "binder", root: Mapping[str, str | None] | None = None, **kw: str | None
) -> dict[str, str | None]:
    """``files`` with keyword names: env_yml is environment.yml, dot_dockerignore .dockerignore."""
    alias = {"env_yml": "environment.yml", "env_yaml": "environment.yaml", "runtime": "runtime.txt",
             "requirements": "requirements.txt", "requirements3": "requirements3.txt",
             "apt": "apt.txt", "install_R": "install.R", "default_nix": "default.nix",
             "pipfile": "Pipfile", "pipfile_lock": "Pipfile.lock", "project_toml": "Project.toml",
             "julia_project_toml": "JuliaProject.toml", "dot_dockerignore": ".dockerignore",
             "setup_py": "setup.py", "pyproject": "pyproject.toml"}  # fmt: skip
    return files(layout, root, **{alias.get(k, k): v for k, v in kw.items()})


def write(tree: Mapping[str, str | bytes | None], where: Path) -> Path:
    for rel, content in tree.items():
        path = where / rel
        if rel.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else (content or b""))
    return where


# --- one case per rule: (id, files, buildpack, used, ignored, python, error substring) ------------

B = "binder/"
CASES = [
    ("dockerfile-only", f(Dockerfile=None, apt=None, postBuild=None, start=None, env_yml=None),
     "DockerBuildPack", {B + "Dockerfile"},
     {B + "apt.txt", B + "postBuild", B + "start", B + "environment.yml"}, None, None),
    ("conda-ignores-requirements-and-runtime",
     f(env_yml=None, requirements=None, runtime="python-3.9", apt=None), "CondaBuildPack",
     {B + "environment.yml", B + "apt.txt"}, {B + "requirements.txt", B + "runtime.txt"}, "3.11",
     None),
    ("environment-yml-shadows-yaml", f(env_yml=None, env_yaml=None), "CondaBuildPack",
     {B + "environment.yml"}, {B + "environment.yaml"}, "3.11", None),
    ("environment-yaml-alone", f(env_yaml=None), "CondaBuildPack", {B + "environment.yaml"}, set(),
     None, None),
    ("conda-first-python-match", f(env_yml="dependencies:\n- python>=3.11\n- python=3.9\n"),
     "CondaBuildPack", {B + "environment.yml"}, set(), "3.9", None),
    ("conda-python-major", f(env_yml="dependencies:\n  - python=3\n"), "CondaBuildPack",
     {B + "environment.yml"}, set(), "3.10", None),
    ("conda-unsupported-python", f(env_yml="dependencies:\n  - python=3.4\n"), "CondaBuildPack",
     set(), set(), None, "3.4"),
    ("conda-invalid-runtime-fails-at-detection", f(env_yml=None, runtime="python3.11"), "", set(),
     set(), None, "runtime.txt"),
    ("pipfile-ignores-requirements-and-runtime",
     f(pipfile=None, requirements=None, runtime="python-3.9"), "PipfileBuildPack", {B + "Pipfile"},
     {B + "requirements.txt", B + "runtime.txt"}, "3.11", None),
    ("pipfile-lock-python", f(pipfile_lock=None, pipfile=PIPFILES[1]), "PipfileBuildPack",
     {B + "Pipfile", B + "Pipfile.lock"}, set(), "3.12", None),
    ("pipfile-legacy-requirements3",
     f(pipfile='[requires]\npython_version = "2.7"\n', requirements3=None), "PipfileBuildPack",
     {B + "Pipfile", B + "requirements3.txt"}, set(), "2.7", None),
    ("pipfile-skipped-when-runtime-names-r", f(pipfile=None, runtime="r-4.3", requirements=None),
     "PythonBuildPack", {B + "requirements.txt"}, {B + "Pipfile", B + "runtime.txt"}, None, None),
    ("python-runtime", f(runtime="python-3.11", requirements=None), "PythonBuildPack",
     {B + "runtime.txt", B + "requirements.txt"}, set(), "3.11", None),
    ("python-major-runtime-is-default", f(runtime="python-3"), "PythonBuildPack",
     {B + "runtime.txt"}, set(), "3.10", None),
    ("python-modern-ignores-requirements3", f(requirements=None, requirements3=None),
     "PythonBuildPack", {B + "requirements.txt"}, {B + "requirements3.txt"}, None, None),
    ("python-legacy-reads-requirements3",
     f(runtime="python-2.7", requirements=None, requirements3=None), "PythonBuildPack",
     {B + "runtime.txt", B + "requirements.txt", B + "requirements3.txt"}, set(), "2.7", None),
    ("python-patch-version-fails", f(runtime="python-3.12.1"), "PythonBuildPack", set(), set(),
     None, "x.y"),
    ("default-python-for-nothing", f(apt=None, postBuild=None), "PythonBuildPack",
     {B + "apt.txt", B + "postBuild"}, set(), None, None),
    ("r-dated-runtime", f(runtime="r-2023-01-01", install_R=None, requirements=None, env_yml=None),
     "RBuildPack",
     {B + "runtime.txt", B + "install.R", B + "requirements.txt", B + "environment.yml"}, set(),
     None, None),
    ("r-versioned-runtime", f(runtime="r-4.3-2023-01-01", install_R=None), "RBuildPack",
     {B + "runtime.txt", B + "install.R"}, set(), None, None),
    ("r-old-snapshot-picked-then-fails", f(runtime="r-2017-01-01", install_R=None), "RBuildPack",
     set(), set(), None, "2018-12-07"),
    ("r-unknown-version-fails", f(runtime="r-4.9-2023-01-01"), "RBuildPack", set(), set(), None,
     "4.9"),
    ("install-R-alone-is-ignored", f(install_R=None, requirements=None), "PythonBuildPack",
     {B + "requirements.txt"}, {B + "install.R"}, None, None),
    ("r-without-date-is-not-r", f(install_R=None, runtime="r-4.3"), "PythonBuildPack", set(),
     {B + "install.R", B + "runtime.txt"}, None, None),
    ("root-description-picks-r", f("root", DESCRIPTION=None, install_R=None), "RBuildPack",
     {"DESCRIPTION", "install.R"}, set(), None, None),
    ("description-shadowed-by-binder", f(root={"DESCRIPTION": None}, install_R=None),
     "PythonBuildPack", set(), {"DESCRIPTION", B + "install.R"}, None, None),
    ("description-in-binder-is-ignored", f(DESCRIPTION=None), "PythonBuildPack", set(),
     {B + "DESCRIPTION"}, None, None),
    ("description-with-python-runtime-fails", f("root", DESCRIPTION=None, runtime="python-3.11"),
     "RBuildPack", set(), set(), None, "R version"),
    ("root-setup-py", f("root", setup_py=None), "PythonBuildPack", {"setup.py"}, set(), None, None),
    ("setup-py-in-binder-ignored", f(setup_py=None), "PythonBuildPack", set(), {B + "setup.py"},
     None, None),
    ("root-pyproject-package", f("root", pyproject=None), "PythonBuildPack", {"pyproject.toml"},
     set(), None, None),
    ("root-pyproject-not-package", f("root", pyproject=PYPROJECTS[1], requirements=None),
     "PythonBuildPack", {"requirements.txt"}, {"pyproject.toml"}, None, None),
    ("root-pyproject-requires-python-fallback", f("root", pyproject=PYPROJECTS[2]),
     "PythonBuildPack", {"pyproject.toml"}, set(), "3.14", None),
    ("root-pyproject-rejects-runtime", f("root", pyproject=PYPROJECTS[2], runtime="python-3.11"),
     "PythonBuildPack", set(), set(), None, "pyproject"),
    ("root-pyproject-invalid", f("root", pyproject=PYPROJECTS[4], requirements=None), "", set(),
     set(), None, "pyproject"),
    ("julia-project", f(project_toml=None, env_yml=None, requirements=None, runtime="python-3.12"),
     "JuliaProjectTomlBuildPack",
     {B + "Project.toml", B + "environment.yml", B + "requirements.txt", B + "runtime.txt"}, set(),
     "3.12", None),
    ("julia-project-ignores-r-runtime", f(project_toml=None, runtime="r-2023-01-01"),
     "JuliaProjectTomlBuildPack", {B + "Project.toml"}, {B + "runtime.txt"}, None, None),
    ("juliaproject-shadows-project", f(project_toml=None, julia_project_toml=None),
     "JuliaProjectTomlBuildPack", {B + "JuliaProject.toml"}, {B + "Project.toml"}, None, None),
    ("julia-require-fails", f(REQUIRE=None), "JuliaRequireBuildPack", set(), set(), None,
     "REQUIRE"),
    ("julia-project-wins-over-require", f(REQUIRE=None, project_toml=None),
     "JuliaProjectTomlBuildPack", {B + "Project.toml"}, {B + "REQUIRE"}, None, None),
    ("nix",
     f(default_nix=None, start=None, apt=None, postBuild=None, env_yml=None, runtime="python3.11"),
     "NixBuildPack", {B + "default.nix", B + "start", B + "apt.txt", B + "postBuild"},
     {B + "environment.yml", B + "runtime.txt"}, None, None),
    ("binder-dir-shadows-root",
     f(apt=None, root={"requirements.txt": None, "environment.yml": None, "Dockerfile": None}),
     "PythonBuildPack", {B + "apt.txt"}, {"requirements.txt", "environment.yml", "Dockerfile"},
     None, None),
    ("dot-binder", f(".binder", requirements=None), "PythonBuildPack", {".binder/requirements.txt"},
     set(), None, None),
    ("both-binder-dirs-fail", {**f(requirements=None), **f(".binder", apt=None)}, "", set(), set(),
     None, "binder"),
    ("legacy-root-dockerfile-fails",
     f(requirements=None, root={"Dockerfile": "FROM andrewosh/binder-base\n"}), "", set(), set(),
     None, "binder-base"),
    ("dockerignore-from-binder-dir",
     f(dot_dockerignore=None, **{".containerignore": None}, root={".dockerignore": None}),
     "PythonBuildPack", {B + ".dockerignore", B + ".containerignore"}, {".dockerignore"}, None,
     None),
    ("docker-reads-root-dockerignore",
     f(Dockerfile=None, dot_dockerignore=None, root={".dockerignore": None}), "DockerBuildPack",
     {B + "Dockerfile", ".dockerignore"}, {B + ".dockerignore"}, None, None),
    ("apt-uppercase-fails", f(apt="Git\n"), "PythonBuildPack", set(), set(), None, "apt.txt"),
    ("unrecognised-names", f(**{"postBuild.sh": "x", "conda-lock.yml": "x", "requirements": None}),
     "PythonBuildPack", {B + "requirements.txt"}, {B + "postBuild.sh", B + "conda-lock.yml"}, None,
     None),
    ("r-ignores-environment-python-pin", f(runtime="r-2023-01-01", env_yml=ENV_PY311), "RBuildPack",
     {B + "runtime.txt", B + "environment.yml"}, set(), None, None),
]  # fmt: skip
CASE_IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_rule(case: tuple) -> None:
    _, tree, buildpack, used, ignored, python, error = case
    exp = explain(tree)
    assert exp.buildpack == buildpack, exp.render_text()
    if error is not None:
        assert exp.error is not None and error in exp.error, exp.render_text()
        return
    assert exp.error is None, exp.render_text()
    assert set(exp.used) == used, exp.render_text()
    assert {p for p, _ in exp.ignored} == ignored, exp.render_text()
    assert exp.python_version == python
    assert all(reason for _, reason in exp.ignored)


@pytest.mark.repo2docker
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_rule_agrees_with_repo2docker(case: tuple, tmp_path: Path) -> None:
    assert_agrees(case[1], tmp_path)


# --- the differential test ------------------------------------------------------------------------

PRIMARY = (None, "Dockerfile", "Project.toml", "JuliaProject.toml", "REQUIRE", "default.nix",
           "environment.yml", "environment.yaml", "Pipfile", "Pipfile.lock", "requirements.txt",
           "runtime.txt", "runtime.txt", "install.R", "DESCRIPTION")  # fmt: skip
SECONDARY = ("requirements.txt", "requirements3.txt", "environment.yml", "environment.yaml",
             "Pipfile", "Pipfile.lock", "install.R", "apt.txt", "postBuild", "start",
             ".dockerignore", ".containerignore", "runtime.txt", "runtime.txt", "runtime.txt",
             "setup.py", "pyproject.toml", "DESCRIPTION", "postBuild.sh", "conda-lock.yml",
             "JuliaProject.toml")  # fmt: skip
APT_CONTENTS = ("git\nlibfoo-dev=1.2 # pinned\n", "# nothing\n\n", "git htop\n", "Git\n")
AT_ROOT = ("requirements.txt", "setup.py", "pyproject.toml", "DESCRIPTION", "Dockerfile",
           ".dockerignore", "environment.yml", "runtime.txt")  # fmt: skip


@st.composite
def repositories(draw: st.DrawFn) -> dict[str, str | None]:
    layout = draw(st.sampled_from(["binder", "binder", ".binder", "root", "root", "both"]))
    names = {n for n in [draw(st.sampled_from(PRIMARY))] if n} | draw(
        st.sets(st.sampled_from(SECONDARY), max_size=5)
    )
    content = {
        **DEFAULT_CONTENT,
        "runtime.txt": draw(st.sampled_from(RUNTIMES)),
        "environment.yml": draw(st.sampled_from(ENV_CONTENTS)),
        "environment.yaml": draw(st.sampled_from(ENV_CONTENTS)),
        "pyproject.toml": draw(st.sampled_from(PYPROJECTS)),
        "Pipfile": draw(st.sampled_from(PIPFILES)),
        "Pipfile.lock": draw(st.sampled_from(PIPFILE_LOCKS)),
        "apt.txt": draw(st.sampled_from(APT_CONTENTS)),
        "postBuild.sh": "echo\n",
        "conda-lock.yml": "version: 1\n",
    }
    cfg = {"root": "", "both": "binder/"}.get(layout, layout + "/")
    tree: dict[str, str | None] = {cfg: None} if cfg else {}
    tree.update({cfg + n: content[n] for n in names})
    if layout == "both":
        tree[".binder/"] = None
    if cfg:
        tree.update({n: content[n] for n in draw(st.sets(st.sampled_from(AT_ROOT), max_size=3))})
    return tree


@pytest.mark.repo2docker
@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
@given(repositories())
def test_table_agrees_with_repo2docker(tree: dict[str, str | None]) -> None:
    with tempfile.TemporaryDirectory() as d:
        exp = assert_agrees(tree, Path(d))
    event(f"{exp.buildpack or 'no buildpack'}{' (error)' if exp.error else ''}")


def assert_agrees(tree: Mapping[str, str | None], where: Path) -> Explanation:
    """explain() on the mapping and on the directory agree with each other and with repo2docker."""
    from helpers.r2d import inspect_dir

    write(tree, where)
    exp = explain(tree)
    assert explain(where) == exp, "explain(directory) differs from explain(mapping)"
    real = inspect_dir(where)
    shown = json.dumps({k: v for k, v in real.items() if k != "dockerfile"}, indent=1)
    context = f"{sorted(tree)}\n--- table:\n{exp.render_text()}--- repo2docker: {shown}"
    if real["error"] or exp.error:
        assert bool(real["error"]) == bool(exp.error), context
        assert exp.buildpack == (real["buildpack"] or ""), context
        return exp
    assert exp.buildpack == real["buildpack"], context
    assert set(exp.used) == set(real["files_used"]), context
    assert {p for p, _ in exp.ignored} == set(real["ignored"]), context
    if real["python_version"] is None:
        assert exp.python_version is None, context
    else:
        assert (exp.python_version or DEFAULT_PYTHON) == real["python_version"], context
    assert dict(exp.environments) == installs_into(real["dockerfile"], where), context
    assert exp.separate_kernel == (SEPARATE_KERNEL in real["dockerfile"]), context
    return exp


# --- the constants were read from repo2docker's source: check them against the installed one ------


@pytest.mark.repo2docker
def test_constants_match_installed_repo2docker() -> None:
    import inspect

    import repo2docker
    from repo2docker.app import Repo2Docker
    from repo2docker.buildpacks import CondaBuildPack, RBuildPack, base, pipfile, r
    from repo2docker.buildpacks.conda import PYTHON_REGEX
    from repo2docker.buildpacks.conda.supported_python_version import SUPPORTED_PYTHON_VERSION

    assert constants.REPO2DOCKER_VERSION == repo2docker.__version__, (
        "re-check the table for this version"
    )
    app = Repo2Docker()
    order = [bp.__name__ for bp in app.buildpacks if bp.__name__ != "LegacyBinderDockerBuildPack"]
    assert order == [rule.name for rule in table.BUILDPACKS]
    assert app.default_buildpack.__name__ == table.DEFAULT_BUILDPACK
    assert CondaBuildPack.major_pythons == constants.MAJOR_PYTHONS
    assert CondaBuildPack.kernel_env_cutoff_version == ".".join(
        map(str, constants.LEGACY_KERNEL_BELOW)
    )
    assert PYTHON_REGEX.pattern == constants.PYTHON_PIN_RE.pattern
    assert pipfile.VERSION_PAT.pattern == constants.PIPFILE_VERSION_RE.pattern
    assert SUPPORTED_PYTHON_VERSION == constants.PYPROJECT_FALLBACK_PYTHONS
    assert r.RSPM_CUTOFF_DATE.isoformat() == constants.RSPM_CUTOFF_DATE
    # Not module constants in repo2docker: the patterns are written inline where applied.
    base_source = inspect.getsource(base)
    assert f're.match(r"{constants.APT_LINE_RE.pattern}", package)' in base_source
    assert f're.match(r"{constants.RUNTIME_DATE_RE.pattern}", date)' in base_source
    lock_dir = Path(repo2docker.__file__).parent / "buildpacks" / "conda"
    found = sorted(p.name.split("-")[1] for p in lock_dir.glob("environment.py-*-linux-64.lock"))
    assert sorted(constants.SUPPORTED_PYTHONS) == found
    for short, full in constants.R_VERSIONS.items():
        bp = RBuildPack(base_image="x")
        bp._runtime = ("r", short, None)
        assert bp.r_version == full


def test_oracle_looks_for_the_same_names() -> None:
    """tests/r2d.py lists repo2docker's file names on its own, so that a name missing from the
    constants is not missing from the oracle too; the two lists must still agree."""
    from helpers import r2d

    assert set(r2d.KNOWN) == set(constants.CONFIG_FILES) | set(constants.ROOT_ONLY_FILES)
    assert set(r2d.UNRECOGNISED) <= set(constants.UNRECOGNISED)


def test_table_uses_only_defined_words() -> None:
    names = set(constants.CONFIG_FILES) | set(constants.ROOT_ONLY_FILES)
    rules = table.BUILDPACKS
    assert set(table.CONDITIONS) == set(facts.CONDITION_HOLDS)
    assert set(table.CHECK_NAMES) == set(checks.BUILD_CHECKS) | set(checks.FILE_CHECKS)
    for rule in rules:
        for cond in rule.picked_when + rule.unless:
            kind, _, name = cond.partition(":")
            assert name in names if kind in ("file", "root") else cond in table.CONDITIONS, cond
        for read in rule.reads + table.EVERY_BUILDPACK_READS:
            assert read.when in table.CONDITIONS and set(read.names) <= names, read
            assert read.check is None or read.check in checks.FILE_CHECKS, read
        assert set(rule.checks) <= set(checks.BUILD_CHECKS), rule.name
        for read in rule.reads:
            # only a buildpack with a conda Python has environments to install into
            assert read.into is None or rule.has_conda_python, (rule.name, read)
        # a conda Python is always checked against the base environments repo2docker has
        assert ("python-version" in rule.checks) == rule.has_conda_python, rule.name
        assert all("{path}" in note.text for note in rule.notes), rule.name
    bp_names = {r.name for r in rules} | {"*"}
    assert table.DEFAULT_BUILDPACK in bp_names
    for name, bp in table.IGNORED_BECAUSE:
        assert name in names | {"*"} and bp in bp_names, (name, bp)
    assert set(table.IGNORED_AT_ROOT) <= names | {"*"}
    assert all(read.into is None for read in table.EVERY_BUILDPACK_READS)
    assert set(table.INSTALLED_INTO) == {(i, legacy) for i in ("kernel", "server")
                                         for legacy in (False, True)}  # fmt: skip
    assert set(table.INSTALLED_INTO.values()) == set(table.ENVIRONMENTS)


# --- where each file's packages go ----------------------------------------------------------------

# (id, files, {path: environment}, separate kernel)
ENVIRONMENT_CASES = [
    ("conda", f(env_yml=None, requirements=None), {B + "environment.yml": "notebook"}, False),
    ("conda-legacy", f(env_yml="dependencies:\n  - python=3.6\n", requirements3=None),
     {B + "environment.yml": "kernel"}, True),
    ("conda-python-2", f(env_yml="dependencies:\n  - python=2\n"),
     {B + "environment.yml": "kernel"}, True),
    ("python-legacy", f(runtime="python-2.7", requirements=None, requirements3=None),
     {B + "requirements.txt": "kernel", B + "requirements3.txt": "server"}, True),
    ("python-3.7-is-not-legacy", f(runtime="python-3.7", requirements=None),
     {B + "requirements.txt": "notebook"}, False),
    ("r-takes-python-from-runtime",
     f(runtime="r-2023-01-01", env_yml="dependencies:\n  - python=3.6\n", requirements=None),
     {B + "environment.yml": "notebook", B + "requirements.txt": "notebook"}, False),
    ("julia-legacy", f(project_toml=None, runtime="python-2.7", env_yml=ENV_NOPIN),
     {B + "environment.yml": "kernel"}, True),
    ("pipfile-legacy", f(pipfile='[requires]\npython_version = "2.7"\n', requirements3=None),
     {B + "Pipfile": "kernel", B + "requirements3.txt": "server"}, True),
    ("pipfile-lock-installs", f(pipfile=None, pipfile_lock=None), {B + "Pipfile.lock": "notebook"},
     False),
    ("root-package-legacy", f("root", setup_py=None, runtime="python-3.6"),
     {"setup.py": "kernel"}, True),
    ("pyproject-requires-python-installs-nothing", f("root", pyproject=PYPROJECTS[2]), {}, False),
    ("nix-has-no-conda-environment", f(default_nix=None, requirements=None), {}, False),
]  # fmt: skip
ENVIRONMENT_IDS = [c[0] for c in ENVIRONMENT_CASES]


@pytest.mark.parametrize("case", ENVIRONMENT_CASES, ids=ENVIRONMENT_IDS)
def test_where_packages_go(case: tuple) -> None:
    _, tree, environments, separate = case
    exp = explain(tree)
    assert exp.error is None, exp.render_text()
    assert dict(exp.environments) == environments
    assert exp.separate_kernel == separate


@pytest.mark.repo2docker
@pytest.mark.parametrize("case", ENVIRONMENT_CASES, ids=ENVIRONMENT_IDS)
def test_where_packages_go_agrees_with_repo2docker(case: tuple, tmp_path: Path) -> None:
    assert_agrees(case[1], tmp_path)


def test_explain_says_where_packages_go_in_text_and_json() -> None:
    legacy = explain(f(env_yml="dependencies:\n  - python=3.6\n"))
    text = legacy.render_text()
    assert "packages go to:\n  binder/environment.yml  the kernel's own environment" in text
    assert "Python 3.6" in text and f"notebook server (Python {DEFAULT_PYTHON})" in text
    data = json.loads(json.dumps(legacy.to_json()))
    assert data["separate_kernel_environment"] is True
    (used,) = data["used"]
    assert used["environment"] == "kernel"
    assert "does not see it" in used["environment_description"]
    shared = explain(f(env_yml=None, apt=None)).to_json()
    envs = {u["path"]: u["environment"] for u in shared["used"]}  # type: ignore[union-attr]
    assert envs == {B + "environment.yml": "notebook", B + "apt.txt": None}
    assert shared["separate_kernel_environment"] is False


def test_explain_command_says_where_packages_go(cli, tmp_path: Path) -> None:
    write(f(env_yml="dependencies:\n  - python=3.6\n", requirements=None), tmp_path)
    run = cli("explain", tmp_path)
    assert run.code == 0 and "packages go to:" in run.out and "kernel's own environment" in run.out
    run = cli("explain", tmp_path, "--json")
    used = {u["path"]: u["environment"] for u in json.loads(run.out)["used"]}
    assert used == {B + "environment.yml": "kernel"}


# --- what the libraries parse and the old home-made readers did not -------------------------------

PYPROJECT_SPECS = (">=3.12", ">=3.8,<4", "==3.10.*", "!=3.11.*", "~=3.9", "~=3.9.1", "<3.11",
                   ">3.10", "<=3.10", "==3.10", "==3.10.0", "!=3.10", ">=3.10.2", "==3.*",
                   "===3.10", ">=3.9, <3.13", ">=3.9,!=3.10.*", "~=3.10", ">=3.10a1,<3.12",
                   ">=3.11,<3.11", ">=3.*", "3.11")  # fmt: skip


@pytest.mark.parametrize("spec", PYPROJECT_SPECS)
def test_requires_python_as_packaging_reads_it(spec: str) -> None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    exp = explain({"pyproject.toml": f'[project]\nname = "x"\nrequires-python = "{spec}"\n'})
    assert exp.buildpack == "PythonBuildPack"
    try:
        allowed = SpecifierSet(spec)
    except InvalidSpecifier:
        assert exp.error is not None and "requires-python" in exp.error
        return
    if DEFAULT_PYTHON in allowed:
        assert exp.error is None and exp.python_version is None
    elif fits := list(allowed.filter(constants.PYPROJECT_FALLBACK_PYTHONS)):
        assert exp.error is None and exp.python_version == fits[-1]
    else:
        assert exp.error is not None and "compatible with pyproject.toml" in exp.error


@pytest.mark.repo2docker
@pytest.mark.parametrize("spec", PYPROJECT_SPECS)
def test_requires_python_agrees_with_repo2docker(spec: str, tmp_path: Path) -> None:
    assert_agrees(
        {"pyproject.toml": f'[project]\nname = "x"\nrequires-python = "{spec}"\n'}, tmp_path
    )


# (environment.yml, the X.Y repo2docker builds, or an error substring)
ENVIRONMENTS = [
    ("dependencies:\n  - 'python=3.8'\n  - \"numpy\"\n", "3.8"),
    ("# top comment\ndependencies:   # deps\n- numpy\n\n- python==3.9.1  # exact\nchannels: [x]\n",
     "3.9"),
    ("dependencies: [\n  numpy,\n  python=3.11\n]\n", "3.11"),
    ("dependencies: [numpy, {pip: [x]}, 'python=3.12']\n", "3.12"),
    ("{dependencies: [python=3.13], channels: [conda-forge]}\n", "3.13"),
    ("dependencies:\n  - {pip: [x]}\n  - python=3.12\n", "3.12"),
    ("channels:\n  - dependencies\ndependencies:\n  - python=3.13\n", "3.13"),
    ("x: &py python=3.9\ndependencies:\n  - numpy\n  - *py\n", "3.9"),
    ('dependencies:\n  - "\\x70ython=3.9"\n', "3.9"),
    ("dependencies:\n  - >-\n    python=3.11\n", "3.11"),
    ("dependencies:\n  - numpy !=1.2\n  - python=3.12\n", "3.12"),
    ("dependencies:\n  - !!str python=3.12\n  - python=3.9\n", "3.9"),  # tagged: not a str to it
    ("dependencies:\n  - !custom numpy\n  - python=3.11\n", "3.11"),
    ("dependencies:\n  python=3.11: x\n", "3.11"),  # a mapping is iterated over its keys
    ("dependencies:\n  - python=3.11\n  - python=3.12\n", "3.11"),
    ("dependencies:\n  - 3.11\n  - python\n", None),
    ("dependencies: [a\n", "not valid YAML"),
    ("dependencies:\n  - python=3.9\ndependencies:\n  - python=3.11\n", "not valid YAML"),
    ("- python=3.11\n", "mapping"),
    ("dependencies:\n", "dependencies"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), ENVIRONMENTS)
def test_environment_yml_read_as_yaml(text: str, expected: str | None) -> None:
    exp = explain({"binder/environment.yml": text})
    assert exp.buildpack == "CondaBuildPack"
    if expected is None or expected[0].isdigit():
        assert exp.error is None, exp.render_text()
        assert exp.python_version == expected
    else:
        assert exp.error is not None and expected in exp.error, exp.render_text()
        assert exp.error.startswith("binder/environment.yml: ")


@pytest.mark.repo2docker
@pytest.mark.parametrize(("text", "expected"), ENVIRONMENTS)
def test_environment_yml_agrees_with_repo2docker(
    text: str, expected: str | None, tmp_path: Path
) -> None:
    assert_agrees({"binder/environment.yml": text}, tmp_path)


def test_environment_yml_fails_for_every_conda_buildpack() -> None:
    """R and Julia install environment.yml too: repo2docker loads it, and fails on bad YAML."""
    exp = explain(f(runtime="r-2023-01-01", env_yml="dependencies: [a\n"))
    assert exp.buildpack == "RBuildPack" and exp.error and "environment.yml" in exp.error


UNUSUAL_RUNTIMES = ("python-3.11rc1", "python-v3", "python-4", "python-abc", "r-2023-01-01T00",
                    "r-2023-W01-1", "r-2023-13-45", "python-3.11-2023-01-01")  # fmt: skip


@pytest.mark.repo2docker
@pytest.mark.parametrize("runtime", UNUSUAL_RUNTIMES)
def test_unusual_runtimes_agree_with_repo2docker(runtime: str, tmp_path: Path) -> None:
    assert_agrees(f(runtime=runtime, requirements=None), tmp_path)


def test_non_string_requires_python_fails() -> None:
    exp = explain({"pyproject.toml": "[project]\nrequires-python = 3.8\n"})
    assert exp.error is not None and "requires-python must be a string" in exp.error


def test_notes_come_from_the_table() -> None:
    exp = explain(
        f(project_toml=None, **{"Manifest.toml": "x"}, env_yml="dependencies:\n  - python=3.9\n")
    )
    assert exp.buildpack == "JuliaProjectTomlBuildPack" and exp.error is None
    assert any(n.startswith("binder/Manifest.toml is not read by repo2docker") for n in exp.notes)
    assert any(
        "pins python 3.9 but JuliaProjectTomlBuildPack builds Python 3.10" in n for n in exp.notes
    )
    nix = explain(f(default_nix=None, start=None))
    assert dict(nix.used_for)["binder/start"].startswith(
        "run at container start by nix-shell-wrapper"
    )
    assert "python:" not in nix.render_text()  # no conda Python in a Nix image


def test_content_unknown() -> None:
    exp = explain(
        {
            "binder/environment.yml": None,
            "binder/runtime.txt": None,
            "binder/requirements.txt": None,
        }
    )
    assert exp.buildpack == "CondaBuildPack" and exp.python_version is None
    assert any("content unknown" in n for n in exp.notes)
    exp = explain({"binder/runtime.txt": None, "binder/Pipfile": None})
    assert exp.buildpack == "PipfileBuildPack"  # unknown runtime.txt is taken to name python


def test_mapping_accepts_bytes_and_dot_slash() -> None:
    a = explain(
        {"./binder/environment.yml": ENV_PY311.encode(), "binder/requirements.txt": b"numpy\n"}
    )
    b = explain({"binder/environment.yml": ENV_PY311, "binder/requirements.txt": None})
    assert a == b and a.python_version == "3.11"


def test_explanation_is_frozen_and_serialises() -> None:
    exp = explain(f(env_yml=None, requirements=None, install_R=None))
    with pytest.raises(dataclasses.FrozenInstanceError):
        exp.buildpack = "x"  # type: ignore[misc]
    data = json.loads(json.dumps(exp.to_json()))
    assert data["buildpack"] == "CondaBuildPack"
    assert {i["path"] for i in data["ignored"]} == {B + "requirements.txt", B + "install.R"}
    text = exp.render_text()
    assert "CondaBuildPack" in text and "binder/requirements.txt" in text and "pip:" in text
    assert isinstance(hash(exp), int)


def test_render_text_shows_error_and_default_python() -> None:
    assert "error:" in explain(f(runtime="python-3.12.1")).render_text()
    assert f"default ({DEFAULT_PYTHON})" in explain(f(requirements=None)).render_text()


def test_ignored_in_binder_dir() -> None:
    merged = {"environment.yml": ENV_PY311, "requirements.txt": "x\n", "runtime.txt": "python-3.9",
              "apt.txt": "git\n", "install.R": "x"}  # fmt: skip
    got = dict(ignored_in_binder_dir(merged))
    assert set(got) == {"requirements.txt", "runtime.txt", "install.R"}
    assert "pip:" in got["requirements.txt"]
    assert ignored_in_binder_dir({"requirements.txt": "x", "apt.txt": "git"}) == []
    assert dict(ignored_in_binder_dir({"Dockerfile": "FROM x", "apt.txt": "git"})).keys() == {
        "apt.txt"
    }


def test_explain_directory(tmp_path: Path) -> None:
    write(f(".binder", env_yml=None, requirements=None), tmp_path)
    exp = explain(os.fspath(tmp_path))
    assert isinstance(exp, Explanation) and exp.binder_dir == ".binder"
    assert exp.used == (".binder/environment.yml",)
    with pytest.raises(NotADirectoryError):
        explain(tmp_path / "missing")


# The modules every merge imports and the fast --check path may import: standard library only.
STDLIB_ONLY = ("constants", "runtime", "python", "table", "checks", "facts", "explain")


@pytest.mark.parametrize("module", STDLIB_ONLY)
def test_module_imports_only_the_standard_library(module: str) -> None:
    import ast

    path = Path(constants.__file__).with_name(f"{module}.py")
    tree = ast.parse(path.read_text())
    # module level only: facts.py imports ruamel, packaging and tomllib inside functions
    imported = {
        a.name.split(".")[0] for n in tree.body if isinstance(n, ast.Import) for a in n.names
    }
    imported |= {
        n.module.split(".")[0]
        for n in tree.body
        if isinstance(n, ast.ImportFrom) and n.module and not n.level
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__", "bindermerge"}, imported


def imported_after(code: str) -> set[str]:
    """Top-level names of the modules ``code`` loads in a fresh interpreter (start-up's aside)."""
    script = (
        f"import sys\nbefore = set(sys.modules)\n{code}\n"
        "print(' '.join(sorted({m.split('.')[0] for m in set(sys.modules) - before})))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(proc.stdout.split())


def test_constants_import_is_cheap() -> None:
    """The fast --check path imports BINDER_DIRS from constants: only the stdlib, not typing."""
    loaded = imported_after("import bindermerge.repo2docker.constants")
    assert loaded - {"bindermerge"} <= set(sys.stdlib_module_names), loaded
    assert "typing" not in loaded


def test_merge_explain_imports_libraries_only_when_content_needs_them() -> None:
    loaded = imported_after(
        "from bindermerge.repo2docker.explain import ignored_in_binder_dir\n"
        "ignored_in_binder_dir({'apt.txt': 'git', 'requirements.txt': 'numpy',"
        " 'runtime.txt': 'r-2023-01-01', 'install.R': 'x', 'postBuild': 'x'})"
    )
    assert not {"ruamel", "packaging", "tomllib", "tomli"} & loaded, loaded
    loaded = imported_after(
        "from bindermerge.repo2docker.explain import explain\n"
        "explain({'binder/environment.yml': 'dependencies: [python=3.11]'})"
    )
    assert "ruamel" in loaded and "packaging" not in loaded


CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.mark.corpus
@pytest.mark.repo2docker
@pytest.mark.skipif(not CORPUS.is_dir(), reason="no ../shared/corpus")
def test_table_agrees_with_repo2docker_on_corpus() -> None:
    from helpers.r2d import inspect_dir

    disagree = []
    for repo in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        exp, real = explain(repo), inspect_dir(repo)
        if real["error"] or exp.error:
            same = bool(real["error"]) == bool(exp.error) and exp.buildpack == (
                real["buildpack"] or ""
            )
        else:
            same = (
                exp.buildpack == real["buildpack"]
                and set(exp.used) == set(real["files_used"])
                and {p for p, _ in exp.ignored} == set(real["ignored"])
            )
        if not same:
            disagree.append(f"{repo.name}: table {exp.to_json()} / repo2docker {real['buildpack']}")
    assert not disagree, "\n".join(disagree)
