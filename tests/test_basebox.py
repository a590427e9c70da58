"""``bindermerge basebox``: a base-box branch committed without touching the checkout.

Every test runs the real command line in a temporary git repository (its own git config:
tests/helpers/git_repos.GitWorld) holding building blocks, a dirty work tree, untracked files
and a stash; the state of all of those is compared before and after each run.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import write_tree
from helpers.git_repos import GitWorld
from helpers.r2d import inspect_dir
from markdown_it import MarkdownIt

DB = {
    "environment.yml": "name: db\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n"
    "  - psycopg2\n",
    "apt.txt": "postgresql\n",
    "postBuild": '#!/bin/sh\nset -e\necho db-ready > "$HOME/db"\n',
}
REFINE = {"requirements.txt": "jupyter-server-proxy>=4\n"}
CONTENT = "https://github.com/me/course"


@dataclass
class Repo:
    root: Path
    world: GitWorld

    def git(self, *args: str) -> str:
        return self.world.git(*args, cwd=self.root)

    def state(self) -> dict[str, object]:
        """Everything of the checkout a run must leave as it was."""
        files = {
            p.relative_to(self.root).as_posix(): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(self.root).parts
        }
        return {
            "HEAD": self.git("rev-parse", "HEAD"),
            "symbolic": self.git("symbolic-ref", "-q", "HEAD"),
            "status": self.git("status", "--porcelain=v1", "--untracked-files=all"),
            "index": self.git("ls-files", "--stage"),
            "stash": self.git("stash", "list", "--format=%H %s"),
            "files": files,
            "branches": self.git(
                "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/main", "refs/stash"
            ),  # fmt: skip
        }

    def branch_files(self, branch: str = "env") -> list[str]:
        return self.git("ls-tree", "-r", "--name-only", branch).splitlines()

    def show(self, spec: str) -> str:
        return self.git("show", spec)

    def commits(self, branch: str = "env") -> list[str]:
        return self.git("rev-list", branch).splitlines()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    world = GitWorld(tmp_path / "world")
    for key, value in world.env().items():
        monkeypatch.setenv(key, value)
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(key, raising=False)
    root = tmp_path / "project"
    write_tree(root / "blocks" / "db", DB)
    write_tree(root / "blocks" / "refine", REFINE)
    write_tree(root, {"notebooks/analysis.py": "print('hi')\n", "README.md": "# project\n"})
    r = Repo(root, world)
    r.git("init", "-q", "-b", "main")
    r.git("remote", "add", "origin", "git@github.com:me/course-env.git")
    r.git("add", "-A")
    r.git("commit", "-q", "-m", "blocks")
    # A checkout in the middle of work: a stash, a staged change, an unstaged one, untracked.
    (root / "README.md").write_text("# project\nstashed\n")
    r.git("stash", "-q")
    (root / "notebooks" / "analysis.py").write_text("print('staged')\n")
    r.git("add", "notebooks/analysis.py")
    (root / "README.md").write_text("# project\nunstaged\n")
    (root / "scratch.txt").write_text("untracked\n")
    monkeypatch.chdir(root)
    return r


def rendered_links(markdown: str) -> list[tuple[str, str | None]]:
    """Each link of the rendered Markdown: its target and the image inside it, if any."""
    links: list[tuple[str, str | None]] = []
    for token in MarkdownIt("commonmark").parse(markdown):
        children = token.children or []
        for i, child in enumerate(children):
            if child.type == "link_open":
                image = children[i + 1] if i + 1 < len(children) else None
                src = image.attrGet("src") if image is not None and image.type == "image" else None
                links.append((str(child.attrGet("href")), str(src) if src else None))
    return links


def basebox(cli, *args: str):  # type: ignore[no-untyped-def]
    return cli("basebox", *args)


# --- the branch -----------------------------------------------------------------------------


def test_first_run_makes_an_orphan_branch_and_leaves_the_checkout_alone(cli, repo):
    before = repo.state()
    r = basebox(cli, "blocks/db", "blocks/refine", "--branch", "env")
    assert r.code == 0, r.err
    assert repo.state() == before
    (commit,) = repo.commits()
    assert repo.git("rev-list", "--parents", "-n1", "env").split() == [commit]  # no parent
    files = repo.branch_files()
    assert "README.md" in files and "binder/.bindermerge.json" in files
    assert all(f == "README.md" or f.startswith("binder/") for f in files)
    assert "postgresql" in repo.show("env:binder/apt.txt")
    assert "jupyter-server-proxy>=4" in repo.show("env:binder/environment.yml")
    assert repo.git("ls-tree", "env", "binder/postBuild").startswith("100755")
    # The launch URL is the last line of stdout; the branch named in it is the one made.
    assert r.out.splitlines()[-1] == "https://mybinder.org/v2/gh/me/course-env/env"
    assert "created branch env" in r.err


def test_a_second_run_with_the_same_inputs_makes_no_commit(cli, repo):
    assert basebox(cli, "blocks/db", "--branch", "env").code == 0
    first = repo.commits()
    before = repo.state()
    r = basebox(cli, "blocks/db", "--branch", "env")
    assert r.code == 0
    assert "branch env is up to date" in r.err
    assert repo.commits() == first
    assert repo.state() == before


def test_a_change_makes_exactly_one_commit_on_the_last(cli, repo):
    assert basebox(cli, "blocks/db", "--branch", "env").code == 0
    (first,) = repo.commits()
    (repo.root / "blocks" / "db" / "apt.txt").write_text("postgresql\npostgis\n")
    before = repo.state()
    assert basebox(cli, "blocks/db", "--branch", "env").code == 0
    second, parent = repo.commits()
    assert parent == first
    assert repo.git("rev-list", "--parents", "-n1", "env").split() == [second, first]
    assert "postgis" in repo.show("env:binder/apt.txt")
    assert repo.state() == before
    message = repo.git("log", "-1", "--format=%B", "env")
    assert message.startswith("bindermerge basebox: binder/ from db")
    assert "- db: blocks/db" in message


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ({"requirements.txt": "numpy==2.0\n"}, 1),  # a conflict with the block below
        ({"requirements.txt": "numpy==\n"}, 2),  # bad input
        ({"Dockerfile": "FROM scratch\n"}, 2),  # a refused file
    ],
)
def test_a_failing_merge_leaves_the_branch_and_the_checkout(cli, repo, files, code):
    write_tree(repo.root / "blocks" / "pin", {"requirements.txt": "numpy==1.26\n"})
    write_tree(repo.root / "blocks" / "bad", files)
    assert basebox(cli, "blocks/pin", "--branch", "env").code == 0
    tip = repo.commits()
    before = repo.state()
    r = basebox(cli, "blocks/pin", "blocks/bad", "--branch", "env")
    assert r.code == code, r.err
    assert "Traceback" not in r.err
    assert repo.commits() == tip
    assert repo.state() == before
    # And on a branch that does not exist yet, none is made.
    r = basebox(cli, "blocks/pin", "blocks/bad", "--branch", "other")
    assert r.code == code
    assert repo.git("branch", "--list", "other") == ""


def test_push_to_a_local_bare_remote(cli, repo, tmp_path):
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    repo.git("remote", "add", "mirror", str(bare))
    r = basebox(cli, "blocks/db", "--branch", "env", "--push=mirror")
    assert r.code == 0, r.err
    pushed = subprocess.run(["git", "--git-dir", str(bare), "rev-parse", "env"],
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    assert pushed == repo.commits()[0]
    # --push alone pushes to --remote.
    (repo.root / "blocks" / "db" / "apt.txt").write_text("postgresql\npostgis\n")
    r = basebox(cli, "blocks/db", "--branch", "env", "--remote", "mirror", "--push",
                "--binder-repo", "gh:me/course-env")  # fmt: skip
    assert r.code == 0, r.err
    pushed = subprocess.run(["git", "--git-dir", str(bare), "rev-parse", "env"],
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    assert pushed == repo.commits()[0]
    assert r.out.splitlines()[-1] == "https://mybinder.org/v2/gh/me/course-env/env"


# --- content, links and the README ----------------------------------------------------------


def test_content_adds_nbgitpuller_and_the_readme_links_are_what_link_prints(cli, repo):
    r = basebox(cli, "blocks/db", "blocks/refine", "--branch", "env", "--content", CONTENT,
                "--content-branch", "main")  # fmt: skip
    assert r.code == 0, r.err
    environment = repo.show("env:binder/environment.yml")
    assert "- nbgitpuller  # from nbgitpuller" in environment  # in the pip: block
    readme = repo.show("env:README.md")
    pulled = cli("link", "gh:me/course-env@env", "--content", CONTENT, "--content-branch", "main")
    plain = cli("link", "gh:me/course-env@env")
    badge = cli("link", "gh:me/course-env@env", "--content", CONTENT, "--content-branch", "main",
                "--format", "markdown")  # fmt: skip
    url = pulled.out.splitlines()[-1]
    assert r.out.splitlines()[-1] == url
    assert f"- Launch with the content: <{url}>" in readme
    assert f"- The environment alone: <{plain.out.splitlines()[-1]}>" in readme
    assert badge.out.splitlines()[0] in readme
    # Rendered as a reader sees it: every link goes where bindermerge link says, the badge too.
    assert rendered_links(readme) == [
        (CONTENT, None),
        (url, "https://mybinder.org/badge_logo.svg"),
        (url, None),
        (plain.out.splitlines()[-1], None),
    ]
    assert f"<{CONTENT}> (branch `main`)" in readme
    assert "| nbgitpuller | added by `--content` (nbgitpuller) |" in readme


@pytest.mark.parametrize(
    "line",
    [
        "nbgitpuller>=1.2",
        "git+https://github.com/jupyterhub/nbgitpuller@main#egg=nbgitpuller",
        "NbGitPuller @ git+https://github.com/jupyterhub/nbgitpuller@main",
    ],
)
def test_a_source_with_nbgitpuller_gets_no_second_one(cli, repo, line):
    write_tree(repo.root / "blocks" / "puller", {"requirements.txt": f"{line}\n"})
    r = basebox(cli, "blocks/puller", "--branch", "env", "--content", CONTENT)
    assert r.code == 0, r.err
    requirements = repo.show("env:binder/requirements.txt")
    assert [ln for ln in requirements.splitlines() if "nbgitpuller" in ln.lower()] == [
        f"{line}  # from puller"
    ]
    assert "added by `--content`" not in repo.show("env:README.md")


def test_without_an_environment_nbgitpuller_goes_to_requirements_txt(cli, repo):
    write_tree(repo.root / "blocks" / "apt-only", {"apt.txt": "htop\n"})
    assert basebox(cli, "blocks/apt-only", "--branch", "env", "--content", CONTENT).code == 0
    assert "nbgitpuller" in repo.show("env:binder/requirements.txt")


def test_repo2docker_installs_nbgitpuller_where_the_server_runs(cli, repo, tmp_path):
    assert basebox(cli, "blocks/db", "blocks/refine", "--branch", "env", "--content",
                   CONTENT).code == 0  # fmt: skip
    checkout = tmp_path / "env-checkout"
    repo.git("worktree", "add", "-q", str(checkout), "env")
    info = inspect_dir(checkout)
    assert info["buildpack"] == "CondaBuildPack"
    assert "binder/environment.yml" in info["files_used"]
    assert "nbgitpuller" in (checkout / "binder" / "environment.yml").read_text()
    repo.git("worktree", "remove", "--force", str(checkout))


def test_binder_repo_from_the_remote_or_named(cli, repo):
    repo.git("remote", "set-url", "origin", "https://gitlab.com/group/sub/course-env.git")
    r = basebox(cli, "blocks/db", "--branch", "env")
    assert r.out.splitlines()[-1] == "https://mybinder.org/v2/gl/group%2Fsub%2Fcourse-env/env"
    r = basebox(cli, "blocks/db", "--branch", "env", "--binder-repo", "gh:other/box",
                "--hub", "https://hub.example.org/")  # fmt: skip
    assert r.out.splitlines()[-1] == "https://hub.example.org/v2/gh/other/box/env"
    assert "https://hub.example.org/v2/gh/other/box/env" in repo.show("env:README.md")
    r = basebox(cli, "blocks/db", "--branch", "env", "--binder-repo", "gh:other/box@main")
    assert (r.code, r.err.strip()) == (
        2,
        "usage error: --binder-repo 'gh:other/box@main': give no @REF; the branch is the ref",
    )


def test_no_remote_means_no_link_and_says_how(cli, repo):
    repo.git("remote", "remove", "origin")
    r = basebox(cli, "blocks/db", "--branch", "env")
    assert r.code == 0
    assert r.out == ""
    assert "--binder-repo gh:OWNER/REPO" in r.err
    assert "There is no launch link yet" in repo.show("env:README.md")
    assert "'origin' is not a remote of this repository" in r.err
    # A remote named on purpose that is not there is a typo: refused before any commit.
    r = basebox(cli, "blocks/db", "--branch", "other", "--remote", "nosuch")
    assert (r.code, r.err.strip().splitlines()[-1]) == (
        2,
        "error: --remote nosuch: the repository has no remote named nosuch",
    )
    assert repo.git("branch", "--list", "other") == ""


def test_own_templates(cli, repo, tmp_path):
    templates = write_tree(tmp_path / "tpl", {"basebox-README.md.j2": (
        "{{ branch }} from {% for s in sources %}{{ s.name }} {% endfor %}-> {{ launch.url }}\n"
    )})  # fmt: skip
    assert basebox(cli, "blocks/db", "--branch", "env", "--templates", str(templates)).code == 0
    assert repo.show("env:README.md") == (
        "env from db -> https://mybinder.org/v2/gh/me/course-env/env"
    )
    broken = write_tree(tmp_path / "broken", {"basebox-README.md.j2": "{% if %}\n"})
    r = basebox(cli, "blocks/db", "--branch", "env", "--templates", str(broken))
    assert r.code == 2 and "basebox-README.md.j2:1:" in r.err
    r = basebox(cli, "blocks/db", "--branch", "env", "--templates", str(tmp_path))
    assert (r.code, r.err.strip()) == (
        2,
        f"usage error: --templates {tmp_path}: has no basebox-README.md.j2",
    )


# --- what is not bindermerge's --------------------------------------------------------------


def _commit_on_branch(repo: Repo, branch: str, path: str, text: str) -> None:
    """Commit a file onto ``branch`` through a worktree, as a person would."""
    where = repo.root.parent / f"wt-{branch}"
    repo.git("worktree", "add", "-q", str(where), branch)
    target = where / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    repo.world.git("add", "-A", cwd=where)
    repo.world.git("commit", "-q", "-m", "by hand", cwd=where)
    repo.git("worktree", "remove", str(where))


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("notes.md", "branch env holds files bindermerge did not write; --force would lose "
         "1 file: notes.md"),
        ("binder/apt.txt", "branch env: binder/ apt.txt was changed since bindermerge wrote it; "
         "--force would lose 1 file: apt.txt"),
        ("binder/extra.sh", "branch env: binder/ holds extra.sh, which bindermerge did not "
         "write; --force would lose 1 file: extra.sh"),
        ("README.md", "branch env has a README.md changed since bindermerge wrote it; --force "
         "would lose 1 file: README.md"),
    ],
)  # fmt: skip
def test_what_someone_else_committed_is_refused_without_force(cli, repo, path, said):
    assert basebox(cli, "blocks/db", "--branch", "env").code == 0
    _commit_on_branch(repo, "env", path, "by hand\n")
    tip = repo.commits()
    # A change to make, so that the README would be written anew too.
    (repo.root / "blocks" / "db" / "apt.txt").write_text("postgresql\npostgis\n")
    before = repo.state()
    r = basebox(cli, "blocks/db", "--branch", "env", "--binder-repo", "gh:me/changed")
    assert r.code == 2
    assert r.err.strip() == f"error: {said}"
    assert repo.commits() == tip
    assert repo.state() == before
    r = basebox(cli, "blocks/db", "--branch", "env", "--binder-repo", "gh:me/changed", "--force")
    assert r.code == 0, r.err
    assert len(repo.commits()) == len(tip) + 1


def test_the_checked_out_branch_is_refused(cli, repo):
    r = basebox(cli, "blocks/db", "--branch", "main")
    assert r.code == 2
    assert "branch main is checked out in" in r.err
    r = basebox(cli, "blocks/db", "--branch", "bad..name")
    assert (r.code, r.err.strip()) == (
        2,
        "error: --branch 'bad..name' is not a branch name git accepts",
    )
    for name in ("HEAD", "@{-1}", "-x"):
        r = basebox(cli, "blocks/db", f"--branch={name}")
        assert r.code == 2 and "is not a branch name git accepts" in r.err, name
    assert repo.git("for-each-ref", "--format=%(refname)", "refs/heads") == "refs/heads/main"


def test_outside_a_repository(cli, tmp_path, monkeypatch):
    write_tree(tmp_path / "db", {"apt.txt": "htop\n"})
    monkeypatch.chdir(tmp_path)
    r = basebox(cli, "db", "--branch", "env", "--repo", str(tmp_path))
    assert r.code == 2
    assert "not in a git repository" in r.err


# --- sources from the config file and from git ----------------------------------------------


def test_sources_and_options_from_the_config_file(cli, repo):
    (repo.root / "bindermerge.toml").write_text(
        'sources = ["blocks/db", "blocks/refine"]\noutput = "binder"\nname = "course"\n'
    )
    r = basebox(cli, "--branch", "env")
    assert r.code == 0, r.err
    assert "name: course" in repo.show("env:binder/environment.yml")
    assert not (repo.root / "binder").exists()  # the config's output is not written


def test_git_sources_are_named_with_their_commits_and_stay_pinned(cli, repo):
    block = repo.world.github("me/refine-block")
    first = block.commit({"binder/requirements.txt": "jupyter-server-proxy\n"})
    assert basebox(cli, "blocks/db", "gh:me/refine-block", "--branch", "env").code == 0
    message = repo.git("log", "-1", "--format=%B", "env")
    assert f"- refine-block: gh:me/refine-block at {first}" in message
    assert f"| refine-block | `gh:me/refine-block` | {first[:12]} |" in repo.show("env:README.md")
    # Upstream moves on: the branch keeps the recorded commit until --update.
    block.commit({"binder/requirements.txt": "jupyter-server-proxy>=4.1\n"})
    r = basebox(cli, "blocks/db", "gh:me/refine-block", "--branch", "env")
    assert "up to date" in r.err
    r = basebox(cli, "blocks/db", "gh:me/refine-block", "--branch", "env", "--update")
    assert r.code == 0, r.err
    assert "jupyter-server-proxy>=4.1" in repo.show("env:binder/environment.yml")


def test_content_with_no_fold_is_refused_before_a_link_that_cannot_work(cli, repo):
    r = basebox(cli, "blocks/db", "blocks/refine", "--branch", "env", "--content", CONTENT,
                "--no-fold")  # fmt: skip
    assert r.code == 2
    assert "with --no-fold it would go to a requirements.txt that repo2docker ignores" in r.err
    assert repo.git("branch", "--list", "env") == ""


def test_a_readme_of_ours_reverted_onto_the_branch_is_still_ours(cli, repo):
    assert basebox(cli, "blocks/db", "--branch", "env").code == 0
    _commit_on_branch(repo, "env", "README.md", "by hand\n")
    repo.git("update-ref", "refs/heads/env", "env~1", "env")  # as a reset would
    where = repo.root.parent / "wt-revert"
    repo.git("worktree", "add", "-q", str(where), "env")
    (where / "notes").write_text("x\n")
    repo.world.git("add", "notes", cwd=where)
    repo.world.git("commit", "-q", "-m", "notes", cwd=where)
    repo.world.git("rm", "-q", "notes", cwd=where)
    repo.world.git("commit", "-q", "-m", "revert notes", cwd=where)
    repo.git("worktree", "remove", str(where))
    # The last commit is a person's, but the README is the one bindermerge wrote.
    r = basebox(cli, "blocks/db", "--branch", "env", "--hub", "https://hub.example.org")
    assert r.code == 0, r.err
    assert "https://hub.example.org/v2/gh/me/course-env/env" in repo.show("env:README.md")


def test_a_push_that_cannot_happen_is_refused_first_and_a_failed_one_says_so(cli, repo, tmp_path):
    r = basebox(cli, "blocks/db", "--branch", "env", "--push", "nosuch")
    assert (r.code, r.err.strip().splitlines()[-1]) == (
        2,
        "error: --push nosuch: the repository has no remote named nosuch",
    )
    assert repo.git("branch", "--list", "env") == ""
    r = basebox(cli, "blocks/db", "--branch", "env", "--push", str(tmp_path / "missing.git"))
    assert r.code == 2
    assert "branch env is committed here, but the push failed" in r.err
    assert f"git push {tmp_path / 'missing.git'} env" in r.err
    assert len(repo.commits()) == 1


def test_the_link_names_the_remote_as_configured_not_as_rewritten(cli, repo, tmp_path):
    repo.git("remote", "set-url", "origin", "https://github.com/me/course-env.git")
    repo.world.set_config("url.https://mirror.example/gh/.insteadOf", "https://github.com/")
    r = basebox(cli, "blocks/db", "--branch", "env")
    assert r.out.splitlines()[-1] == "https://mybinder.org/v2/gh/me/course-env/env"


def test_the_readme_says_how_to_make_the_branch_again(cli, repo):
    r = basebox(cli, "blocks/db", "blocks/refine", "--branch", "env", "--on-conflict", "last",
                "--no-fold", "--name", "course", "--hub", "https://hub.example.org",
                "--force")  # fmt: skip
    assert r.code == 0, r.err
    assert (
        "bindermerge basebox blocks/db blocks/refine --branch env --hub https://hub.example.org "
        "--on-conflict last --name course --no-fold\n"
    ) in repo.show("env:README.md")
