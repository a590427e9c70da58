"""The pre-commit hooks, driven by the real pre-commit in temporary git repositories.

pre-commit installs this project from a git repository into a hook environment of its own,
exactly as a user's ``.pre-commit-config.yaml`` makes it do. The repository it installs from
is a snapshot of this checkout as it is on disk (tracked and new files, committed into a
repository of its own), so uncommitted work is what is tested; the hook environment is built
once per test session (``PRE_COMMIT_HOME``) and reused by every test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import REPO, tree_bytes, write_tree
from helpers.git_repos import GitWorld, Remote
from ruamel.yaml import YAML

DB = {
    "apt.txt": "postgresql\n",
    "requirements.txt": "psycopg2-binary\n",
    "postBuild": '#!/bin/sh\nset -e\ncp binder/seed.sql "$HOME/seed.sql"\n',
    "seed.sql": "create table t (x int);\n",
}
REFINE = {"binder/apt.txt": "openjdk-17-jre-headless\n", "binder/requirements.txt": "nbgitpuller\n"}


@dataclass
class HookRepo:
    path: Path
    rev: str


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    """This checkout as it is on disk, committed into a repository pre-commit can clone."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for rel in filter(None, listed.split("\0")):
        src = REPO / rel
        dest = snapshot / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():  # bindermerge/templates: the link itself, as git holds it
            dest.symlink_to(src.readlink())
        elif src.is_file():  # not deleted in the work tree, nor a submodule
            shutil.copy2(src, dest)
    env = GitWorld(tmp_path_factory.mktemp("hook-repo-git")).full_env()
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *args], cwd=snapshot, env=env, check=True, capture_output=True)
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=snapshot, env=env, capture_output=True, text=True
    ).stdout.strip()
    return HookRepo(snapshot, rev)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store of hook environments for the session: the install happens once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@dataclass
class Project:
    root: Path
    world: GitWorld
    block: Remote
    home: Path

    def env(self) -> dict[str, str]:
        return {**self.world.full_env(), "PRE_COMMIT_HOME": str(self.home)}

    def git(self, *args: str) -> str:
        return self.world.git(*args, cwd=self.root)

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        # pre-commit is a test dependency: beside this Python, activated or not.
        return subprocess.run(
            [Path(sys.executable).parent / "pre-commit", *args],
            cwd=self.root,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=900,  # the first run installs the hook environment
        )

    def files(self) -> dict[str, tuple[bytes, int]]:
        return tree_bytes(self.root / "binder")


@pytest.fixture
def project(tmp_path: Path, hook_repo: HookRepo, pre_commit_home: Path) -> Iterator[Project]:
    """A user's repository: a local block, a block from gh: (routed to a local bare
    repository), bindermerge.toml, and a .pre-commit-config.yaml with both hooks."""
    world = GitWorld(tmp_path / "world")
    block = world.github("me/refine-block")
    block.commit(REFINE)
    root = tmp_path / "project"
    write_tree(root / "blocks" / "db", DB)
    (root / "bindermerge.toml").write_text(
        'sources = ["blocks/db", "gh:me/refine-block"]\noutput = "binder"\n'
    )
    config = {
        "repos": [
            {
                "repo": str(hook_repo.path),
                "rev": hook_repo.rev,
                "hooks": [{"id": "bindermerge"}, {"id": "bindermerge-check"}],
            }
        ]
    }
    with (root / ".pre-commit-config.yaml").open("w") as fh:
        YAML().dump(config, fh)
    p = Project(root, world, block, pre_commit_home)
    p.git("init", "-q", "-b", "main")
    p.git("add", "-A")
    p.git("commit", "-q", "-m", "blocks")
    yield p


def hook_ids(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """Each hook's verdict in pre-commit's output: {"bindermerge-check": "Failed", ...}."""
    verdicts = {}
    for line in result.stdout.splitlines():
        for word in ("Passed", "Failed", "Skipped"):
            if line.rstrip().endswith(word) and line.startswith("bindermerge ("):
                name = (
                    "bindermerge-check" if line.startswith("bindermerge (check") else "bindermerge"
                )
                verdicts[name] = word
    return verdicts


def test_hooks_file_is_what_pre_commit_reads():
    """Both hooks as the issue defines them, in the manifest pre-commit itself validates."""
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(REPO / ".pre-commit-hooks.yaml")}
    assert set(hooks) == {"bindermerge", "bindermerge-check"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
    assert hooks["bindermerge"]["entry"] == "bindermerge --exit-non-zero-on-write"
    assert hooks["bindermerge-check"]["entry"] == "bindermerge --check"
    # The pattern covers the config files, the binder file names and binder folders ...
    import re

    files = re.compile(hooks["bindermerge"]["files"])
    covered = ("pyproject.toml", "bindermerge.toml", "blocks/db/apt.txt", "x/environment.yml",
               "binder/postBuild", "binder/seed.sql", ".binder/start", "a/b/install.R",
               "binder/.bindermerge.json", "blocks/db/runtime.txt",
               "blocks/j/Project.toml")  # fmt: skip
    for path in covered:
        assert files.search(path), path
    # ... and not the content a commit usually changes.
    for path in ("README.md", "notebooks/analysis.ipynb", "src/pkg/mod.py", "binders.txt"):
        assert not files.search(path), path
    # The README names every hook, as pre-commit-hooks' own tests require of theirs.
    readme = (REPO / "README.md").read_text()
    for hook_id in hooks:
        assert f"id: {hook_id}" in readme


def test_stale_output_fails_the_regenerating_hook_fixes_it_and_a_second_run_passes(project):
    # The first run writes binder/ (new, untracked files): it must fail so they get added.
    first = project.pre_commit("run", "bindermerge", "--all-files")
    assert first.returncode == 1, first.stdout + first.stderr
    assert hook_ids(first) == {"bindermerge": "Failed"}
    assert "wrote binder/" in first.stdout
    assert (project.root / "binder" / "apt.txt").is_file()
    project.git("add", "-A")
    again = project.pre_commit("run", "--all-files")
    assert again.returncode == 0, again.stdout + again.stderr
    assert hook_ids(again) == {"bindermerge": "Passed", "bindermerge-check": "Passed"}
    project.git("commit", "-q", "-m", "binder")

    # A block changes: the check fails with the reason and writes nothing ...
    (project.root / "blocks" / "db" / "apt.txt").write_text("postgresql\npostgis\n")
    project.git("add", "-A")
    before = project.files()
    stale = project.pre_commit("run", "bindermerge-check")
    assert stale.returncode == 1
    assert hook_ids(stale) == {"bindermerge-check": "Failed"}
    assert "bindermerge: binder is out of date: apt.txt is out of date" in stale.stdout
    assert project.files() == before
    # ... the regenerating hook rewrites it and stops the commit ...
    fixed = project.pre_commit("run", "bindermerge")
    assert fixed.returncode == 1
    assert "postgis" in (project.root / "binder" / "apt.txt").read_text()
    # ... and once the regenerated files are added, both pass.
    project.git("add", "-A")
    final = project.pre_commit("run")
    assert final.returncode == 0, final.stdout + final.stderr
    assert hook_ids(final) == {"bindermerge": "Passed", "bindermerge-check": "Passed"}


def test_hooks_run_offline_once_git_sources_are_pinned(project):
    assert project.pre_commit("run", "bindermerge", "--all-files").returncode == 1
    project.git("add", "-A")
    # The remote is gone and bindermerge's cache with it: the pinned commit is enough for
    # the check and for an up-to-date regeneration.
    shutil.rmtree(project.block.bare)
    shutil.rmtree(project.world.git_cache)
    result = project.pre_commit("run", "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert hook_ids(result) == {"bindermerge": "Passed", "bindermerge-check": "Passed"}


def test_hooks_skip_commits_that_touch_no_binder_file(project):
    assert project.pre_commit("run", "bindermerge", "--all-files").returncode == 1
    project.git("add", "-A")
    project.git("commit", "-q", "-m", "binder")
    (project.root / "README.md").write_text("# notes\n")
    project.git("add", "README.md")
    result = project.pre_commit("run")
    assert result.returncode == 0
    assert hook_ids(result) == {"bindermerge": "Skipped", "bindermerge-check": "Skipped"}


def test_try_repo_runs_the_check_hook_from_this_repository(project, hook_repo):
    assert project.pre_commit("run", "bindermerge", "--all-files").returncode == 1
    (project.root / "binder" / "apt.txt").write_text("edited by hand\n")
    project.git("add", "-A")
    result = project.pre_commit(
        "try-repo", str(hook_repo.path), "bindermerge-check", "--ref", hook_repo.rev, "--all-files"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "apt.txt is out of date" in result.stdout


def test_readme_snippet_is_valid_pre_commit_config(tmp_path):
    """The README's .pre-commit-config.yaml works as pasted: pre-commit's own schema reads it,
    it names this project's hooks, and its rev is a tag of this version."""
    from pre_commit.clientlib import load_config

    from bindermerge._version import __version__

    readme = (REPO / "README.md").read_text()
    start = readme.index("```yaml\n# .pre-commit-config.yaml")
    snippet = readme[start + len("```yaml\n") : readme.index("```", start + 7)]
    path = tmp_path / ".pre-commit-config.yaml"
    path.write_text(snippet)
    config = load_config(path)
    (repo,) = config["repos"]
    assert repo["rev"] == f"v{__version__}"
    assert {h["id"] for h in repo["hooks"]} <= {"bindermerge", "bindermerge-check"}
