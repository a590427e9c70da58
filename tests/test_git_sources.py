"""Git sources against real git and local repositories only: REF as branch, tag (light and
annotated), full and short commit, the default branch, SUBDIR; the recorded commit kept and
``--update``; a removed remote with a warm cache; every error (one line, exit 2, output
untouched); two runs at once; a corrupt cache entry refetched. ``gh:`` and ``gl:`` reach
bare repositories under the test's directory through ``url.<base>.insteadOf`` in a
temporary ``GIT_CONFIG_GLOBAL``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import run_process
from helpers.git_repos import GitWorld, Remote, snapshot

import bindermerge
from bindermerge.output.manifest import Manifest

BLOCK = {
    "binder/apt.txt": "pkg-one\n",
    "binder/postBuild": '#!/bin/sh\nset -e\ncp init_db "$HOME/init_db"\n',
    "init_db": "#!/bin/sh\necho init\n",
    "README.md": "# a block\n",
}


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitWorld:
    """An isolated git setup; the test process itself runs in it too."""
    w = GitWorld(tmp_path / "world")
    for key, value in w.env().items():
        monkeypatch.setenv(key, value)
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_SSH_COMMAND", "GIT_SSH"):
        monkeypatch.delenv(key, raising=False)
    return w


@pytest.fixture
def block(world: GitWorld) -> Remote:
    """``gh:me/pg-block``: main with three commits, tags v1 (light) and v2 (annotated) on the
    first two, a branch feature/x; each has its own apt.txt package."""
    remote = world.github("me/pg-block")
    remote.commit(BLOCK, "one")
    remote.tag("v1")
    remote.commit({"binder/apt.txt": "pkg-two\n"}, "two")
    remote.tag("v2", annotated=True)
    remote.commit({"binder/apt.txt": "pkg-three\n"}, "three")
    remote.git("checkout", "--quiet", "-b", "feature/x")
    remote.commit({"binder/apt.txt": "pkg-four\n"}, "four")
    remote.checkout("main")
    return remote


def apt(out: Path) -> list[str]:
    lines = (out / "apt.txt").read_text().splitlines()
    return [line.split()[0] for line in lines if line and not line.startswith("#")]


def recorded(out: Path) -> dict[str, str]:
    manifest = Manifest.read(out)
    assert manifest is not None
    (record,) = [s for s in manifest.sources if s.get("kind") == "git"]
    return record


def outside(world: GitWorld, tmp_path: Path, *outs: Path) -> dict[str, tuple[str, bytes]]:
    """Everything under tmp_path but the cache and the outputs."""
    return snapshot(tmp_path, skip=(world.cache, *outs))


# --- REF, SUBDIR, default branch ------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "package", "at"),
    [
        ("", "pkg-three", "main"),
        ("@main", "pkg-three", "main"),
        ("@feature/x", "pkg-four", "feature/x"),
        ("@refs/heads/feature/x", "pkg-four", "feature/x"),
        ("@v1", "pkg-one", "v1"),
        ("@v2", "pkg-two", "v2"),
        ("@FULL", "pkg-one", "v1"),
        ("@SHORT", "pkg-two", "v2"),
    ],
)
def test_ref_is_a_branch_a_tag_or_a_commit(cli, world, block, tmp_path, ref, package, at):
    commit = block.head(at)
    ref = ref.replace("FULL", commit).replace("SHORT", commit[:7])
    out = tmp_path / "out"
    before = outside(world, tmp_path, out)
    r = cli(f"gh:me/pg-block{ref}", "-o", out)
    assert r.code == 0, r.err
    assert apt(out) == [package]
    record = recorded(out)
    assert record["commit"] == commit
    assert record["spec"] == f"gh:me/pg-block{ref}"
    assert record["url"] == "https://github.com/me/pg-block.git"
    assert (record["ref"], record["subdir"]) == (ref[1:] or "HEAD", "")
    # The header names the commit; the repository's root file the script uses came along.
    assert f"pg-block at {commit[:12]}" in (out / "apt.txt").read_text().splitlines()[0]
    assert (out / ".bindermerge-root" / "pg-block" / "init_db").read_text() == BLOCK["init_db"]
    # Nothing but the cache entry and the output was written.
    assert outside(world, tmp_path, out) == before


def test_default_branch_is_the_remotes(cli, world, tmp_path):
    remote = world.github("me/trunk", branch="trunk")
    remote.commit({"apt.txt": "on-trunk\n"})
    remote.git("checkout", "--quiet", "-b", "other")
    remote.commit({"apt.txt": "on-other\n"})
    out = tmp_path / "out"
    assert cli("gh:me/trunk", "-o", out).code == 0
    assert apt(out) == ["on-trunk"]
    remote.set_default_branch("other")
    assert cli("gh:me/trunk", "-o", out, "--update").code == 0
    assert apt(out) == ["on-other"]


def test_subdir_is_the_repository_for_binder_dirs(cli, world, tmp_path):
    remote = world.github("me/blocks")
    remote.commit(
        {
            "db/binder/apt.txt": "postgresql\n",
            "db/binder/postBuild": "#!/bin/sh\ncp seed.sql ~\n",
            "db/seed.sql": "select 1;\n",
            "mongo/apt.txt": "mongodb\n",
            "apt.txt": "not-this\n",
        }
    )
    out = tmp_path / "out"
    r = cli("gh:me/blocks#db", "git+https://github.com/me/blocks.git#subdirectory=mongo", "-o", out)
    assert r.code == 0, r.err
    assert apt(out) == ["postgresql", "mongodb"]
    # The names tell the two apart by SUBDIR only: the ref is the same.
    assert "# from blocks#db" in (out / "apt.txt").read_text()
    assert (out / "blocks_db" / "postBuild").exists()
    assert (out / ".bindermerge-root" / "blocks_db" / "seed.sql").read_text() == "select 1;\n"
    manifest = Manifest.read(out)
    assert manifest is not None
    assert [s["subdir"] for s in manifest.sources] == ["db", "mongo"]


def test_a_subdir_without_a_binder_folder_is_named_plainly_in_messages(cli, world, tmp_path):
    remote = world.github("me/blocks")
    remote.commit({"mongo/apt.txt": "mongodb\ngit;curl\n"})
    r = cli("gh:me/blocks#mongo", "-o", tmp_path / "out")
    assert r.code == 2
    assert r.err.startswith("error: gh:me/blocks:mongo/apt.txt:2: "), r.err


def test_gitlab_and_plain_urls(cli, world, tmp_path):
    lab = world.gitlab("grp/sub/lab-block")
    lab.commit({"apt.txt": "from-gitlab\n"})
    plain = world.remote("plain")
    plain.commit({"binder/apt.txt": "from-file-url\n"})
    out = tmp_path / "out"
    r = cli("gl:grp/sub/lab-block", f"git+{plain.url}@main", "-o", out)
    assert r.code == 0, r.err
    assert apt(out) == ["from-gitlab", "from-file-url"]


def test_library_merges_git_sources(world, block):
    result = bindermerge.merge(["gh:me/pg-block@v2"])
    assert result.sources == ["pg-block"]
    (record,) = result.source_records
    assert record["commit"] == block.head("v2") and record["kind"] == "git"
    apt_txt = result.file("apt.txt")
    assert apt_txt is not None and b"pkg-two" in apt_txt.content


def test_json_report_names_the_commit(cli, world, block, tmp_path):
    r = cli("gh:me/pg-block@v1", "-o", tmp_path / "out", "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    (record,) = doc["source_records"]
    assert record["commit"] == block.head("v1") and record["ref"] == "v1"


# --- reproducible: the recorded commit, --update ----------------------------------------------


def test_recorded_commit_is_kept_until_update(cli, world, block, tmp_path):
    out = tmp_path / "out"
    assert cli("gh:me/pg-block@main", "-o", out).code == 0
    first = recorded(out)["commit"]
    newer = block.commit({"binder/apt.txt": "pkg-newer\n"}, "newer")
    # Without --update the output stays what it was: up to date, and rewritten the same.
    assert cli("gh:me/pg-block@main", "-o", out, "--check").code == 0
    assert cli("gh:me/pg-block@main", "-o", out).code == 0
    assert recorded(out)["commit"] == first and apt(out) == ["pkg-three"]
    # --check --update says the output is behind its REF, and writes nothing.
    r = cli("gh:me/pg-block@main", "-o", out, "--check", "--update")
    assert r.code == 1 and "out of date" in r.err
    assert recorded(out)["commit"] == first
    assert cli("gh:me/pg-block@main", "-o", out, "--update").code == 0
    assert recorded(out)["commit"] == newer and apt(out) == ["pkg-newer"]


def test_update_one_source_by_name_or_spec(cli, world, tmp_path):
    a, b = world.github("me/a"), world.github("me/b")
    a.commit({"apt.txt": "a1\n"})
    b.commit({"apt.txt": "b1\n"})
    out = tmp_path / "out"
    assert cli("gh:me/a", "gh:me/b", "-o", out).code == 0
    a.commit({"apt.txt": "a2\n"})
    b.commit({"apt.txt": "b2\n"})
    assert cli("gh:me/a", "gh:me/b", "-o", out, "--update=b").code == 0
    assert apt(out) == ["a1", "b2"]
    assert cli("gh:me/a", "gh:me/b", "-o", out, "--update=gh:me/a").code == 0
    assert apt(out) == ["a2", "b2"]
    # The merge subcommand (read by typer) spells --update the same way.
    a.commit({"apt.txt": "a3\n"})
    r = cli("merge", "gh:me/a", "gh:me/b", "-o", out, "--update")
    assert r.code == 0, r.err
    assert apt(out) == ["a3", "b2"]
    r = cli("gh:me/a", "gh:me/b", "-o", out, "--update=c")
    assert r.code == 2 and "--update=c names no git source (the git sources are a, b)" in r.err


def test_update_source_with_a_space_never_drops_a_configured_source(cli, world, tmp_path,
                                                                     monkeypatch):  # fmt: skip
    """``--update SOURCE`` (the issue's spelling) names what to update; the word is never a
    source, so the config file's list stays whole."""
    a, b = world.github("me/a"), world.github("me/b")
    a.commit({"apt.txt": "a1\n"})
    b.commit({"apt.txt": "b1\n"})
    project = tmp_path / "project"
    project.mkdir()
    (project / "bindermerge.toml").write_text('sources = ["gh:me/a", "gh:me/b"]\noutput = "out"\n')
    monkeypatch.chdir(project)
    assert cli().code == 0
    a.commit({"apt.txt": "a2\n"})
    b.commit({"apt.txt": "b2\n"})
    r = cli("--update", "b")
    assert r.code == 0, r.err
    assert apt(project / "out") == ["a1", "b2"]
    r = cli("merge", "--update", "gh:me/a", "--strict")  # typer reads it the same way
    assert r.code == 0, r.err
    assert apt(project / "out") == ["a2", "b2"]
    # Before an option or last, --update alone is every git source.
    a.commit({"apt.txt": "a3\n"})
    b.commit({"apt.txt": "b3\n"})
    assert cli("--update", "--strict").code == 0
    assert apt(project / "out") == ["a3", "b3"]
    # A source list after --update fails loudly rather than merging fewer sources.
    r = cli("--update", "gh:me/a", "gh:me/b", "-o", "out")
    assert r.code == 2
    assert "--update=gh:me/a names no git source (the git sources are b)" in r.err


def test_a_recorded_commit_gone_upstream_says_how_to_move_on(cli, world, block, tmp_path):
    out = tmp_path / "out"
    assert cli("gh:me/pg-block@feature/x", "-o", out).code == 0
    gone = recorded(out)["commit"]
    # History rewritten upstream: the recorded commit is in no branch any more, and the
    # cache that held it is gone too.
    block.git("push", "--quiet", "--force", "origin", "main:feature/x")
    world.git("gc", "--quiet", "--prune=now", cwd=block.bare)
    shutil.rmtree(world.git_cache)
    # An up-to-date output needs nothing of the commit but its name ...
    assert cli("gh:me/pg-block@feature/x", "-o", out).code == 0
    # ... one to write again needs its files.
    (out / "apt.txt").unlink()
    before = snapshot(out)
    r = cli("gh:me/pg-block@feature/x", "-o", out)
    assert r.code == 2
    assert r.err.strip() == (
        f"error: gh:me/pg-block@feature/x: the recorded commit {gone[:12]} is no longer in "
        "https://github.com/me/pg-block.git; run with --update=pg-block to follow feature/x"
    )
    assert snapshot(out) == before
    assert cli("gh:me/pg-block@feature/x", "-o", out, "--update=pg-block").code == 0
    assert apt(out) == ["pkg-three"]


def test_a_changed_spec_resolves_again(cli, world, block, tmp_path):
    out = tmp_path / "out"
    assert cli("gh:me/pg-block@v1", "-o", out).code == 0
    assert cli("gh:me/pg-block@v2", "-o", out).code == 0  # not the commit recorded for @v1
    assert apt(out) == ["pkg-two"]


def test_removed_remote_with_a_warm_cache_works_offline(cli, world, block, tmp_path):
    out, other = tmp_path / "out", tmp_path / "other"
    commit = block.head("v1")
    assert cli("gh:me/pg-block@main", "-o", out).code == 0
    assert cli(f"gh:me/pg-block@{commit}", "-o", other).code == 0
    before = tree_of(out)
    block.remove()
    # Pinned by the manifest: no ls-remote, no fetch; the full merge path too (--force).
    assert cli("gh:me/pg-block@main", "-o", out, "--force").code == 0
    assert tree_of(out) == before
    r = cli("gh:me/pg-block@main", "-o", out, "--check", "--json")  # --json: the full path
    assert r.code == 0, r.err
    # A full commit id needs no network once cached, manifest or not.
    shutil.rmtree(other)
    assert cli(f"gh:me/pg-block@{commit}", "-o", other).code == 0
    assert apt(other) == ["pkg-one"]
    # Only --update needs the remote, and says it is gone.
    r = cli("gh:me/pg-block@main", "-o", out, "--update")
    assert r.code == 2 and "cannot reach https://github.com/me/pg-block.git" in r.err
    assert tree_of(out) == before


def tree_of(root: Path) -> dict[str, tuple[str, bytes]]:
    return snapshot(root)


def test_fast_check_needs_no_git_no_cache_no_network(world, block, tmp_path, make_source):
    """An up-to-date --check with pinned git sources and a local one: the remote removed, the
    cache emptied and git off PATH, it still answers 0 from the manifest."""
    other = world.github("me/other")
    other.commit({"apt.txt": "other\n"})
    local = make_source("local", {"apt.txt": "local\n"})
    out = tmp_path / "out"
    args = ["gh:me/pg-block@main", "gh:me/other", str(local), "-o", str(out)]
    assert run_process(*args, env=world.env()).code == 0
    block.remove()
    shutil.rmtree(world.cache)
    env = {**world.env(), "PATH": str(tmp_path / "no-git-here")}
    script = (
        "import sys\nfrom bindermerge.cli.main import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
        "heavy = {'typer', 'ruamel', 'packaging', 'rattler', 'jinja2', 'subprocess'}\n"
        "print(code, sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    # --strict (no warnings were counted when the output was written) and --diff (of an
    # up-to-date output: empty) stay on it, as a strict check hook does.
    for extra in (["--check"], ["--check", "--strict"], ["--diff"], ["--check", "--diff"]):
        proc = subprocess.run(
            [sys.executable, "-c", script, *args, *extra],
            env={**os.environ, **env},
            cwd=tmp_path,  # no config file around: this checkout's pyproject.toml is not read
            capture_output=True,
            text=True,
            timeout=60,
        )
        # No subprocess module either: git cannot have run.
        assert proc.stdout.split("\n")[0] == "0 []", (extra, proc.stderr)
        assert proc.stderr == "", (extra, proc.stderr)
    assert not world.cache.exists()
    # A stale local source still fails it (then the full merge needs the cache: exit 2).
    (local / "apt.txt").write_text("changed\n")
    assert run_process(*args, "--check", env=env).code != 0


def test_strict_check_of_an_output_written_with_warnings_goes_to_the_full_merge(
    world, tmp_path, make_source
):
    """The manifest counts what --strict fails on: with warnings there, an up-to-date
    --check --strict is not answered from it; the full merge names them (exit 1)."""
    conda = world.github("me/conda")
    conda.commit({"binder/environment.yml": "dependencies:\n  - pandas\n"})
    pip = make_source("pip", {"requirements.txt": "pandas\n"})
    out = tmp_path / "out"
    args = ["gh:me/conda", str(pip), "-o", str(out)]
    assert run_process(*args, env=world.env()).code == 0
    manifest = json.loads((out / ".bindermerge.json").read_text())
    assert manifest["strict_findings"] == 1
    assert run_process(*args, "--check", env=world.env()).code == 0
    strict = run_process(*args, "--check", "--strict", env=world.env())
    assert strict.code == 1 and "pandas is installed by conda" in strict.err, strict.err
    # Offline, with the cache gone, it cannot name them: it says why, never "up to date".
    conda.remove()
    shutil.rmtree(world.cache)
    offline = run_process(*args, "--check", "--strict", env=world.env())
    assert offline.code == 2 and "cannot fetch" in offline.err, offline.err


# --- errors: one line, exit 2, output untouched ----------------------------------------------


def bad(cli, out: Path, *args: str) -> str:
    before = snapshot(out) if out.exists() else None
    r = cli(*args, "-o", out)
    assert r.code == 2, r.err
    assert "Traceback" not in r.err
    lines = [line for line in r.err.splitlines() if line]
    assert len(lines) == 1, r.err
    assert (snapshot(out) if out.exists() else None) == before
    return lines[0]


def test_unknown_ref(cli, world, block, tmp_path):
    line = bad(cli, tmp_path / "out", "gh:me/pg-block@nope")
    assert line == (
        "error: gh:me/pg-block@nope: unknown REF 'nope': "
        "https://github.com/me/pg-block.git has no branch, tag or commit of that name"
    )
    line = bad(cli, tmp_path / "out", "gh:me/pg-block@abcdef12")  # looks like a commit
    assert "unknown REF 'abcdef12'" in line
    line = bad(cli, tmp_path / "out", f"gh:me/pg-block@{'0' * 40}")
    assert "unknown REF" in line and "no such commit" in line


def test_missing_subdir(cli, world, block, tmp_path):
    line = bad(cli, tmp_path / "out", "gh:me/pg-block@v1#nowhere")
    assert line.startswith("error: gh:me/pg-block@v1#nowhere: SUBDIR 'nowhere' is not a folder")
    assert block.head("v1")[:12] in line
    line = bad(cli, tmp_path / "out", "gh:me/pg-block@v1#README.md")
    assert "SUBDIR 'README.md' is not a folder" in line


def test_unreachable_remote(cli, world, tmp_path):
    line = bad(cli, tmp_path / "out", "gh:me/never-created")
    assert line.startswith("error: gh:me/never-created: cannot reach https://github.com/")
    line = bad(cli, tmp_path / "out", f"git+{(tmp_path / 'nothing.git').as_uri()}")
    assert "cannot reach" in line and "does not appear to be a git repository" in line


def fake_ssh(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-ssh"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


def test_authentication_refused(cli, world, tmp_path, monkeypatch):
    refusal = 'echo "git@example.invalid: Permission denied (publickey)." >&2\nexit 255'
    ssh = fake_ssh(tmp_path, refusal)
    monkeypatch.setenv("GIT_SSH_COMMAND", ssh)
    line = bad(cli, tmp_path / "out", "git+ssh://git@example.invalid/me/private.git")
    assert "Permission denied (publickey)" in line
    assert line.startswith("error: git+ssh://git@example.invalid/me/private.git: cannot reach")


def test_timeout_kills_git_and_everything_it_started(cli, world, tmp_path, monkeypatch):
    # The fake ssh never answers; its sleep is a grandchild that keeps git's pipes open
    # unless the whole process group is killed.
    marker = tmp_path / "ssh-ran"
    ssh = fake_ssh(tmp_path, f"touch {marker}\nsleep 60")
    monkeypatch.setenv("GIT_SSH_COMMAND", ssh)
    monkeypatch.setenv("BINDERMERGE_GIT_TIMEOUT", "1")
    t0 = time.monotonic()
    line = bad(cli, tmp_path / "out", "git+ssh://git@example.invalid/me/slow.git")
    assert time.monotonic() - t0 < 20
    assert marker.exists()
    assert line == (
        "error: git+ssh://git@example.invalid/me/slow.git: git ls-remote timed out after 1 s "
        "(BINDERMERGE_GIT_TIMEOUT sets the limit)"
    )


def test_git_not_installed(world, block, tmp_path):
    env = {**world.env(), "PATH": str(tmp_path / "empty")}
    r = run_process("gh:me/pg-block", "-o", tmp_path / "out", env=env)
    assert r.code == 2 and "Traceback" not in r.err
    assert r.err.strip() == (
        "error: gh:me/pg-block: git is not installed (or not on PATH); "
        "git sources need the git command line"
    )


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("gh:onlyowner", "gh: needs OWNER/REPO, got 'onlyowner' (git sources are spelled gh:OWNER"),
        ("git+ftp://h/a", "git+ needs a URL git clones"),
        ("https://github.com/o/r", "for a git repository write git+https://github.com/o/r"),
        ("github:o/r", "no git source spelling fits it (spellings: gh:OWNER/REPO[@REF][#SUBDIR]"),
    ],
)
def test_spec_fitting_no_spelling_lists_them(cli, world, tmp_path, spec, says):
    line = bad(cli, tmp_path / "out", spec)
    assert line.startswith(f"error: {spec}: ") and says in line


def test_ambiguous_refs_are_refused(cli, world, block, tmp_path):
    block.branch("v1", "main")  # a branch named like the tag, on another commit
    line = bad(cli, tmp_path / "out", "gh:me/pg-block@v1")
    assert "both a branch and a tag" in line and "@refs/tags/v1" in line
    assert cli("gh:me/pg-block@refs/tags/v1", "-o", tmp_path / "out").code == 0
    assert apt(tmp_path / "out") == ["pkg-one"]


def test_two_specs_of_one_commit_are_one_source(cli, world, block, tmp_path):
    line = bad(cli, tmp_path / "out", "gh:me/pg-block@v1", f"gh:me/pg-block@{block.head('v1')}")
    assert "is the same source as 'gh:me/pg-block@v1'" in line


def test_output_inside_the_cache_is_refused(cli, world, block, tmp_path):
    inside = world.git_cache / "mine"
    line = bad(cli, inside, "gh:me/pg-block")
    assert "lies inside bindermerge's cache" in line


def test_credentials_are_never_recorded(cli, world, block, tmp_path):
    world.set_config(f"url.{block.bare.as_uri()}.insteadOf", "https://me:s3cret@example.org/pg.git")
    out = tmp_path / "out"
    r = cli("git+https://me:s3cret@example.org/pg.git@v1", "-o", out, "--json")
    assert r.code == 0, r.err
    assert "s3cret" not in r.out + r.err
    assert all("s3cret" not in p.read_text() for p in out.rglob("*") if p.is_file())
    assert recorded(out)["url"] == "https://example.org/pg.git"
    assert not any("s3cret" in p.name for p in world.git_cache.iterdir())
    # The recorded spec still pins the commit for the same spec with its credentials.
    block.commit({"binder/apt.txt": "moved\n"})
    block.tag("v1", at="HEAD")
    assert cli("git+https://me:s3cret@example.org/pg.git@v1", "-o", out).code == 0
    assert apt(out) == ["pkg-one"]


def test_a_source_error_names_the_file_in_the_repository(cli, world, tmp_path):
    remote = world.github("me/broken")
    remote.commit({"binder/requirements.txt": "numpy\nnot a requirement!!\n"})
    line = bad(cli, tmp_path / "out", "gh:me/broken")
    assert line.startswith("error: gh:me/broken:binder/requirements.txt:2: ")


def test_the_callers_repository_is_never_touched(cli, world, block, tmp_path, monkeypatch):
    """Inside a git hook GIT_DIR and GIT_INDEX_FILE point at the user's repository."""
    user = world.remote("user-project")
    user.commit({"README": "mine\n"})
    before = snapshot(user.bare)
    monkeypatch.setenv("GIT_DIR", str(user.bare))
    monkeypatch.setenv("GIT_INDEX_FILE", str(tmp_path / "index"))
    assert cli("gh:me/pg-block@v2", "-o", tmp_path / "out").code == 0
    assert snapshot(user.bare) == before and not (tmp_path / "index").exists()


# --- the cache: two processes, corruption, a refused fetch by id -----------------------------


def test_two_runs_at_once(world, block, tmp_path):
    """Two processes merge the same git source into two outputs with a cold cache."""
    env = {**os.environ, **world.env()}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bindermerge", "gh:me/pg-block@main", "-o", str(tmp_path / n)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in ("one", "two")
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
    assert len([p for p in world.git_cache.iterdir() if p.is_dir()]) == 1


def _entry(world: GitWorld) -> Path:
    (entry,) = [p for p in world.git_cache.iterdir() if p.is_dir()]
    return entry


@pytest.mark.parametrize(
    "damage", ["delete-objects", "truncate-objects", "one-blob-gone", "no-marker", "empty"]
)
def test_a_corrupt_cache_entry_is_fetched_again(cli, world, block, tmp_path, damage):
    out = tmp_path / "out"
    assert cli("gh:me/pg-block@v2", "-o", out).code == 0
    good = snapshot(out)
    entry = _entry(world)
    objects = [p for p in (entry / "repo.git" / "objects").rglob("*") if p.is_file()]
    objects = [p for p in objects if p.parent.name not in ("info",)]
    assert objects
    if damage == "delete-objects":
        for p in objects:
            p.unlink()
    elif damage == "truncate-objects":
        for p in objects:
            p.chmod(0o644)
            p.write_bytes(p.read_bytes()[:5])
    elif damage == "one-blob-gone":
        # The commit and its tree are there (the entry looks complete); a file's blob is not:
        # found while reading, and the entry is fetched again rather than used.
        blob = block.git("rev-parse", "v2:binder/apt.txt")
        (entry / "repo.git" / "objects" / blob[:2] / blob[2:]).unlink()
    elif damage == "no-marker":
        (entry / "complete").unlink()
    else:
        shutil.rmtree(entry / "repo.git")
        (entry / "repo.git").mkdir()
    shutil.rmtree(out)
    r = cli("gh:me/pg-block@v2", "-o", out)
    assert r.code == 0, r.err
    assert snapshot(out) == good
    assert recorded(out)["commit"] == block.head("v2")
    if damage == "one-blob-gone":  # the entry was made again, the blob with it
        blob = block.git("rev-parse", "v2:binder/apt.txt")
        world.git("--git-dir", _entry(world) / "repo.git", "cat-file", "-e", blob)


def test_fetch_by_id_refused_falls_back_to_a_fuller_fetch(cli, world, block, tmp_path):
    # Protocol v0 servers send only advertised tips unless allowed otherwise: the commit
    # "two" sits below main's tip, so asking for it by id is refused.
    world.set_config("protocol.version", "0")
    world.git("config", "uploadpack.allowAnySHA1InWant", "false", cwd=block.bare)
    world.git("tag", "--delete", "v2", cwd=block.bare)
    two = block.head("v2")
    out = tmp_path / "out"
    r = cli(f"gh:me/pg-block@{two}", "-o", out)
    assert r.code == 0, r.err
    assert apt(out) == ["pkg-two"]
