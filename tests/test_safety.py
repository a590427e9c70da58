"""Never destroy what bindermerge did not write; refuse inputs that make a broken output."""

from __future__ import annotations

import os
import subprocess

import pytest
from helpers import tree_bytes, write_tree


@pytest.fixture
def src(make_source):
    return make_source("db", {"apt.txt": "git\n"})


def _repo(path):
    write_tree(path, {"README.md": "# mine\n", "analysis.ipynb": "{}\n", "data/x.csv": "1\n"})
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def test_force_never_replaces_a_git_work_tree(cli, src, tmp_path):
    repo = _repo(tmp_path / "repo")
    before = tree_bytes(repo)
    for extra in ((), ("--force",)):
        r = cli(src, "-o", repo, *extra)
        assert r.code == 2, r.err
        assert "git work tree" in r.err and "even with --force" in r.err
        assert len(r.err.strip().splitlines()) == 1
    assert tree_bytes(repo) == before
    # A nested repository (a submodule, a clone) is a work tree too.
    outer = write_tree(tmp_path / "outer", {"notes.txt": "x\n"})
    _repo(outer / "inner")
    assert cli(src, "-o", outer, "--force").code == 2
    assert (outer / "inner" / "README.md").exists()


def test_force_never_writes_into_a_git_directory(cli, src, tmp_path):
    """The git directory of a work tree, a bare repository, or a folder inside either:
    replacing it would lose the history, whatever --force says."""
    import subprocess

    repo = _repo(tmp_path / "repo")
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    for target in (repo / ".git", repo / ".git" / "hooks", bare, bare / "info", bare / "new"):
        before = tree_bytes(target.parent)
        r = cli(src, "-o", target, "--force")
        assert r.code == 2, (target, r.err)
        assert "git directory" in r.err or "git work tree" in r.err, r.err
        assert "even with --force" in r.err
        assert tree_bytes(target.parent) == before
    holder = tmp_path / "holder"
    subprocess.run(["git", "init", "-q", "--bare", str(holder / "nested.git")], check=True)
    assert cli(src, "-o", holder, "--force").code == 2
    assert (holder / "nested.git" / "HEAD").exists()


def test_refusal_lists_what_force_would_lose(cli, src, tmp_path):
    out = write_tree(tmp_path / "out", {f"f{i}.txt": "x\n" for i in range(8)})
    r = cli(src, "-o", out)
    assert r.code == 2
    assert "--force would lose 8 files: f0.txt, f1.txt, f2.txt, f3.txt, f4.txt and 3 more" in r.err
    # A hand edit in bindermerge's own output is named as what would be lost.
    mine = tmp_path / "binder"
    assert cli(src, "-o", mine).code == 0
    (mine / "apt.txt").write_text("git\nvim\n")
    r = cli(src, "-o", mine)
    assert r.code == 2 and "apt.txt was changed" in r.err and "would lose 1 file: apt.txt" in r.err
    assert cli(src, "-o", mine, "--force").code == 0


def test_output_above_the_working_directory_or_home_is_refused(cli, src, tmp_path, monkeypatch):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    r = cli(src, "-o", tmp_path / "a", "--force")
    assert r.code == 2 and "holds the current directory" in r.err
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    r = cli(src, "-o", tmp_path / "home", "--force")
    assert r.code == 2 and "home directory" in r.err


def test_binder_beside_dot_binder_is_refused(cli, src, tmp_path):
    repo = tmp_path / "repo"
    (repo / "binder").mkdir(parents=True)
    r = cli(src, "-o", repo / ".binder")
    assert r.code == 2 and "refuses a repository with both" in r.err
    assert not (repo / ".binder").exists()


@pytest.mark.parametrize("spelling", ["same", "slash", "dot", "binder", "link"])
def test_the_same_source_twice_is_refused(cli, make_source, tmp_path, monkeypatch, spelling):
    db = make_source("db", {"binder/postBuild": "echo once\n"})
    monkeypatch.chdir(db.parent)
    other = {
        "same": "db",
        "slash": "./db/",
        "dot": os.path.join("..", "src", "db"),
        "binder": "db/binder",
        "link": "db-link",
    }[spelling]
    if spelling == "link":
        os.symlink("db", "db-link")
    r = cli("db", other, "-o", tmp_path / "out")
    assert r.code == 2, r.err
    assert f"{other}: is the same source as 'db'" in r.err
    assert not (tmp_path / "out").exists()


def test_unicode_names_survive_and_failures_name_the_source(make_source, tmp_path):
    from bindermerge.pipeline import merge

    a = make_source("données", {"postBuild": "#!/bin/sh\nexit 3\n"})
    b = make_source("donn_es", {"postBuild": "#!/bin/sh\necho fine\n"})
    result = merge([b, a])
    assert result.ok
    folders = {f.path.split("/")[0] for f in result.files if "/" in f.path}
    assert {"données", "donn_es"} <= folders  # letters kept, no clash, no -2 suffix
    repo = tmp_path / "repo"
    result.write(repo / "binder")
    proc = subprocess.run(["/bin/sh", "binder/postBuild"], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 3
    assert "postBuild of source données failed with exit code 3" in proc.stderr


def test_an_enormous_configuration_file_is_refused_quickly(cli, tmp_path):
    """A 32 MiB apt.txt would take the parsers tens of seconds and gigabytes: one line, exit
    2, naming the file; data files the scripts use are carried whatever their size."""
    import time

    big = write_tree(tmp_path / "big", {"apt.txt": "htop\n" * (8 * 1024 * 1024 // 5 + 1)})
    t0 = time.perf_counter()
    r = cli(big, "-o", tmp_path / "out")
    assert time.perf_counter() - t0 < 10
    assert r.code == 2
    assert r.err.strip().startswith(f"error: {big / 'apt.txt'}: 8.0 MiB is too large")
    assert not (tmp_path / "out").exists()
