"""``bindermerge link`` end to end: the URL as the last line of stdout, badges before it, the
upstream vectors through the command line, and ``link NOTEBOOK.ipynb`` inside real git
checkouts (remote, branch, path found with the git command line)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from helpers import run_process
from helpers.link_vectors import BINDERHUB, LINKJS
from nbformat.v4 import new_code_cell, new_notebook

from bindermerge.links import Content, badge, environment, launch_url

ENV = "gh:me/env@main"


@pytest.fixture
def git_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME and git configuration of the test's own: no user or system settings apply."""
    home = tmp_path / "home"
    home.mkdir()
    config = home / ".gitconfig"
    config.write_text("[user]\n\tname = Test\n\temail = test@example.org\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return home


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def notebook(path: Path, binder: dict[str, str] | None = None) -> Path:
    nb = new_notebook(cells=[new_code_cell("1 + 1")])
    if binder is not None:
        nb.metadata["binder"] = binder
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def checkout(root: Path, origin: str | None, branch: str = "main") -> Path:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", branch)
    if origin is not None:
        git(root, "remote", "add", "origin", origin)
    return root


def commit_all(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "notebooks")


def stamped(cli, path: Path, env: str = ENV, *extra: str) -> Path:
    notebook(path)
    assert cli("stamp", path, "--env", env, *extra).code == 0
    return path


def last_line(out: str) -> str:
    assert out.endswith("\n")
    return out.splitlines()[-1]


# --- link ENV ---------------------------------------------------------------------------------


def test_the_url_is_the_only_line_of_stdout(cli):
    run = cli("link", "gh:o/r@v1", "--path", "index.ipynb")
    assert run.code == 0 and run.err == ""
    assert run.out == "https://mybinder.org/v2/gh/o/r/v1?urlpath=lab%2Ftree%2Findex.ipynb\n"


@pytest.mark.parametrize("fmt", ["markdown", "rst", "html"])
def test_a_badge_comes_first_and_the_url_last(cli, fmt):
    run = cli("link", "gl:g/env", "--format", fmt)
    url = "https://mybinder.org/v2/gl/g%2Fenv/HEAD"
    assert run.code == 0
    assert run.out == f"{badge(url, fmt)}\n{url}\n"


def _args(options: dict[str, str]) -> list[str]:
    opts = dict(options)
    words = [opts.pop("env", "gh:me/course")]
    for key, value in opts.items():
        words += [f"--{key.replace('_', '-')}", value]
    return words


@pytest.mark.parametrize(("options", "expected"), LINKJS)
def test_the_command_line_prints_link_js_vectors(cli, options, expected):
    run = cli("link", *_args(options))
    assert run.code == 0, run.err
    assert run.out == expected + "\n"


@pytest.mark.parametrize(("env", "hub", "urlpath", "expected"), BINDERHUB)
def test_the_command_line_prints_binderhub_vectors(cli, env, hub, urlpath, expected):
    run = cli("link", env, "--hub", hub, *(["--urlpath", urlpath] if urlpath else []))
    assert (run.code, run.out) == (0, expected + "\n")


def test_a_jupyterhub_link_pulls_env_unless_content_is_given(cli):
    run = cli("link", "gh:me/course@dev", "--jupyterhub", "https://hub.example", "--path", "a")
    assert run.out == (
        "https://hub.example/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fme"
        "%2Fcourse&urlpath=lab%2Ftree%2Fcourse%2Fa&branch=dev\n"
    )
    run = cli("link", ENV, "--jupyterhub", "https://hub.example", "--content", "gh:me/c")
    assert run.code == 0 and "note: gh:me/env@main is not part of a JupyterHub link" in run.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["me/env"], "usage error: ENV 'me/env' is not a repository; spellings: gh:OWNER/REPO"),
        ([ENV, "--app", "vscode"], "usage error: --app must be one of jupyterlab, classic"),
        ([ENV, "--format", "pdf"], "usage error: --format must be one of url, markdown, rst"),
        ([ENV, "--content-branch", "x"], "usage error: --content-branch and --target-path need"),
        ([ENV, "--hub", "ftp://h"], "usage error: --hub must be an http:// or https:// URL"),
        ([ENV, "--content", "/local/dir"], "usage error: --content must be a URL a hub can"),
        ([ENV, "--server", "gpu"], "usage error: --server names a server of a JupyterHub"),
        ([ENV, "--urlpath", "x", "--path", "y"], "usage error: --urlpath replaces --path"),
        (["gh:o/r#binder"], "usage error: ENV 'gh:o/r#binder': a BinderHub builds a whole"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(cli, args, message):
    run = cli("link", *args)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith(message) and run.err.count("\n") == 1


def test_rstudio_ignores_the_path_and_says_so(cli):
    run = cli("link", ENV, "--app", "rstudio", "--path", "analysis.R")
    assert run.out == "https://mybinder.org/v2/gh/me/env/main?urlpath=rstudio%2F\n"
    assert "note: RStudio opens its own start page" in run.err


def test_as_a_process_the_last_line_is_the_url_and_nbformat_is_not_imported(tmp_path):
    run = run_process("link", ENV, "--format", "markdown")
    assert run.code == 0
    assert last_line(run.out) == "https://mybinder.org/v2/gh/me/env/main"
    script = (
        "import sys\nfrom bindermerge.cli import main\n"
        "try:\n    main(['link', 'gh:me/env'])\nexcept SystemExit:\n    pass\n"
        "print('nbformat' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.stdout.splitlines()[-1] == "False"
    bad = run_process("link", "gh:o/r@a..b")
    assert bad.code == 2 and "Traceback" not in bad.err and bad.out == ""


# --- link NOTEBOOK.ipynb ----------------------------------------------------------------------


def test_a_notebook_opens_from_its_repository_branch_and_path(cli, git_home, tmp_path, monkeypatch):
    root = checkout(tmp_path / "course", "git@github.com:me/course.git", branch="topic/week-1")
    nb = stamped(cli, root / "notebooks" / "week 1" / "intro.ipynb")
    commit_all(root)
    monkeypatch.chdir(
        tmp_path
    )  # the path is the notebook's in its repository, wherever the command runs
    run = cli("link", nb)
    assert run.code == 0, run.err
    expected = launch_url(
        environment(ENV),
        content=Content("https://github.com/me/course", "topic/week-1"),
        path="notebooks/week 1/intro.ipynb",
    )
    assert run.out == expected + "\n" and run.err == ""
    # the same link as giving everything by hand
    by_hand = cli(
        "link", ENV, "--content", "https://github.com/me/course",
        "--content-branch", "topic/week-1", "--path", "notebooks/week 1/intro.ipynb",
    )  # fmt: skip
    assert by_hand.out == run.out


def test_the_branch_is_the_one_the_checkout_tracks_on_origin(cli, git_home, tmp_path):
    root = checkout(tmp_path / "c", "https://token@gitlab.com/g/course.git", branch="mine")
    git(root, "config", "branch.mine.remote", "origin")
    git(root, "config", "branch.mine.merge", "refs/heads/release/2024")
    nb = stamped(cli, root / "a.ipynb", "gh:me/env@v2", "--hub", "https://hub.example")
    commit_all(root)
    run = cli("link", nb)
    assert run.out == (
        launch_url(
            environment("gh:me/env@v2"),
            hub="https://hub.example",
            content=Content("https://gitlab.com/g/course", "release/2024"),
            path="a.ipynb",
        )
        + "\n"
    )
    assert run.out.startswith("https://hub.example/v2/gh/me/env/v2?")  # the stamped hub
    run = cli("link", nb, "--hub", "https://other.example", "--content-branch", "main")
    assert run.out.startswith("https://other.example/v2/gh/me/env/v2?")
    assert "branch%3Dmain" in run.out


def test_a_notebook_in_the_environment_repository_opens_directly(cli, git_home, tmp_path):
    root = checkout(tmp_path / "env", "git@github.com:Me/Env.git")
    nb = stamped(cli, root / "docs" / "nb.ipynb")
    commit_all(root)
    run = cli("link", nb, "--app", "classic")
    assert run.out == "https://mybinder.org/v2/gh/me/env/main?urlpath=tree%2Fdocs%2Fnb.ipynb\n"
    # another branch of the same repository is pulled into the environment
    git(root, "checkout", "-q", "-b", "draft")
    assert "git-pull" in cli("link", nb).out


def test_content_and_jupyterhub_options_apply_to_notebooks(cli, git_home, tmp_path):
    root = checkout(tmp_path / "c", "git@github.com:me/course.git")
    nb = stamped(cli, root / "a.ipynb")
    commit_all(root)
    x = "x/a.ipynb"
    run = cli("link", nb, "--content", "gh:me/other@dev", "--path", x)
    assert run.out == (
        launch_url(
            environment(ENV),
            content=Content("https://github.com/me/other", "dev"),
            path="x/a.ipynb",
        )
        + "\n"
    )
    run = cli("link", nb, "--jupyterhub", "https://hub.example", "--server", "gpu")
    assert run.out == (
        "https://hub.example/hub/user-redirect/gpu/git-pull?repo=https%3A%2F%2Fgithub.com%2Fme"
        "%2Fcourse&urlpath=lab%2Ftree%2Fcourse%2Fa.ipynb&branch=main\n"
    )


def test_an_uncommitted_notebook_gets_its_link_and_a_note(cli, git_home, tmp_path):
    root = checkout(tmp_path / "c", "git@github.com:me/course.git")
    nb = stamped(cli, root / "new.ipynb")
    run = cli("link", nb, "--format", "markdown")
    assert run.code == 0
    assert last_line(run.out).endswith("lab%252Ftree%252Fcourse%252Fnew.ipynb%26branch%3Dmain")
    assert "note:" in run.err and "is not committed in its repository" in run.err


def test_a_notebook_outside_git_needs_content_and_path(cli, git_home, tmp_path):
    nb = stamped(cli, tmp_path / "loose" / "a.ipynb")
    run = cli("link", nb)
    assert run.code == 2
    assert run.err == (
        f"error: {nb}: not in a git repository (or git is not installed): give --content\n"
    )
    run = cli("link", nb, "--content", "https://github.com/me/c")
    assert run.err == f"error: {nb}: not in a git repository: give --path (its path in --content)\n"
    run = cli("link", nb, "--content", "https://github.com/me/c", "--path", "a.ipynb")
    assert run.code == 0 and "lab%252Ftree%252Fc%252Fa.ipynb" in run.out


@pytest.mark.parametrize(
    ("origin", "detach", "message"),
    [
        (None, False, "its repository has no origin remote: give --content REPO_URL"),
        (
            "/srv/git/course.git",
            False,
            "origin (/srv/git/course.git) is not an address a hub can clone: "
            "give --content REPO_URL",
        ),
        (
            "git@github.com:me/course.git",
            True,
            "its checkout has a detached HEAD: give --content-branch",
        ),
    ],
)
def test_a_checkout_that_names_no_public_branch_is_refused(
    cli, git_home, tmp_path, origin, detach, message
):
    root = checkout(tmp_path / "c", origin)
    nb = stamped(cli, root / "a.ipynb")
    commit_all(root)
    if detach:
        git(root, "checkout", "-q", "--detach")
    run = cli("link", nb)
    assert (run.code, run.out, run.err) == (2, "", f"error: {nb}: {message}\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "metadata.binder: missing (bindermerge stamp NOTEBOOK --env ENV)"),
        ({"binder_repo": 3}, "metadata.binder.binder_repo: expected a string, got the number 3"),
        ({"environment_url": "https://github.com/x"}, "metadata.binder.environment_url: "),
    ],
)
def test_a_notebook_without_usable_metadata_is_one_line_naming_the_key(
    cli, tmp_path, content, message
):
    nb = notebook(tmp_path / "a.ipynb", content)
    run = cli("link", nb, "--content", "https://github.com/me/c", "--path", "a.ipynb")
    assert run.code == 2 and run.out == ""
    assert run.err.startswith(f"error: {nb}: {message}") and run.err.count("\n") == 1


def test_link_reports_files_that_are_not_notebooks(cli, tmp_path):
    missing = tmp_path / "gone.ipynb"
    assert cli("link", missing).err == f"error: {missing}: no such file\n"
    text = tmp_path / "notes.ipynb"
    text.write_text("# not json\n", encoding="utf-8")
    run = cli("link", text)
    assert run.code == 2 and "not valid JSON (line 1, column 1)" in run.err
