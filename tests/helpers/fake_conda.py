"""A tiny ``conda`` stand-in built on py-rattler, for running conda-lock's real code offline.

No conda, mamba or micromamba can be installed here (none is on PyPI or in Debian), yet the
conda-lock backend of bindermerge and conda-lock's own command line both need an executable
to call. This module answers exactly the calls conda-lock 4.0.3 makes on a plain ``conda``
(read from ``conda_lock/conda_solver.py`` and ``invoke_conda.py``):

* ``conda --version`` (``run_lock`` logs it; ensureconda parses it for minimum versions);
* ``conda create --prefix P --dry-run --json [--override-channels] --channel C ... SPEC...``
  with ``CONDA_SUBDIR`` naming the target platform and ``CONDA_OVERRIDE_*`` describing its
  virtual packages (``solve_specs_for_arch``);
* ``conda info --json`` and ``conda config --json list pkgs_dirs``, which conda-lock only
  asks for when a dry run reports LINK-only actions (``_get_pkgs_dirs``); answered anyway.

Output imitates conda's JSON: a success is ``{"actions": {"FETCH": [...], "LINK": [...]}}``
where FETCH entries carry the full repodata record (name, version, url, md5, sha256,
depends, ...); a failure prints ``{"exception_name": ..., "message": ...}`` on stdout and
exits 1, as ``conda --json`` does. Anything else exits 2 with a message on stderr, so an
unexpected call from a new conda-lock fails loudly instead of being half-answered.

Use :func:`install_fake_conda` to write an executable ``conda`` wrapper into a folder.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import platform as host_platform
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rattler is imported lazily: --version and info must stay instant
    from rattler import Channel, RepoDataRecord

FAKE_CONDA_VERSION = "24.11.3"

# Virtual packages a conda on a current linux-64 machine would report when no override is
# set; conda-lock always sets the overrides, so these only matter for hand-made calls.
_DEFAULT_VIRTUALS: dict[str, dict[str, tuple[str, str]]] = {
    "linux": {"__unix": ("0", "0"), "__linux": ("5.10", "0"), "__glibc": ("2.28", "0")},
    "osx": {"__unix": ("0", "0"), "__osx": ("11.0", "0")},
    "win": {"__win": ("0", "0")},
}
# CONDA_OVERRIDE_<X> -> virtual package name. An override set to "" removes the package,
# which is how conda-lock says "this platform has no CUDA" (see FakeRepoData in conda-lock).
_OVERRIDES = {
    "GLIBC": "__glibc",
    "LINUX": "__linux",
    "OSX": "__osx",
    "WIN": "__win",
    "CUDA": "__cuda",
    "ARCHSPEC": "__archspec",
}


@dataclass
class CreateArgs:
    """The parts of ``conda create``/``install`` that matter for a dry-run solve."""

    prefix: str | None = None
    channels: list[str] = field(default_factory=list)
    override_channels: bool = False
    dry_run: bool = False
    json: bool = False
    specs: list[str] = field(default_factory=list)


class UsageError(Exception):
    """A call this stand-in does not implement."""


def parse_create(argv: list[str]) -> CreateArgs:
    """Parse the options conda-lock passes to ``create`` (flags it does not use are refused)."""
    args = CreateArgs()
    it = iter(argv)
    for arg in it:
        if arg in ("--prefix", "-p"):
            args.prefix = next(it)
        elif arg.startswith("--prefix="):
            args.prefix = arg.split("=", 1)[1]
        elif arg in ("--channel", "-c"):
            args.channels.append(next(it))
        elif arg.startswith("--channel="):
            args.channels.append(arg.split("=", 1)[1])
        elif arg == "--override-channels":
            args.override_channels = True
        elif arg in ("--dry-run", "-d"):
            args.dry_run = True
        elif arg == "--json":
            args.json = True
        elif arg in ("--yes", "-y", "--quiet", "-q"):
            pass
        elif arg.startswith("-"):
            raise UsageError(f"unsupported option {arg!r}")
        else:
            args.specs.append(arg)
    if not args.dry_run:
        raise UsageError("only --dry-run solves are supported (nothing is ever installed)")
    return args


def target_subdir() -> str:
    """The platform to solve for: ``CONDA_SUBDIR`` as conda-lock sets it, else the host."""
    subdir = os.environ.get("CONDA_SUBDIR")
    if subdir:
        return subdir
    machine = host_platform.machine().lower()
    arch = {"x86_64": "64", "amd64": "64", "aarch64": "aarch64", "arm64": "arm64"}.get(
        machine, "64"
    )
    system = {"linux": "linux", "darwin": "osx", "win32": "win"}.get(sys.platform, "linux")
    return f"{system}-{arch}"


def virtual_packages(subdir: str) -> list[tuple[str, str, str]]:
    """(name, version, build) of the virtual packages conda would report for ``subdir``."""
    system, _, arch = subdir.partition("-")
    archspec = {"64": "x86_64", "aarch64": "aarch64", "arm64": "arm64", "ppc64le": "ppc64le"}
    found: dict[str, tuple[str, str]] = dict(_DEFAULT_VIRTUALS.get(system, {}))
    found["__archspec"] = ("1", archspec.get(arch, arch))
    for key, name in _OVERRIDES.items():
        value = os.environ.get(f"CONDA_OVERRIDE_{key}")
        if value is None:
            continue
        if value == "":
            found.pop(name, None)
        elif name == "__archspec":
            # conda reads the override of __archspec as the microarchitecture (build string).
            found[name] = ("1", value)
        else:
            found[name] = (value, "0")
    if system in ("linux", "osx"):
        found.setdefault("__unix", ("0", "0"))
    return [(name, version, build) for name, (version, build) in sorted(found.items())]


def _cache_dir() -> Path | None:
    # conda keeps repodata under <pkgs_dir>/cache; conda-lock points CONDA_PKGS_DIRS at a
    # temporary folder, so the fake never touches the user's caches.
    pkgs = os.environ.get("CONDA_PKGS_DIRS")
    return Path(pkgs.split(os.pathsep)[0]) / "cache" if pkgs else None


def _record_json(rec: RepoDataRecord) -> dict[str, object]:
    """A FETCH action: the repodata record as conda prints it in ``--json`` dry runs."""
    md5 = rec.md5
    sha256 = rec.sha256
    out: dict[str, object] = {
        "name": rec.name.normalized,
        "version": str(rec.version),
        "build": str(rec.build),
        "build_number": rec.build_number,
        "channel": rec.channel.rstrip("/") + "/" + rec.subdir,
        "constrains": list(rec.constrains),
        "depends": list(rec.depends),
        "fn": rec.file_name,
        "md5": md5.hex() if md5 else None,
        "sha256": sha256.hex() if sha256 else None,
        "size": rec.size,
        "subdir": rec.subdir,
        "timestamp": 0,
        "url": rec.url,
    }
    return {k: v for k, v in out.items() if v is not None}


def _link_json(fetch: dict[str, object], subdir: str) -> dict[str, object]:
    channel = str(fetch["channel"])
    return {
        "base_url": channel.rsplit("/", 1)[0],
        "build_number": fetch["build_number"],
        "build_string": fetch["build"],
        "channel": channel.rsplit("/", 1)[0],
        "dist_name": f"{fetch['name']}-{fetch['version']}-{fetch['build']}",
        "name": fetch["name"],
        "platform": subdir,
        "version": fetch["version"],
    }


def _error(exception_name: str, message: str, **extra: object) -> dict[str, object]:
    return {
        "caused_by": "None",
        "error": f"{exception_name}: {message}",
        "exception_name": exception_name,
        "exception_type": f"<class 'conda.exceptions.{exception_name}'>",
        "message": message,
        **extra,
    }


def _unreachable_channel(channels: list[Channel], error: str) -> dict[str, object]:
    """conda's UnavailableInvalidChannel, naming the channel the gateway error mentions."""
    culprit = next((ch for ch in channels if ch.base_url.rstrip("/") in error), None)
    name = (culprit.name or culprit.base_url) if culprit is not None else "<unknown>"
    url = culprit.base_url.rstrip("/") if culprit is not None else ""
    message = (
        "The channel is not accessible or is invalid.\n"
        f"  channel name: {name}\n  channel url: {url}\n  error: {error}\n\n"
        "You will need to adjust your conda configuration to proceed."
    )
    return _error(
        "UnavailableInvalidChannel", message, channel_name=name, channel_url=url, reason=error
    )


def solve(args: CreateArgs) -> tuple[int, dict[str, object]]:
    """Run the dry-run solve with py-rattler; return (exit code, JSON document)."""
    import rattler
    from rattler.exceptions import GatewayError, SolverError

    subdir = target_subdir()
    names = args.channels or ["conda-forge"]
    channels = [rattler.Channel(name) for name in names]
    vpkgs = [
        rattler.GenericVirtualPackage(
            rattler.PackageName(name), rattler.Version(version), rattler.BuildString(build)
        )
        for name, version, build in virtual_packages(subdir)
    ]
    cache = _cache_dir()
    gateway = rattler.Gateway(cache_dir=cache) if cache else rattler.Gateway()
    try:
        records = asyncio.run(
            rattler.solve(
                channels,
                args.specs,
                gateway=gateway,
                platforms=[rattler.Subdir(subdir), rattler.Subdir("noarch")],
                virtual_packages=vpkgs,
            )
        )
    except SolverError as exc:
        return 1, _error("UnsatisfiableError", str(exc))
    except GatewayError as exc:
        return 1, _unreachable_channel(channels, str(exc))
    except rattler.exceptions.InvalidMatchSpecError as exc:
        return 1, _error("InvalidMatchSpec", str(exc))
    # Virtual packages are not fetched by conda; conda-lock's fake virtual-package channel may
    # still offer records named __glibc etc., which conda-lock drops again on its side.
    fetch = [_record_json(r) for r in records if not r.name.normalized.startswith("__")]
    prefix = args.prefix or ""
    return 0, {
        "actions": {
            "FETCH": fetch,
            "LINK": [_link_json(f, subdir) for f in fetch],
            "PREFIX": prefix,
        },
        "dry_run": True,
        "prefix": prefix,
        "success": True,
    }


def info(subdir: str) -> dict[str, object]:
    """What conda-lock reads from ``conda info --json`` (``pkgs_dirs``), plus the usual keys."""
    pkgs = os.environ.get("CONDA_PKGS_DIRS", "")
    return {
        "conda_version": FAKE_CONDA_VERSION,
        "platform": subdir,
        "pkgs_dirs": [p for p in pkgs.split(os.pathsep) if p],
        "channels": [],
        "virtual_pkgs": [list(v) for v in virtual_packages(subdir)],
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point of the fake ``conda`` executable."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv in (["--version"], ["-V"]):
            print(f"conda {FAKE_CONDA_VERSION}")
            return 0
        if argv[:1] == ["info"] and "--json" in argv:
            print(json.dumps(info(target_subdir()), indent=2))
            return 0
        if argv[:1] == ["config"] and "--json" in argv and "pkgs_dirs" in argv:
            print(json.dumps({"pkgs_dirs": info(target_subdir())["pkgs_dirs"]}, indent=2))
            return 0
        if argv[:1] in (["create"], ["install"]):
            code, document = solve(parse_create(argv[1:]))
            # Free py-rattler's objects before interpreter shutdown, which otherwise crashes
            # (SIGSEGV/SIGABRT) in roughly 1 run in 10; see bindermerge/lock/rattler_backend.py.
            gc.collect()
            print(json.dumps(document, indent=2))
            return code
        raise UsageError("unsupported command")
    except UsageError as exc:
        print(f"fake conda: {exc}: conda {shlex.join(argv)}", file=sys.stderr)
        return 2


def install_fake_conda(bin_dir: Path, name: str = "conda") -> Path:
    """Write an executable ``bin_dir/name`` that runs this module with the current Python.

    A ``/bin/sh`` wrapper rather than a ``#!python`` line: shebangs are limited to about
    127 bytes on Linux, which deep virtualenv paths can exceed.
    """
    bin_dir.mkdir(parents=True, exist_ok=True)
    exe = bin_dir / name
    exe.write_text(
        "#!/bin/sh\n"
        f'exec {shlex.quote(sys.executable)} {shlex.quote(str(Path(__file__).resolve()))} "$@"\n',
        encoding="utf-8",
    )
    exe.chmod(0o755)
    return exe


if __name__ == "__main__":
    sys.exit(main())
