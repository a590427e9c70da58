"""Offline tests of the locking engine (issue 5): both backends against a local channel.

Nothing here touches a network: the channel is built on disk (tests/helpers/conda_channel.py) and
the conda-lock backend runs conda-lock's real code path against a py-rattler based stand-in
for ``conda`` (tests/helpers/fake_conda.py). Every cache (XDG, rattler, conda-lock, Poetry) points
into a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.conda_channel import LocalChannel, build_channel
from helpers.fake_conda import install_fake_conda
from ruamel.yaml import YAML

from bindermerge.lock import (
    ChannelUnreachableError,
    LockError,
    LockExtraMissingError,
    LockResult,
    LockSpec,
    NoSolverError,
    UnsatisfiableError,
    input_hash,
    lock_environment,
    stored_input_hash,
)
from bindermerge.lock import errors as lock_errors

BACKENDS = ("rattler", "conda-lock")
EXPECTED_FILES = {
    "environment.yml",
    "environment.unlocked.yml",
    "conda-lock.yml",
    "conda-linux-64.lock",
}


@pytest.fixture(scope="session")
def channel(tmp_path_factory: pytest.TempPathFactory) -> LocalChannel:
    return build_channel(tmp_path_factory.mktemp("channel"))


@pytest.fixture(scope="session")
def fake_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding only the fake ``conda``."""
    bin_dir = tmp_path_factory.mktemp("fake-bin")
    install_fake_conda(bin_dir)
    return bin_dir


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Caches into tmp, and no conda found anywhere unless a test puts the fake on PATH."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    # ensureconda looks for installed micromamba under the user data dir.
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("RATTLER_CACHE_DIR", str(home / "rattler"))
    monkeypatch.setenv("CONDA_PKGS_DIRS", str(home / "pkgs"))
    monkeypatch.setenv("POETRY_CACHE_DIR", str(home / "poetry"))
    monkeypatch.delenv("CONDA_EXE", raising=False)
    monkeypatch.setenv("PATH", os.pathsep.join(["/usr/bin", "/bin"]))
    return home


@pytest.fixture
def fake_conda_on_path(fake_bin: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PATH", os.pathsep.join([str(fake_bin), "/usr/bin", "/bin"]))
    return fake_bin / "conda"


def spec_for(channel: LocalChannel, *conda: str, pip: tuple[str, ...] = ()) -> LockSpec:
    return LockSpec(name="merged", channels=[channel.url], conda_deps=conda, pip_deps=pip)


def yaml_load(data: bytes) -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(data.decode())
    return loaded


def locked_packages(result: LockResult, tmp_path: Path) -> dict[str, tuple[str, str, str]]:
    """name -> (version, url, md5), read back with conda-lock's own parser."""
    from conda_lock.lockfile import parse_conda_lock_file

    path = tmp_path / "conda-lock.yml"
    path.write_bytes(result.files["conda-lock.yml"])
    lock = parse_conda_lock_file(path)
    assert lock.metadata.platforms == ["linux-64"]
    return {p.name: (p.version, p.url, p.hash.md5 or "") for p in lock.package}


def test_rattler_locks_the_fixture_channel(channel: LocalChannel, tmp_path: Path) -> None:
    spec = spec_for(channel, "numpy", "python>=3.10", pip=("requests==2.31", "-e ."))
    result = lock_environment(spec, backend="rattler")

    assert result.backend == "rattler"
    assert set(result.files) == EXPECTED_FILES

    packages = locked_packages(result, tmp_path)
    assert {n: v for n, (v, _, _) in packages.items()} == {
        "libzlib": "1.3.1",
        "numpy": "2.0.1",
        "pip": "24.0",
        "python": "3.11.9",
    }
    for _, url, md5 in packages.values():
        filename = url.rsplit("/", 1)[1]
        assert url.startswith(channel.url + "/")
        assert md5 == channel.record(filename)["md5"]

    explicit = result.files["conda-linux-64.lock"].decode().splitlines()
    body = [line for line in explicit if line and not line.startswith("#")]
    assert body[0] == "@EXPLICIT"
    assert sorted(body[1:]) == sorted(f"{url}#{md5}" for _, url, md5 in packages.values())

    env = yaml_load(result.files["environment.yml"])
    assert env["name"] == "merged"
    assert env["channels"] == [channel.url]
    conda_pins = [d for d in env["dependencies"] if isinstance(d, str)]
    assert conda_pins[0] == "python=3.11.9=hb806964_0_cpython"
    assert all(len(pin.split("=")) == 3 for pin in conda_pins)
    assert {pin.split("=")[0] for pin in conda_pins} == set(packages)
    # Without PyPI the pip block is copied as merged, and the user is told.
    assert env["dependencies"][-1] == {"pip": ["requests==2.31", "-e ."]}
    assert any("pip entries are not locked" in w for w in result.warnings)
    # pip entries need pip as a conda dependency for repo2docker to install them.
    assert any("added 'pip'" in w for w in result.warnings)

    unlocked = yaml_load(result.files["environment.unlocked.yml"])
    assert unlocked == {
        "name": "merged",
        "channels": [channel.url],
        "dependencies": ["numpy", "python>=3.10", "pip", {"pip": ["requests==2.31", "-e ."]}],
    }


@pytest.mark.parametrize(
    ("conda", "python", "numpy"),
    [
        (("python=3.10", "numpy"), "3.10.14", "numpy=1.26.4=py310hb13e2d6_0"),
        (("numpy<2",), "3.11.9", "numpy=1.26.4=py311h64a7726_0"),
        (("numpy",), "3.11.9", "numpy=2.0.1=py311hed25524_0"),
    ],
)
def test_rattler_picks_builds_for_the_python(
    channel: LocalChannel, conda: tuple[str, ...], python: str, numpy: str
) -> None:
    result = lock_environment(spec_for(channel, *conda), backend="rattler")
    pins = yaml_load(result.files["environment.yml"])["dependencies"]
    assert pins[0].startswith(f"python={python}=")
    assert numpy in pins


def test_conda_lock_backend_matches_rattler(
    channel: LocalChannel, fake_conda_on_path: Path, tmp_path: Path
) -> None:
    spec = spec_for(channel, "python=3.11", "numpy", "pip", "tzdata")
    via_conda = lock_environment(spec)  # auto: the fake conda on PATH is found
    via_rattler = lock_environment(spec, backend="rattler")

    assert via_conda.backend == "conda-lock"
    assert locked_packages(via_conda, tmp_path) == locked_packages(via_rattler, tmp_path)
    # Same spec, same virtual packages: conda-lock's content hash and the explicit file agree.
    assert via_conda.files["conda-linux-64.lock"] == via_rattler.files["conda-linux-64.lock"]
    conda_env = yaml_load(via_conda.files["environment.yml"])
    rattler_env = yaml_load(via_rattler.files["environment.yml"])
    assert conda_env == rattler_env
    assert via_conda.input_hash != via_rattler.input_hash  # the requested backend is an input


def test_conda_lock_cli_agrees_with_our_lock(
    channel: LocalChannel, fake_conda_on_path: Path, tmp_path: Path
) -> None:
    """conda-lock's own command line, fed environment.unlocked.yml, pins the same packages."""
    result = lock_environment(spec_for(channel, "python=3.10", "numpy"), backend="rattler")
    work = tmp_path / "cli"
    work.mkdir()
    (work / "environment.unlocked.yml").write_bytes(result.files["environment.unlocked.yml"])
    (work / "map.json").write_text("{}")
    subprocess.run(
        [
            sys.executable, "-m", "conda_lock", "lock",
            "-f", "environment.unlocked.yml", "-p", "linux-64",
            "--conda", str(fake_conda_on_path),
            "--pypi_to_conda_lookup_file", "map.json",
            "-k", "explicit",
        ],
        cwd=work, check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    assert (work / "conda-linux-64.lock").read_bytes() == result.files["conda-linux-64.lock"]


def test_auto_falls_back_to_rattler_without_conda(channel: LocalChannel) -> None:
    assert lock_environment(spec_for(channel, "python"), backend="auto").backend == "rattler"


def test_conda_lock_backend_without_executable_is_a_no_solver_error(
    channel: LocalChannel,
) -> None:
    with pytest.raises(NoSolverError, match="conda, mamba or micromamba"):
        lock_environment(spec_for(channel, "python"), backend="conda-lock")


def test_a_named_but_missing_conda_is_an_error_even_under_auto(channel: LocalChannel) -> None:
    with pytest.raises(NoSolverError, match="no-such-mamba"):
        lock_environment(spec_for(channel, "python"), conda_exe="/nowhere/no-such-mamba")


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_explicit_file_per_platform(
    backend: str, channel: LocalChannel, fake_conda_on_path: Path
) -> None:
    # The fixture has no osx-64 subdir: only the noarch package can be locked there.
    result = lock_environment(
        spec_for(channel, "tzdata"),
        backend=backend,  # type: ignore[arg-type]
        platforms=("osx-64", "linux-64"),
    )
    assert set(result.files) == EXPECTED_FILES | {"conda-osx-64.lock"}
    osx = result.files["conda-osx-64.lock"].decode()
    assert "# platform: osx-64" in osx and "/noarch/tzdata-2024a-h0c530f3_0.tar.bz2#" in osx
    # environment.yml is for repo2docker, hence linux-64 whatever the order asked.
    assert b"for linux-64" in result.files["environment.yml"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_unsatisfiable_platform_is_named(
    backend: str, channel: LocalChannel, fake_conda_on_path: Path
) -> None:
    with pytest.raises(UnsatisfiableError) as info:
        lock_environment(
            spec_for(channel, "python"),
            backend=backend,  # type: ignore[arg-type]
            platforms=("linux-64", "osx-64"),
        )
    assert info.value.platform == "osx-64"


@pytest.mark.parametrize("backend", BACKENDS)
def test_unsatisfiable_environment_explains_itself(
    backend: str, channel: LocalChannel, fake_conda_on_path: Path
) -> None:
    spec = spec_for(channel, "numpy>=2", "python=3.10")
    with pytest.raises(UnsatisfiableError) as info:
        lock_environment(spec, backend=backend)  # type: ignore[arg-type]
    error = info.value
    assert error.platform == "linux-64"
    assert error.specs == ("numpy>=2", "python=3.10")
    # The solver's own explanation: numpy 2 needs a python the spec excludes.
    assert "numpy" in error.explanation and "python >=3.11" in error.explanation
    assert "numpy>=2, python=3.10" in str(error)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("where", ["missing-folder", "closed-port"])
def test_unreachable_channel_is_named(
    backend: str, where: str, channel: LocalChannel, fake_conda_on_path: Path, tmp_path: Path
) -> None:
    bad = (
        (tmp_path / "no-such-channel").as_uri()
        if where == "missing-folder"
        else "http://127.0.0.1:9/ch"
    )
    spec = LockSpec(name="m", channels=[bad, channel.url], conda_deps=["python"])
    with pytest.raises(ChannelUnreachableError) as info:
        lock_environment(spec, backend=backend)  # type: ignore[arg-type]
    assert info.value.channel == bad
    assert bad in str(info.value)


def test_input_hash_is_stored_and_read_back_without_solver_imports(
    channel: LocalChannel,
) -> None:
    spec = spec_for(channel, "python=3.11", "numpy")
    result = lock_environment(spec, backend="rattler")
    stored = stored_input_hash(result.files["conda-lock.yml"].decode())
    assert stored == result.input_hash == input_hash(spec, backend="rattler")
    # Anything that changes the lock changes the hash.
    assert input_hash(spec, backend="auto") != stored
    assert input_hash(spec, backend="rattler", platforms=("linux-64", "osx-64")) != stored
    assert input_hash(spec_for(channel, "python=3.10", "numpy"), backend="rattler") != stored
    assert input_hash(spec, backend="rattler", lock_pip=True) != stored
    assert stored_input_hash("version: 1\nmetadata:\n  content_hash: {}\n") is None

    # The skip-the-solve check must stay cheap: no conda-lock, rattler or YAML import.
    probe = (
        "import sys; from bindermerge.lock.hashing import stored_input_hash; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'conda_lock', 'rattler', 'yaml', 'ruamel', 'pydantic', 'ensureconda'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout
    assert out.strip() == "[]"


def test_unpinnable_pip_entries_stay_verbatim_when_pip_locking(channel: LocalChannel) -> None:
    # Only pip-syntax entries: nothing for PyPI to solve, so this stays offline.
    spec = spec_for(channel, "python", "pip", pip=("-e .", "-r requirements.txt"))
    result = lock_environment(spec, backend="rattler", lock_pip=True)
    env = yaml_load(result.files["environment.yml"])
    assert env["dependencies"][-1] == {"pip": ["-e .", "-r requirements.txt"]}
    assert sum("cannot be pinned" in w for w in result.warnings) == 2


def test_local_channel_paths_and_overrides(channel: LocalChannel) -> None:
    spec = LockSpec(name="m", channels=["conda-forge"], conda_deps=["python=3.10"])
    result = lock_environment(spec, backend="rattler", channel_override=[str(channel.path)])
    env = yaml_load(result.files["environment.yml"])
    assert env["channels"] == [channel.url]  # a folder becomes a file:// URL
    assert env["dependencies"][0].startswith("python=3.10.14=")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"platforms": ("linux-32",)}, "supported platforms"),
        ({"platforms": ()}, "no platform"),
        ({"backend": "pixi"}, "unknown lock backend"),
    ],
)
def test_bad_arguments(channel: LocalChannel, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(LockError, match=message):
        lock_environment(spec_for(channel, "python"), **kwargs)


def test_lock_spec_is_immutable() -> None:
    spec = LockSpec(name="m", channels=["conda-forge"], conda_deps=["python"])
    assert spec.channels == ("conda-forge",) and hash(spec)
    with pytest.raises(TypeError):
        LockSpec(name="m", channels="conda-forge", conda_deps=[])


@pytest.mark.repo2docker
@pytest.mark.parametrize(("python_spec", "expected"), [("python=3.10", "3.10"), ("numpy", "3.11")])
def test_repo2docker_reads_the_pinned_python(
    channel: LocalChannel,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    python_spec: str,
    expected: str,
) -> None:
    """repo2docker's CondaBuildPack picks up the pinned file and its Python version."""
    repo2docker = pytest.importorskip("repo2docker.buildpacks")
    result = lock_environment(spec_for(channel, python_spec, "numpy"), backend="rattler")
    binder = tmp_path / "repo" / "binder"
    binder.mkdir(parents=True)
    for name, data in result.files.items():
        (binder / name).write_bytes(data)
    monkeypatch.chdir(binder.parent)

    buildpack = repo2docker.CondaBuildPack(base_image="docker.io/library/buildpack-deps:jammy")
    assert buildpack.detect()
    assert buildpack.environment_yaml_path == "binder/environment.yml"
    assert buildpack.python_version == expected


# -- provenance, process state, the lock extra ---------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_unsatisfiable_error_names_the_sources_that_asked(
    backend: str, channel: LocalChannel, fake_conda_on_path: Path
) -> None:
    spec = LockSpec(
        name="m",
        channels=[channel.url],
        conda_deps=["python=3.10", "tzdata", "numpy>=2"],
        requested_by=[("python", ["old"]), ("tzdata", ["bystander"]), ("numpy", ["new", "old"])],
    )
    with pytest.raises(UnsatisfiableError) as info:
        lock_environment(spec, backend=backend)  # type: ignore[arg-type]
    error = info.value
    # The solver's explanation names numpy and python, not tzdata: its source is not blamed.
    assert error.packages == ("python", "numpy")
    assert error.sources == ("old", "new")
    assert "asked for by old, new" in str(error)
    assert error.specs == ("python=3.10", "tzdata", "numpy>=2")


def test_provenance_takes_no_part_in_equality_or_the_hash(channel: LocalChannel) -> None:
    plain = spec_for(channel, "python", "numpy")
    traced = LockSpec(
        name="merged",
        channels=[channel.url],
        conda_deps=["python", "numpy"],
        requested_by=[("numpy", ["a"])],
    )
    assert plain == traced and hash(plain) == hash(traced)
    assert input_hash(plain) == input_hash(traced)
    assert traced.requested_by == (("numpy", ("a",)),)


@pytest.mark.parametrize(
    ("explanation", "packages"),
    [
        ("python >=3.11 is excluded by python 3.10.*", ("python",)),
        ("nothing provides python-dateutil needed by pandas-2.2", ("pandas",)),
        ("python_abi 3.10 conflicts with python-3.11.9", ("python",)),
        ("NumPy 2.0.1 would require ...", ("numpy",)),
        ("the solver said nothing useful", ("python", "pandas", "numpy")),  # none named: all
    ],
)
def test_involved_packages_are_whole_names(explanation: str, packages: tuple[str, ...]) -> None:
    spec = LockSpec(
        name="m",
        channels=["c"],
        conda_deps=["python", "pandas", "numpy"],
        requested_by=[("python", ["a"]), ("pandas", ["b"]), ("numpy", ["c", "a"])],
    )
    assert spec.involved(explanation)[0] == packages


class _Watcher:
    """Samples os.environ and sys.stderr from another thread while a lock runs."""

    def __init__(self) -> None:
        self.environ = dict(os.environ)
        self.stderr = sys.stderr
        self.changes: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                now = dict(os.environ)
            except RuntimeError:  # changed while being copied: a change all the same
                self.changes.append("os.environ changed while read")
                continue
            if now != self.environ:
                keys = {
                    k for k in now.keys() | self.environ.keys() if now.get(k) != self.environ.get(k)
                }
                self.changes.append(f"os.environ: {sorted(keys)}")
            if sys.stderr is not self.stderr:
                self.changes.append("sys.stderr replaced")
            time.sleep(0.0005)

    def __enter__(self) -> _Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.mark.parametrize("in_process", [False, True], ids=["worker", "in-process-control"])
def test_conda_lock_backend_leaves_the_process_alone(
    in_process: bool,
    channel: LocalChannel,
    fake_conda_on_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """conda-lock sets CONDA_OVERRIDE_* around each dry run: only its worker may see that.

    The control runs the same job in this process and must be caught, which shows the
    watcher can see what it is looking for.
    """
    from bindermerge.lock import condalock_backend
    from bindermerge.lock import job as jobs

    if in_process:

        def here(job: jobs.LockJob, *, conda_exe: Path) -> jobs.JobOutput:
            return jobs.run(job, lambda r: condalock_backend.solve(r, conda_exe=conda_exe))

        monkeypatch.setattr(condalock_backend, "lock", here)
    spec = spec_for(channel, "python=3.11", "numpy")
    with _Watcher() as watcher:
        result = lock_environment(spec, backend="conda-lock")
    assert result.backend == "conda-lock"
    if in_process:
        assert any("CONDA_OVERRIDE_" in c for c in watcher.changes)
    else:
        assert watcher.changes == []
        assert dict(os.environ) == watcher.environ


@pytest.fixture
def recorded_pip_solve(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, object]]]:
    """conda-lock's PyPI solver replaced by one that records its arguments and the
    environment it ran in, and pins nothing (no network)."""
    import conda_lock.pypi_solver

    calls: list[dict[str, object]] = []

    def solve_pypi(**kwargs: object) -> dict[str, object]:
        calls.append({**kwargs, "environ": dict(os.environ)})
        return {}

    monkeypatch.setattr(conda_lock.pypi_solver, "solve_pypi", solve_pypi)
    yield calls


def test_pip_index_reaches_poetry_as_an_argument(
    channel: LocalChannel,
    recorded_pip_solve: list[dict[str, object]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/ignored")
    monkeypatch.delenv("POETRY_REPOSITORIES_PYPISIMPLE_URL", raising=False)
    before = dict(os.environ)
    index = "https://user:secret@mirror.example/simple"
    spec = spec_for(channel, "python=3.11", "pip", pip=("six==1.16.0",))
    result = lock_environment(spec, backend="rattler", lock_pip=True, pip_indexes=[index])

    assert dict(os.environ) == before
    (call,) = recorded_pip_solve
    assert call["environ"] == before  # nothing set around the solve either
    assert [r.url for r in call["pip_repositories"]] == [index]  # type: ignore[attr-defined]
    assert call["allow_pypi_requests"] is False
    assert call["strip_auth"] is True  # the lock files never carry the index's credentials
    assert b"secret" not in result.files["conda-lock.yml"]
    # The index decides which versions exist: it is an input, credentials aside.
    assert result.input_hash == input_hash(
        spec, backend="rattler", lock_pip=True, pip_indexes=["https://mirror.example/simple"]
    )
    assert result.input_hash != input_hash(
        spec, backend="rattler", lock_pip=True, pip_indexes=["https://other.example/simple"]
    )


def test_default_pip_index_is_read_from_the_environment_not_written(
    channel: LocalChannel,
    recorded_pip_solve: list[dict[str, object]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple/")
    monkeypatch.delenv("POETRY_REPOSITORIES_PYPISIMPLE_URL", raising=False)
    spec = spec_for(channel, "python=3.11", "pip", pip=("six==1.16.0",))
    lock_environment(spec, backend="rattler", lock_pip=True)
    (call,) = recorded_pip_solve
    assert [r.url for r in call["pip_repositories"]] == ["http://127.0.0.1:9/simple"]  # type: ignore[attr-defined]
    assert "POETRY_REPOSITORIES_PYPISIMPLE_URL" not in call["environ"]  # type: ignore[operator]

    # An index Poetry reads from its own setting is not named twice.
    recorded_pip_solve.clear()
    monkeypatch.setenv("POETRY_REPOSITORIES_PYPISIMPLE_URL", "http://127.0.0.1:9/poetry")
    lock_environment(spec, backend="rattler", lock_pip=True)
    (call,) = recorded_pip_solve
    assert call["pip_repositories"] == [] and call["allow_pypi_requests"] is False


def test_pip_indexes_do_not_change_a_lock_without_pip(channel: LocalChannel) -> None:
    spec = spec_for(channel, "python", pip=("six",))
    assert input_hash(spec, pip_indexes=["https://a.example/simple"]) == input_hash(spec)


def test_missing_lock_extra_is_named_before_anything_else(
    channel: LocalChannel, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> object:
        return None if name == "conda_lock" else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(LockExtraMissingError) as info:
        lock_environment(spec_for(channel, "python"), backend="rattler")
    assert info.value.missing == ("conda-lock",)
    assert "install bindermerge[lock]" in str(info.value)
    assert isinstance(info.value, LockError)


def test_worker_errors_come_back_as_their_own_class() -> None:
    from bindermerge.lock.worker import error_from_json, error_to_json

    cases: list[LockError] = [
        UnsatisfiableError("linux-64", ["numpy>=2", "python=3.10"], "numpy needs python >=3.11"),
        ChannelUnreachableError("file:///nowhere", "no such file"),
        NoSolverError("no conda"),
        LockError("conda crashed"),
    ]
    for error in cases:
        back = error_from_json(error_to_json(error))
        assert type(back) is type(error) and str(back) == str(error)


@pytest.mark.parametrize(
    "module",
    [
        "errors",
        "hashing",
        "pypi",
        "job",
        "render",
        "rattler_backend",
        "condalock_backend",
        "worker",
        "apply",
    ],
)
def test_each_lock_module_imports_on_its_own(module: str) -> None:
    """No cycles: every module of the package can be the first one imported."""
    subprocess.run(
        [sys.executable, "-c", f"import bindermerge.lock.{module}"],
        check=True,
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
    )


def test_errors_are_defined_once() -> None:
    import bindermerge.lock as lock

    for name in lock_errors.__all__:
        if name != "LOCK_EXTRA":
            assert getattr(lock, name) is getattr(lock_errors, name)


def test_a_job_crosses_to_the_worker_unchanged() -> None:
    from bindermerge.lock.job import LockJob

    job = LockJob(
        name="m",
        channels=("conda-forge", "nodefaults"),
        solve_channels=("conda-forge",),
        conda_deps=("python=3.11", "pip"),
        pip_deps=("six==1.16.0", "-e ."),
        lock_pip=True,
        pip_repositories=("https://mirror.example/simple",),
        allow_pypi_requests=False,
        platforms=("linux-64", "osx-arm64"),
        input_hash="0" * 64,
        backend="conda-lock",
    )
    assert LockJob.from_json(job.to_json()) == job
    with pytest.raises(LockError, match="not a lock job"):
        LockJob.from_json({"name": "m"})
