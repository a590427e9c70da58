"""Hostile git repositories: links out of the source, ``.git`` files pointing elsewhere, tree
entries git itself refuses, an enormous file, names with newlines and shell metacharacters,
submodules, hooks. Nothing outside the cache entry and the output is ever written or read,
and nothing of the fetched repository runs."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
from helpers.git_repos import GitWorld, Link, Submodule, snapshot

import bindermerge
from bindermerge.errors import InputError, SourceError, UnsafePathError


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitWorld:
    w = GitWorld(tmp_path / "world")
    for key, value in w.env().items():
        monkeypatch.setenv(key, value)
    return w


def merged(world: GitWorld, tmp_path: Path, spec: str) -> tuple[int, str, Path]:
    """Merge ``spec`` through the command line; assert nothing but the cache entry and the
    output changed under tmp_path."""
    from bindermerge.cli import main

    out = tmp_path / "out"
    before = snapshot(tmp_path, skip=(world.cache, out))
    try:
        main([spec, "-o", str(out)])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert snapshot(tmp_path, skip=(world.cache, out)) == before
    return code, "", out


@pytest.mark.parametrize(
    ("files", "named"),
    [
        ({"binder/secret": Link("../../../../../../etc/passwd")}, "binder/secret"),
        ({"binder/secret": Link("/etc/passwd")}, "binder/secret"),
        ({"binder/data": Link("../..")}, "binder/data"),
        ({"binder/apt.txt": Link("../../up/apt.txt")}, "binder/apt.txt"),
        ({"binder": Link("../elsewhere")}, "binder"),
        ({"binder/postBuild": "#!/bin/sh\ncp init_db ~\n", "init_db": Link("/etc/passwd")},
         "init_db"),
        ({"binder/postBuild": "#!/bin/sh\nsh tools/setup.sh\n", "tools": Link("/usr/bin")},
         "tools/setup.sh"),
    ],
)  # fmt: skip
def test_links_out_of_the_source_are_refused(world, tmp_path, capsys, files, named):
    remote = world.github("evil/links")
    remote.raw_commit({"binder/apt.txt": "git\n", **files} if "binder" not in files else files)
    with pytest.raises(UnsafePathError) as info:
        bindermerge.merge(["gh:evil/links"])
    message = str(info.value)
    assert "\n" not in message and "outside" in message
    assert message.startswith("gh:evil/links:") and named in message
    code, _, out = merged(world, tmp_path, "gh:evil/links")
    assert code == 2 and not out.exists()
    assert "Traceback" not in capsys.readouterr().err


def test_links_inside_resolve_to_their_targets_blob(world):
    remote = world.github("ok/links")
    remote.commit(
        {
            "config/apt.txt": Link("../shared/apt-link"),  # a chain of two links
            "shared/apt-link": Link("apt.txt"),
            "shared/apt.txt": "curl\n",
            "config/requirements.txt": Link("../shared/requirements.txt"),
            "shared/requirements.txt": "six\n",
            "binder": Link("config"),  # the binder directory itself, inside the repository
        }
    )
    result = bindermerge.merge(["gh:ok/links"])
    req = result.file("requirements.txt")
    assert req is not None and b"six" in req.content
    apt = result.file("apt.txt")
    assert apt is not None and b"curl" in apt.content
    # A link to nothing is an error naming it.
    remote.commit({"shared/apt.txt": None})
    with pytest.raises(InputError, match="binder/apt.txt: cannot read: it is a symlink to nothing"):
        bindermerge.merge(["gh:ok/links@main"])


def test_a_link_loop_is_no_file(world):
    remote = world.github("loop/links")
    remote.raw_commit({"binder/apt.txt": Link("loop.txt"), "binder/loop.txt": Link("apt.txt")})
    with pytest.raises(Exception) as info:
        bindermerge.merge(["gh:loop/links"])
    assert "not a regular file" in str(info.value)


def test_dot_git_files_are_never_read_or_carried(world, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "config").write_text("[core]\n")
    before = snapshot(elsewhere)
    remote = world.github("evil/dotgit")
    remote.raw_commit(
        {
            "binder/apt.txt": "git\n",
            "binder/.git": f"gitdir: {elsewhere}\n",
            "binder/sub/.GIT/config": "[core]\nworktree = /\n",
            ".git": f"gitdir: {elsewhere}\n",
        }
    )
    code, _, out = merged(world, tmp_path, "gh:evil/dotgit")
    assert code == 0
    assert not [p for p in out.rglob("*") if p.name.lower() == ".git"]
    assert snapshot(elsewhere) == before


def test_paths_git_refuses_to_check_out_are_refused(world, tmp_path):
    remote = world.github("evil/dotdot")
    remote.raw_commit({"binder/apt.txt": "git\n", "binder/..": "escaped\n"})
    with pytest.raises(UnsafePathError, match="refuses to check out"):
        bindermerge.merge(["gh:evil/dotdot"])


def test_an_enormous_file_elsewhere_is_never_read(world):
    remote = world.github("big/repo")
    remote.commit({"binder/apt.txt": "git\n", "data/huge.bin": os.urandom(50 * 1024 * 1024)}, "big")
    bindermerge.merge(["gh:big/repo"]).file("apt.txt")  # fetched once, outside the measure
    tracemalloc.start()
    try:
        result = bindermerge.merge(["gh:big/repo"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.file("apt.txt") is not None
    assert peak < 10 * 1024 * 1024, peak  # the 50 MB blob was never read


def test_names_with_newlines_and_shell_metacharacters(world, tmp_path):
    pwned = tmp_path / "PWNED"
    names = [
        f"$(touch {pwned}).sql",
        f"`touch {pwned}`.txt",
        "semi;colon && pipe|.sh",
        "new\nline.txt",
        "quote'\"s.txt",
        "spaces  and\ttabs.txt",
    ]
    remote = world.github("odd/names")
    remote.commit(
        {
            "binder/apt.txt": "git\n",
            "binder/postBuild": '#!/bin/sh\ncat "$(dirname "$0")/new\nline.txt"\n',
            **{f"binder/{n}": f"content of {n!r}\n" for n in names},
        }
    )
    code, _, out = merged(world, tmp_path, "gh:odd/names")
    assert code == 0
    for n in names:
        assert (out / "names" / n).read_text() == f"content of {n!r}\n"
    assert not pwned.exists()


def test_submodules_are_reported_never_fetched(world, tmp_path):
    other = world.remote("module")
    commit = other.commit({"apt.txt": "inner\n"})
    remote = world.github("with/submodules")
    remote.raw_commit(
        {
            "binder/apt.txt": "git\n",
            "vendor/lib": Submodule(commit),  # outside the binder directory: never looked at
            ".gitmodules": f'[submodule "lib"]\n\tpath = vendor/lib\n\turl = {other.url}\n',
        }
    )
    result = bindermerge.merge(["gh:with/submodules"])
    assert result.file("apt.txt") is not None
    remote.raw_commit({"binder/apt.txt": "git\n", "binder/extra": Submodule(commit)})
    with pytest.raises(SourceError, match="binder/extra: is a git submodule; bindermerge never"):
        bindermerge.merge(["gh:with/submodules"])


def test_no_hook_ever_runs(world, tmp_path):
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    marker = tmp_path / "hook-ran"
    for name in ("reference-transaction", "post-checkout", "post-merge", "pre-auto-gc"):
        hook = hooks / name
        hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
        hook.chmod(0o755)
    world.set_config("core.hooksPath", str(hooks))
    remote = world.github("me/hooked")
    remote.commit({"binder/apt.txt": "git\n"})
    marker.unlink(missing_ok=True)  # the test's own commits ran them
    code, _, _ = merged(world, tmp_path, "gh:me/hooked")
    assert code == 0
    assert not marker.exists()
