"""Ask the *real* repo2docker, in-process and offline, how it reads a directory.

This is the oracle for the differential tests of :mod:`bindermerge.repo2docker` and a
helper for any test that wants to check that a merged ``binder/`` is read as intended::

    from helpers.r2d import inspect_dir
    info = inspect_dir(tmp_path)
    assert info["buildpack"] == "CondaBuildPack"
    assert "binder/requirements.txt" in info["ignored"]

It mirrors ``Repo2Docker.build()`` (repo2docker/app.py) and ``/work/shared/tools/r2d_inspect.py``:
chdir into the directory, walk ``Repo2Docker().buildpacks`` in order, the first truthy
``detect()`` wins, else ``default_buildpack``; that same instance renders the Dockerfile with the
app's build args (as app.build() does; r2d_inspect.py renders a fresh instance, which fails for
a root ``DESCRIPTION``), and ``build()`` runs against a fake container engine so that build-time
reads (``.dockerignore``) and build-time failures (Julia ``REQUIRE``) are seen too. No Docker
engine, no network: the two render-time HTTP lookups (R package-manager snapshot, Julia release
list) are replaced by offline stubs for the duration of the call, and every other use of
``requests`` is refused.

What counts as *used* (documented here because the tests compare against it):

* files repo2docker's code opened or found with ``os.path.exists`` while rendering, or read
  in ``build()`` (only reads made by repo2docker's own code; the tar of the whole repository
  does not count), plus
* files whose path appears in a Dockerfile instruction other than ``COPY``
  (``RUN ./binder/postBuild``, ``ENV R2D_ENTRYPOINT=".../binder/start"``, ...);
* minus files repo2docker only *copies* or *peeks at* to decide layer caching and never
  installs (``requirements3.txt`` outside a legacy-Python kernel), and files it read and found
  not to apply: a ``runtime.txt`` naming another language, a root ``pyproject.toml`` that is
  neither a package nor a source of the Python version;
* plus the root ``setup.py``/``pyproject.toml`` when the Dockerfile runs ``pip install .``
  (pip reads them even when repo2docker only checked that ``setup.py`` exists);
* plus two things done outside the rendered Dockerfile: NixBuildPack runs ``start`` from its
  ``nix-shell-wrapper`` at container start, and for DockerBuildPack the container engine
  (``docker buildx build``) reads the build context's root ``.dockerignore``.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime
import io
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Self

# Config file names repo2docker recognises (repo2docker/buildpacks/*), plus names people expect
# to work but that repo2docker never reads: both are reported as "ignored" when not used.
KNOWN: tuple[str, ...] = (
    "Dockerfile",
    "default.nix",
    "environment.yml",
    "environment.yaml",
    "requirements.txt",
    "requirements3.txt",
    "Pipfile",
    "Pipfile.lock",
    "setup.py",
    "pyproject.toml",
    "DESCRIPTION",
    "runtime.txt",
    "install.R",
    "Project.toml",
    "JuliaProject.toml",
    "REQUIRE",
    "apt.txt",
    "postBuild",
    "start",
    ".dockerignore",
    ".containerignore",
)
UNRECOGNISED: tuple[str, ...] = (
    "conda-lock.yml",
    "environment.lock",
    "renv.lock",
    "postBuild.sh",
    "start.sh",
    "requirements.in",
)  # not Manifest.toml: Julia's Pkg.instantiate() reads it

# Files repo2docker installs or executes: they count as used only when a non-COPY Dockerfile
# instruction names them. repo2docker also opens requirements*.txt just to decide whether pip
# may run before the repository is copied, and COPYs them early for layer caching.
_INSTALLED = {
    "requirements.txt",
    "requirements3.txt",
    "environment.yml",
    "environment.yaml",
    "install.R",
}

_JULIA_VERSIONS = (
    [f"1.0.{i}" for i in range(6)]
    + ["1.1.0", "1.1.1", "1.2.0", "1.3.0", "1.3.1"]
    + [f"1.{m}.{i}" for m, n in ((4, 3), (5, 5), (6, 8), (7, 4), (8, 6), (9, 5)) for i in range(n)]
    + [f"1.10.{i}" for i in range(11)]
    + [f"1.11.{i}" for i in range(8)]
    + [f"1.12.{i}" for i in range(2)]
)


def inspect_dir(path: str | os.PathLike[str], *, platform: str = "linux/amd64") -> dict[str, Any]:
    """Ask repo2docker how it reads the repository at ``path``.

    Returns a dict with keys ``buildpack`` (class name, or None when detection itself
    failed), ``binder_dir`` ("binder", ".binder" or ""), ``files_used`` and ``ignored``
    (sorted repo-relative paths; None when repo2docker fails), ``python_version`` (what the
    picked conda-family buildpack uses, None for Docker/Nix or on error), ``dockerfile``,
    ``error`` ("ExceptionType: message" or None) and ``log`` (repo2docker's log lines).
    """
    # realpath: repo2docker chdirs into the repository, and getcwd() reports the resolved path.
    repo = os.path.realpath(os.fspath(path))
    out: dict[str, Any] = {
        "buildpack": None,
        "binder_dir": None,
        "files_used": None,
        "ignored": None,
        "python_version": None,
        "dockerfile": None,
        "error": None,
        "log": [],
    }
    from repo2docker.app import Repo2Docker

    app = Repo2Docker()  # traitlets defaults only: buildpack order, base image, default buildpack
    with _capture_log(out["log"]), _offline(), _chdir(repo):
        try:
            has_b, has_db = os.path.isdir("binder"), os.path.isdir(".binder")
            out["binder_dir"] = (
                "" if has_b and has_db else (".binder" if has_db else "binder" if has_b else "")
            )
            picked, bp = None, None
            for BP in app.buildpacks:
                candidate = BP(base_image=app.base_image)
                if candidate.detect():
                    picked, bp = BP, candidate
                    break
            if picked is None:
                picked = app.default_buildpack
                bp = picked(base_image=app.base_image)
            out["buildpack"] = picked.__name__

            # Like app.build(), render the instance that detected: RBuildPack.detect() sets the
            # snapshot date for a root DESCRIPTION, and a fresh instance would fail without it.
            bp.platform = platform
            bp.labels.update({"repo2docker.repo": "local", "repo2docker.ref": None})
            build_args = {"NB_USER": "jovyan", "NB_UID": "1000"}
            access = _Access(repo)
            with access:
                dockerfile = bp.render(build_args)
            out["dockerfile"] = dockerfile
            if hasattr(bp, "python_version"):
                out["python_version"] = bp.python_version
            # detect() cached some reads (runtime.txt, environment.yml's path, the root-package
            # check) on that instance; a fresh instance's render shows them again.
            fresh = picked(base_image=app.base_image)
            fresh.platform = platform
            with access, contextlib.suppress(Exception):
                fresh.render(build_args)
            with access.only_repo2docker_callers():
                for _ in bp.build(_FakeEngine(), "r2d-test", 0, build_args, [], {}, platform):
                    pass
            used = _used(repo, out["binder_dir"], access, dockerfile, picked.__name__)
            out["files_used"] = sorted(used)
            out["ignored"] = sorted(_candidates(repo, out["binder_dir"]) - used)
        except Exception as e:  # noqa: BLE001 - repo2docker's own failure is a result, not a test error
            out["error"] = f"{type(e).__name__}: {e}"
            out["files_used"] = out["ignored"] = out["python_version"] = None
    return out


def _candidates(repo: str, bdir: str) -> set[str]:
    """Config-like files present in the config dir and, when it is a binder dir, at the root."""
    names = KNOWN + UNRECOGNISED
    found = {os.path.join(bdir, n) for n in names if os.path.isfile(os.path.join(repo, bdir, n))}
    if bdir:
        found |= {n for n in names if os.path.isfile(os.path.join(repo, n))}
    return found


def _used(repo: str, bdir: str, access: _Access, dockerfile: str, buildpack: str) -> set[str]:
    run_lines = "\n".join(
        line for line in _instructions(dockerfile) if not line.startswith(("COPY ", "FROM "))
    )
    used: set[str] = set()
    for rel in access.paths:
        name = os.path.basename(rel)
        if name in _INSTALLED and not _named_in(rel, run_lines):
            continue  # only peeked at or COPYed for caching, never installed
        used.add(rel)
    for rel in _candidates(repo, bdir):
        if _named_in(rel, run_lines):
            used.add(rel)

    runtime = os.path.join(bdir, "runtime.txt")
    if runtime in used:
        lang = Path(repo, runtime).read_text().strip().split("-")[0]
        if not (lang == "python" or (lang == "r" and buildpack == "RBuildPack")):
            used.discard(runtime)  # read, and found to name a language this buildpack ignores
    if not bdir:
        installed = re.search(r"pip install --no-cache-dir \.\s*$", run_lines, re.MULTILINE)
        if (
            installed
        ):  # pip reads the root's setup.py and pyproject.toml even if repo2docker did not
            used |= {
                n for n in ("setup.py", "pyproject.toml") if os.path.isfile(os.path.join(repo, n))
            }
        pins = access.by_caller.get("pyproject.toml", set()) & {"python_version"}
        if (
            "pyproject.toml" in used
            and not installed
            and not (pins and _requires_python(Path(repo, "pyproject.toml")))
        ):
            used.discard("pyproject.toml")
    start = os.path.join(bdir, "start")
    if buildpack == "NixBuildPack" and os.path.isfile(os.path.join(repo, start)):
        used.add(start)  # run at container start by /usr/local/bin/nix-shell-wrapper
    if buildpack == "DockerBuildPack":
        used.discard(os.path.join(bdir, ".dockerignore"))
        if os.path.isfile(os.path.join(repo, ".dockerignore")):
            used.add(".dockerignore")  # docker buildx reads the context root's ignore file
    return used


def _requires_python(pyproject: Path) -> bool:
    import tomllib

    data = tomllib.loads(pyproject.read_text())
    return "requires-python" in data.get("project", {})


def _instructions(dockerfile: str) -> list[str]:
    """Dockerfile instructions with backslash continuations joined."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    return [
        ln.strip() for ln in joined.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]


def _named_in(rel: str, text: str) -> bool:
    # as repo2docker writes paths: "binder/environment.yml", ./binder/postBuild,
    # ${REPO_DIR}/binder/start
    pat = r'(?:^|[\s"\'=]|\./|\$\{REPO_DIR\}/)' + re.escape(rel) + r'(?=$|[\s"\';&|)])'
    return re.search(pat, text, re.MULTILINE) is not None


class _Access:
    """Record repo files opened or found with os.path.exists, and by which function."""

    def __init__(self, repo: str) -> None:
        self.repo = repo
        self.paths: set[str] = set()
        self.by_caller: dict[str, set[str]] = {}
        self._filter_callers = False

    def _record(self, p: object) -> None:
        if isinstance(p, int):
            return
        try:
            ap = os.path.abspath(os.fspath(p))  # type: ignore[arg-type]
        except TypeError:
            return
        if not (ap.startswith(self.repo + os.sep) and os.path.isfile(ap)):
            return
        frame = sys._getframe(2)
        if self._filter_callers and not frame.f_globals.get("__name__", "").startswith(
            "repo2docker"
        ):
            return  # e.g. tarfile adding the whole repository to the build context
        rel = os.path.relpath(ap, self.repo)
        self.paths.add(rel)
        callers = self.by_caller.setdefault(rel, set())
        f: Any = frame
        while f is not None:
            callers.add(f.f_code.co_name)
            f = f.f_back

    def __enter__(self) -> Self:
        self._saved = (builtins.open, io.open, os.path.exists)
        real_open, real_exists = builtins.open, os.path.exists

        def _open(f: Any, *a: Any, **k: Any) -> Any:
            self._record(f)
            return real_open(f, *a, **k)

        def _exists(p: Any) -> bool:
            hit = real_exists(p)
            if hit:
                self._record(p)
            return hit

        builtins.open = io.open = _open  # type: ignore[assignment]
        os.path.exists = _exists  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        builtins.open, io.open, os.path.exists = self._saved  # type: ignore[assignment]

    @contextlib.contextmanager
    def only_repo2docker_callers(self) -> Iterator[None]:
        self._filter_callers = True
        try:
            with self:
                yield
        finally:
            self._filter_callers = False


class _FakeEngine:
    """Stands in for the container engine: build() accepts the context and does nothing."""

    def build(self, **kwargs: Any) -> Iterator[dict[str, str]]:
        return iter(())


@contextlib.contextmanager
def _chdir(path: str) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


@contextlib.contextmanager
def _capture_log(sink: list[str]) -> Iterator[None]:
    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            sink.append(f"{record.levelname}: {record.getMessage().strip()}")

    log = logging.getLogger("repo2docker")
    handler, old_level, old_propagate = _Handler(), log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(old_level)
        log.propagate = old_propagate


@contextlib.contextmanager
def _offline() -> Iterator[None]:
    """Replace repo2docker's two render-time HTTP lookups; refuse any other request."""
    import requests
    from repo2docker.buildpacks import JuliaProjectTomlBuildPack, RBuildPack

    def _refuse(self: Any, method: str, url: str, *a: Any, **k: Any) -> Any:
        raise RuntimeError(f"tests/r2d.py: network disabled, refused {method} {url}")

    def _rspm(self: Any, snapshot_date: datetime.date, max_days_prior: int = 7) -> str:
        return (
            "https://packagemanager.posit.co/all/__linux__/${VERSION_CODENAME}/"
            + snapshot_date.strftime("%Y-%m-%d")
            + "+OFFLINE-STUB"
        )

    saved = (
        requests.Session.request,
        RBuildPack.__dict__["get_rspm_snapshot_url"],
        JuliaProjectTomlBuildPack.__dict__["all_julias"],
    )
    requests.Session.request = _refuse  # type: ignore[method-assign]
    RBuildPack.get_rspm_snapshot_url = _rspm  # type: ignore[method-assign]
    JuliaProjectTomlBuildPack.all_julias = property(lambda self: list(_JULIA_VERSIONS))  # type: ignore[assignment]
    try:
        yield
    finally:
        requests.Session.request = saved[0]  # type: ignore[method-assign]
        RBuildPack.get_rspm_snapshot_url = saved[1]  # type: ignore[method-assign]
        JuliaProjectTomlBuildPack.all_julias = saved[2]  # type: ignore[assignment]


if __name__ == "__main__":  # handy for a look at one directory: python tests/r2d.py DIR
    info = inspect_dir(sys.argv[1])
    info.pop("dockerfile")
    print(json.dumps(info, indent=2))
