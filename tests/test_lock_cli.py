"""``--lock`` on the command line: files written, reuse without solving, errors and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import REPO, run_process
from helpers.conda_channel import build_channel


@pytest.fixture(autouse=True)
def _no_package_index(monkeypatch):
    """Tests run offline: a closed port on loopback stands for an unreachable index."""
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.delenv("POETRY_REPOSITORIES_PYPISIMPLE_URL", raising=False)


def env_yml(channel: str, *deps: str, pip: str = "") -> str:
    """An environment.yml naming one channel, with ``deps`` and an optional ``pip:`` block."""
    lines = ["channels:", f"  - {channel}", "dependencies:", *(f"  - {d}" for d in deps)]
    if pip:
        lines += ["  - pip:", *(f"      - {p}" for p in pip.splitlines())]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def channel(tmp_path_factory):
    return build_channel(tmp_path_factory.mktemp("channel"))


@pytest.fixture
def sources(make_source, channel):
    a = make_source("science", {"environment.yml": env_yml(channel.url, "python=3.11", "numpy")})
    b = make_source("tools", {"requirements.txt": "six==1.16.0\n", "apt.txt": "git\n"})
    return a, b


def test_lock_writes_pinned_files_and_reuses_them(sources, tmp_path, monkeypatch):
    from conda_lock.lockfile import parse_conda_lock_file

    out = tmp_path / "binder"
    env = {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "RATTLER_CACHE_DIR": str(tmp_path / "rattler"),
    }
    r = run_process(*sources, "-o", out, "--lock", "--lock-backend", "rattler", env=env)
    assert r.code == 0, r.err
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    assert names == [
        ".bindermerge.json",
        "apt.txt",
        "conda-linux-64.lock",
        "conda-lock.yml",
        "environment.unlocked.yml",
        "environment.yml",
    ]
    assert (
        "package index http://127.0.0.1:9/simple cannot be reached: 1 pip entries left as merged"
        in r.err
    )
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
    assert (
        run_process(
            *sources, "-o", out, "--lock", "--lock-backend", "rattler", "--check", env=env
        ).code
        == 0
    )
    # Without --lock the same directory is out of date: the lock options are part of the inputs.
    assert run_process(*sources, "-o", out, "--check", env=env).code == 1
    # A run without --lock drops the lock, and says so.
    unlocked = tmp_path / "unlocked"
    import shutil

    shutil.copytree(out, unlocked)
    r = run_process(*sources, "-o", unlocked, env=env)
    assert r.code == 0, r.err
    assert f"warning: {unlocked} was locked and this run does not lock" in r.err
    assert not (unlocked / "conda-lock.yml").exists()
    # The unchanged --lock run imports neither solver.
    probe = (
        "import sys\nfrom bindermerge.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
        "heavy = ('rattler', 'conda_lock', 'ruamel', 'packaging', 'typer')\n"
        "print(code, [m for m in heavy if m in sys.modules])\n"
    )
    import subprocess

    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            *map(str, sources),
            "-o",
            str(out),
            "--lock",
            "--lock-backend",
            "rattler",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.stdout.strip() == "0 []", proc.stderr


def test_check_reports_a_stale_lock_without_solving(sources, tmp_path, cli, monkeypatch):
    out = tmp_path / "binder"
    assert cli(*sources, "-o", out, "--lock", "--lock-backend", "rattler").code == 0
    env_file = sources[0] / "environment.yml"
    env_file.write_text(env_file.read_text().replace("  - numpy\n", "  - numpy<2\n"))
    import bindermerge.lock as lock

    monkeypatch.setattr(
        lock, "lock_environment", lambda *a, **k: (_ for _ in ()).throw(AssertionError("solved"))
    )
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
    a = make_source("old", {"environment.yml": env_yml(channel.url, "python=3.10")})
    b = make_source("new", {"environment.yml": env_yml(channel.url, "numpy>=2")})
    out = tmp_path / "binder"
    r = cli(a, b, "-o", out, "--lock", "--lock-backend", "rattler")
    assert r.code == 1, r.err
    assert "cannot be solved for linux-64" in r.err and "new" in r.err
    assert not out.exists()


def test_unreachable_channel_exits_2(make_source, tmp_path, cli):
    bad = f"file://{tmp_path}/no-such-channel"
    a = make_source("a", {"environment.yml": env_yml(bad, "numpy")})
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
    r = cli(
        *sources, "-o", tmp_path / "no", "--lock", "--lock-backend", "rattler", "--lock-pip", "no"
    )
    assert r.code == 0 and "left as merged, not pinned (1; --lock-pip no)" in r.err
    r = cli(
        *sources, "-o", tmp_path / "yes", "--lock", "--lock-backend", "rattler", "--lock-pip", "yes"
    )
    assert r.code == 2 and "cannot be reached" in r.err and not (tmp_path / "yes").exists()
    assert cli(*sources, "-o", tmp_path / "x", "--lock-pip", "no").code == 2  # needs --lock
    assert cli(*sources, "-o", tmp_path / "x", "--lock", "--lock-pip", "maybe").code == 2


def test_force_does_not_keep_hand_edits_to_a_lock(sources, tmp_path, cli):
    out = tmp_path / "binder"
    assert cli(*sources, "-o", out, "--lock", "--lock-backend", "rattler").code == 0
    pristine = (out / "environment.yml").read_bytes()
    with open(out / "environment.yml", "a") as fh:
        fh.write("  - evil=1.0\n")
    assert (
        cli(*sources, "-o", out, "--lock", "--lock-backend", "rattler").code == 2
    )  # edited: refused
    assert cli(*sources, "-o", out, "--lock", "--lock-backend", "rattler", "--force").code == 0
    assert (out / "environment.yml").read_bytes() == pristine


def test_a_pinned_environment_locks_again(sources, tmp_path, cli, make_source):
    """Build strings (`numpy=1.26.4=py311h..._0`) reach rattler the way conda reads them."""
    out = tmp_path / "binder"
    assert (
        cli(*sources, "-o", out, "--lock", "--lock-backend", "rattler", "--lock-pip", "no").code
        == 0
    )
    again = make_source("pinned", {"environment.yml": (out / "environment.yml").read_text()})
    r = cli(
        again, "-o", tmp_path / "again", "--lock", "--lock-backend", "rattler", "--lock-pip", "no"
    )
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

    a = make_source("old", {"environment.yml": env_yml(channel.url, "python=3.10", "numpy>=2")})
    r = cli(a, "-o", tmp_path / "binder", "--lock", "--lock-backend", "rattler", "--json")
    doc = json.loads(r.out)
    assert r.code == 1 and doc["ok"] is False and doc["exit_code"] == 1 and doc["written"] is False


# -- the lock extra ------------------------------------------------------------------------

# Runs the command line with conda-lock and ensureconda unimportable, as after a plain
# `pip install bindermerge` (a None entry in sys.modules makes an import fail).
WITHOUT_EXTRA = (
    "import sys\n"
    "sys.modules['conda_lock'] = None\n"
    "sys.modules['ensureconda'] = None\n"
    "from bindermerge.cli import main\n"
    "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    sys.exit(e.code)\n"
)


def run_without_extra(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRA, *map(str, args)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip


def test_lock_without_the_extra_exits_2_saying_what_to_install(sources, tmp_path):
    out = tmp_path / "binder"
    proc = run_without_extra(*sources, "-o", out, "--lock", "--lock-backend", "rattler")
    assert proc.returncode == 2, proc.stderr
    assert "install bindermerge[lock]" in proc.stderr
    assert "conda-lock and ensureconda" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_merging_needs_no_lock_extra(sources, tmp_path):
    out = tmp_path / "binder"
    proc = run_without_extra(*sources, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert (out / "environment.yml").is_file()
    assert run_without_extra(*sources, "-o", out, "--check").returncode == 0


def test_a_current_lock_is_reused_without_the_extra(sources, tmp_path):
    """Reusing a lock solves nothing: a CI job checking it needs no conda-lock."""
    out = tmp_path / "binder"
    assert run_process(*sources, "-o", out, "--lock", "--lock-backend", "rattler").code == 0
    # --json skips the fast path: the full merge and lock_result decide to reuse.
    proc = run_without_extra(*sources, "-o", out, "--lock", "--lock-backend", "rattler", "--json")
    assert proc.returncode == 0, proc.stderr


# -- provenance and the package index, through lock_result -------------------------------


def test_unsatisfiable_lock_names_sources_from_provenance(make_source, channel, tmp_path):
    from bindermerge.lock import UnsatisfiableError
    from bindermerge.lock.apply import lock_result, unsatisfiable_sources
    from bindermerge.pipeline import merge

    a = make_source("old", {"environment.yml": env_yml(channel.url, "python=3.10")})
    b = make_source("tools", {"environment.yml": env_yml(channel.url, "tzdata")})
    c = make_source("new", {"environment.yml": env_yml(channel.url, "numpy>=2")})
    result = merge([a, b, c])
    with pytest.raises(UnsatisfiableError) as info:
        lock_result(result, tmp_path / "binder", backend="rattler")
    assert info.value.sources == ("old", "new")  # tools asked for tzdata, which is not involved
    assert set(info.value.packages) == {"python", "numpy"}
    assert unsatisfiable_sources(result, info.value) == ("old", "new")
    # Raised without provenance (a hand-made spec), the merge still names them.
    bare = UnsatisfiableError(info.value.platform, info.value.specs, info.value.explanation)
    assert unsatisfiable_sources(result, bare) == ("old", "new")


@pytest.fixture
def simple_index():
    """A package index on loopback that answers every page (enough for the reachability check);
    records the Authorization headers it saw."""
    seen: list[str | None] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers.get("Authorization"))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html><body></body></html>")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/simple", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def recorded_pip_solve(monkeypatch):
    import conda_lock.pypi_solver

    calls = []

    def solve_pypi(**kwargs):
        calls.append({**kwargs, "environ": dict(os.environ)})
        return {}

    monkeypatch.setattr(conda_lock.pypi_solver, "solve_pypi", solve_pypi)
    return calls


@pytest.mark.parametrize("own_index", [False, True], ids=["PIP_INDEX_URL", "--index-url"])
def test_lock_result_passes_the_index_and_leaves_environ_alone(
    own_index, make_source, channel, tmp_path, monkeypatch, simple_index, recorded_pip_solve
):
    from bindermerge.lock.apply import lock_result
    from bindermerge.pipeline import merge

    url, _ = simple_index
    pip_block = (f"--index-url {url}\n" if own_index else "") + "six==1.16.0"
    if own_index:  # the merged block's own --index-url wins over the environment's
        monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    else:
        monkeypatch.setenv("PIP_INDEX_URL", url)
    a = make_source(
        "a", {"environment.yml": env_yml(channel.url, "python=3.11", "pip", pip=pip_block)}
    )
    result = merge([a])
    before = dict(os.environ)
    locked = lock_result(result, tmp_path / "binder", backend="rattler", lock_pip="yes")

    assert dict(os.environ) == before
    (call,) = recorded_pip_solve
    assert call["environ"] == before
    assert [r.url for r in call["pip_repositories"]] == [url]
    assert call["allow_pypi_requests"] is False
    assert locked.file("conda-lock.yml") is not None


def test_reachability_sends_credentials_as_basic_auth(simple_index):
    from bindermerge.lock.pypi import reachable, without_credentials

    url, seen = simple_index
    with_user = url.replace("http://", "http://user:s%40cret@")
    assert reachable(with_user)
    assert seen[-1] == "Basic dXNlcjpzQGNyZXQ="  # user:s@cret
    assert without_credentials(with_user) == url
    assert not reachable("http://127.0.0.1:9/simple", timeout=1)


def test_lock_keeps_the_environment_variables(make_source, channel, tmp_path):
    """``variables:`` are not solved, but repo2docker's ``mamba env update`` sets them: both
    environment files carry them, reading back as the same text to YAML 1.1 and 1.2 readers,
    and a change of one is a change of the lock (never the old files reused)."""
    import yaml as pyyaml
    from ruamel.yaml import YAML

    values = {"PGDATA": "/srv/pg", "FLAG": "yes", "ZERO": "007", "EQ": "=", "STAR": "*x"}
    text = (
        env_yml(channel.url, "python=3.11")
        + "variables:\n"
        + "".join(f"  {k}: '{v}'\n" for k, v in values.items())
    )
    src = make_source("vars", {"environment.yml": text})
    out = tmp_path / "binder"
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "RATTLER_CACHE_DIR": str(tmp_path / "r")}
    r = run_process(src, "-o", out, "--lock", "--lock-backend", "rattler", env=env)
    assert r.code == 0, r.err
    for name in ("environment.yml", "environment.unlocked.yml"):
        body = (out / name).read_text()
        assert pyyaml.safe_load(body)["variables"] == values, name
        assert dict(YAML(typ="safe").load(body)["variables"]) == values, name
    (src / "environment.yml").write_text(text.replace("/srv/pg", "/srv/postgres"))
    r = run_process(src, "-o", out, "--lock", "--lock-backend", "rattler", env=env)
    assert r.code == 0, r.err
    pinned = pyyaml.safe_load((out / "environment.yml").read_text())
    assert pinned["variables"]["PGDATA"] == "/srv/postgres"
