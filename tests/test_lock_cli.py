"""``--lock`` on the command line: files written, reuse without solving, errors and exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conda_channel import build_channel  # noqa: E402
from conftest import run_process  # noqa: E402


@pytest.fixture(autouse=True)
def _no_package_index(monkeypatch):
    """Tests run offline: a closed port on loopback stands for an unreachable index."""
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.delenv("POETRY_REPOSITORIES_PYPISIMPLE_URL", raising=False)


@pytest.fixture(scope="module")
def channel(tmp_path_factory):
    return build_channel(tmp_path_factory.mktemp("channel"))


@pytest.fixture
def sources(make_source, channel):
    a = make_source("science", {"environment.yml": f"channels:\n  - {channel.url}\ndependencies:\n  - python=3.11\n  - numpy\n"})
    b = make_source("tools", {"requirements.txt": "six==1.16.0\n", "apt.txt": "git\n"})
    return a, b


def test_lock_writes_pinned_files_and_reuses_them(sources, tmp_path, monkeypatch):
    from conda_lock.lockfile import parse_conda_lock_file

    out = tmp_path / "binder"
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "RATTLER_CACHE_DIR": str(tmp_path / "rattler")}
    r = run_process(*sources, "-o", out, "--lock", "--lock-backend", "rattler", env=env)
    assert r.code == 0, r.err
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    assert names == [".bindermerge.json", "apt.txt", "conda-linux-64.lock", "conda-lock.yml",
                     "environment.unlocked.yml", "environment.yml"]
    assert "package index http://127.0.0.1:9/simple cannot be reached: 1 pip entries left as merged" in r.err
    pinned = (out / "environment.yml").read_text()
    assert "  - python=3.11." in pinned and "numpy=" in pinned and "six==1.16.0" in pinned
    assert (out / "conda-linux-64.lock").read_text().count("@EXPLICIT") == 1
    lock = parse_conda_lock_file(out / "conda-lock.yml")
    assert {p.name for p in lock.package} >= {"python", "numpy"}
    assert "python=3.11" in (out / "environment.unlocked.yml").read_text()

    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    again = run_process(*sources, "-o", out, "--lock", "--lock-backend", "rattler", env=env)
    assert again.code == 0 and "nothing to do" in again.err
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert run_process(*sources, "-o", out, "--lock", "--lock-backend", "rattler", "--check", env=env).code == 0
    # Without --lock the same directory is out of date: the lock options are part of the inputs.
    assert run_process(*sources, "-o", out, "--check", env=env).code == 1
    # The unchanged --lock run imports neither solver.
    probe = (
        "import sys\nfrom bindermerge.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
        "print(code, [m for m in ('rattler', 'conda_lock', 'ruamel', 'packaging', 'typer') if m in sys.modules])\n"
    )
    import subprocess

    proc = subprocess.run([sys.executable, "-c", probe, *map(str, sources), "-o", str(out), "--lock",
                           "--lock-backend", "rattler"], capture_output=True, text=True)
    assert proc.stdout.strip() == "0 []", proc.stderr


def test_check_reports_a_stale_lock_without_solving(sources, tmp_path, cli, monkeypatch):
    out = tmp_path / "binder"
    assert cli(*sources, "-o", out, "--lock", "--lock-backend", "rattler").code == 0
    env_file = sources[0] / "environment.yml"
    env_file.write_text(env_file.read_text().replace("  - numpy\n", "  - numpy<2\n"))
    import bindermerge.lock as lock

    monkeypatch.setattr(lock, "lock_environment", lambda *a, **k: (_ for _ in ()).throw(AssertionError("solved")))
    r = cli(*sources, "-o", out, "--lock", "--lock-backend", "rattler", "--check")
    assert r.code == 1 and "stale" in r.err


def test_changed_comment_reuses_lock_without_solving(sources, tmp_path, cli, monkeypatch):
    out = tmp_path / "binder"
    assert cli(*sources, "-o", out, "--lock", "--lock-backend", "rattler").code == 0
    lockfile = (out / "conda-lock.yml").read_bytes()
    (sources[1] / "apt.txt").write_text("git\nhtop\n")  # the environment is unchanged

    import bindermerge.lock as lock

    def no_solve(*a, **k):
        raise AssertionError("solved again although the environment did not change")

    monkeypatch.setattr(lock, "lock_environment", no_solve)
    r = cli(*sources, "-o", out, "--lock", "--lock-backend", "rattler")
    assert r.code == 0, r.err
    assert (out / "conda-lock.yml").read_bytes() == lockfile
    assert "htop" in (out / "apt.txt").read_text()


def test_unsatisfiable_exits_1_naming_sources(make_source, channel, tmp_path, cli):
    a = make_source("old", {"environment.yml": f"channels:\n  - {channel.url}\ndependencies:\n  - python=3.10\n"})
    b = make_source("new", {"environment.yml": f"channels:\n  - {channel.url}\ndependencies:\n  - numpy>=2\n"})
    out = tmp_path / "binder"
    r = cli(a, b, "-o", out, "--lock", "--lock-backend", "rattler")
    assert r.code == 1, r.err
    assert "cannot be solved for linux-64" in r.err and "new" in r.err
    assert not out.exists()


def test_unreachable_channel_exits_2(make_source, tmp_path, cli):
    a = make_source("a", {"environment.yml": f"channels:\n  - file://{tmp_path}/no-such-channel\ndependencies:\n  - numpy\n"})
    r = cli(a, "-o", tmp_path / "binder", "--lock", "--lock-backend", "rattler")
    assert r.code == 2
    assert "no-such-channel" in r.err and len(r.err.strip().splitlines()) == 1
    assert not (tmp_path / "binder").exists()


def test_lock_needs_an_environment(make_source, tmp_path, cli):
    a = make_source("a", {"requirements.txt": "six\n"})
    r = cli(a, "-o", tmp_path / "binder", "--lock")
    assert r.code == 2 and "needs an environment.yml" in r.err
    assert cli(a, "-o", tmp_path / "binder", "--platform", "osx-64").code == 2  # needs --lock


def test_lock_pip_modes(sources, tmp_path, cli):
    r = cli(*sources, "-o", tmp_path / "no", "--lock", "--lock-backend", "rattler", "--lock-pip", "no")
    assert r.code == 0 and "left as merged, not pinned (1; --lock-pip no)" in r.err
    r = cli(*sources, "-o", tmp_path / "yes", "--lock", "--lock-backend", "rattler", "--lock-pip", "yes")
    assert r.code == 2 and "cannot be reached" in r.err and not (tmp_path / "yes").exists()
    assert cli(*sources, "-o", tmp_path / "x", "--lock-pip", "no").code == 2  # needs --lock
    assert cli(*sources, "-o", tmp_path / "x", "--lock", "--lock-pip", "maybe").code == 2


def test_force_does_not_keep_hand_edits_to_a_lock(sources, tmp_path, cli):
    out = tmp_path / "binder"
    assert cli(*sources, "-o", out, "--lock", "--lock-backend", "rattler").code == 0
    pristine = (out / "environment.yml").read_bytes()
    with open(out / "environment.yml", "a") as fh:
        fh.write("  - evil=1.0\n")
    assert cli(*sources, "-o", out, "--lock", "--lock-backend", "rattler").code == 2  # edited: refused
    assert cli(*sources, "-o", out, "--lock", "--lock-backend", "rattler", "--force").code == 0
    assert (out / "environment.yml").read_bytes() == pristine


def test_a_pinned_environment_locks_again(sources, tmp_path, cli, make_source):
    """Build strings (`numpy=1.26.4=py311h..._0`) reach rattler the way conda reads them."""
    out = tmp_path / "binder"
    assert cli(*sources, "-o", out, "--lock", "--lock-backend", "rattler", "--lock-pip", "no").code == 0
    again = make_source("pinned", {"environment.yml": (out / "environment.yml").read_text()})
    r = cli(again, "-o", tmp_path / "again", "--lock", "--lock-backend", "rattler", "--lock-pip", "no")
    assert r.code == 0, r.err


def test_no_channel_locks_against_conda_forge(make_source, tmp_path, cli, monkeypatch):
    import bindermerge.lock as lock

    seen = {}

    def fake_lock(spec, **kwargs):
        seen["channels"] = spec.channels
        raise lock.ChannelUnreachableError("conda-forge", "offline")

    monkeypatch.setattr(lock, "lock_environment", fake_lock)
    a = make_source("a", {"environment.yml": "dependencies:\n  - numpy\n"})
    r = cli(a, "-o", tmp_path / "binder", "--lock")
    assert seen["channels"] == ("conda-forge",)
    assert r.code == 2 and "conda-forge" in r.err


def test_json_of_an_unsolvable_lock_is_not_ok(make_source, channel, tmp_path, cli):
    import json

    a = make_source("old", {"environment.yml": f"channels:\n  - {channel.url}\ndependencies:\n  - python=3.10\n  - numpy>=2\n"})
    r = cli(a, "-o", tmp_path / "binder", "--lock", "--lock-backend", "rattler", "--json")
    doc = json.loads(r.out)
    assert r.code == 1 and doc["ok"] is False and doc["exit_code"] == 1 and doc["written"] is False
