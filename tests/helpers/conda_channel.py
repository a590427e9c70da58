"""Build a small, real conda channel on disk for offline locking tests.

The channel holds genuine ``.tar.bz2`` packages (``info/index.json``, ``info/paths.json``,
``info/files`` and one payload file each) and ``repodata.json`` for ``linux-64`` and
``noarch``, so any conda-compatible solver (py-rattler, conda, mamba) can solve against it
through a ``file://`` URL without a network.

Archives are byte-for-byte reproducible (fixed mtimes, owners, order and bz2 level) so the
md5/sha256 recorded in lock files are stable between runs and machines.

Only the standard library is used: the channel must not depend on the code it tests.
"""

from __future__ import annotations

import bz2
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

# 2024-01-01T00:00:00Z. Every mtime and every repodata timestamp uses it: reproducible bytes.
FIXED_MTIME = 1704067200

# Virtual-package floor shared by the compiled packages: makes the solvers prove that they
# pass __glibc for linux-64 (conda-lock's default virtual packages give 2.28).
GLIBC_DEP = "__glibc >=2.17,<3.0.a0"


@dataclass(frozen=True)
class FixturePackage:
    """One package of the fixture channel, described by its ``info/index.json`` fields."""

    name: str
    version: str
    build: str
    build_number: int
    subdir: str
    depends: tuple[str, ...] = ()
    noarch: str | None = None
    constrains: tuple[str, ...] = ()
    license: str = "BSD-3-Clause"

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.version}-{self.build}.tar.bz2"

    def index_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "arch": "x86_64" if self.subdir == "linux-64" else None,
            "build": self.build,
            "build_number": self.build_number,
            "constrains": list(self.constrains),
            "depends": list(self.depends),
            "license": self.license,
            "name": self.name,
            "platform": "linux" if self.subdir == "linux-64" else None,
            "subdir": self.subdir,
            "timestamp": FIXED_MTIME * 1000,
            "version": self.version,
        }
        if self.noarch:
            data["noarch"] = self.noarch
        return data


def _py_pin(minor: str) -> str:
    """The conda-forge style pin a compiled package puts on its Python."""
    major, mnr = minor.split(".")
    return f"python >={minor},<{major}.{int(mnr) + 1}.0a0"


# The fixture's package set. Two Pythons; numpy 1.26.4 exists for both, numpy 2.0.1 only for
# 3.11, so `numpy>=2` + `python=3.10` is unsatisfiable and `numpy` alone picks 3.11.
# fmt: off
PACKAGES: tuple[FixturePackage, ...] = (
    FixturePackage("libzlib", "1.3.1", "h4ab18f5_1", 1, "linux-64", (GLIBC_DEP,)),
    FixturePackage(
        "python", "3.10.14", "hd12c33a_0_cpython", 0, "linux-64",
        (GLIBC_DEP, "libzlib >=1.2.13,<2.0a0"),
    ),
    FixturePackage(
        "python", "3.11.9", "hb806964_0_cpython", 0, "linux-64",
        (GLIBC_DEP, "libzlib >=1.2.13,<2.0a0"),
    ),
    FixturePackage(
        "numpy", "1.26.4", "py310hb13e2d6_0", 0, "linux-64",
        (GLIBC_DEP, "libzlib >=1.2.13,<2.0a0", _py_pin("3.10")),
    ),
    FixturePackage(
        "numpy", "1.26.4", "py311h64a7726_0", 0, "linux-64",
        (GLIBC_DEP, "libzlib >=1.2.13,<2.0a0", _py_pin("3.11")),
    ),
    FixturePackage(
        "numpy", "2.0.1", "py311hed25524_0", 0, "linux-64",
        (GLIBC_DEP, "libzlib >=1.2.13,<2.0a0", _py_pin("3.11")),
    ),
    FixturePackage("pip", "24.0", "pyhd8ed1ab_0", 0, "noarch", ("python >=3.7",), "python"),
    FixturePackage("tzdata", "2024a", "h0c530f3_0", 0, "noarch", (), "generic"),
)
# fmt: on


@dataclass
class LocalChannel:
    """A built channel: its folder, its ``file://`` URL and the packages it holds."""

    path: Path
    packages: tuple[FixturePackage, ...]
    records: dict[str, dict[str, object]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.path.resolve().as_uri()

    def record(self, filename: str) -> dict[str, object]:
        """The repodata entry of one package file (md5, sha256, size included)."""
        return self.records[filename]


def _tar_member(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = FIXED_MTIME
    info.mode = 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    tar.addfile(info, io.BytesIO(data))


def build_package(pkg: FixturePackage) -> bytes:
    """The bytes of a reproducible ``.tar.bz2`` conda package for ``pkg``."""
    payload_path = f"share/bindermerge-fixture/{pkg.name}-{pkg.version}.txt"
    payload = f"{pkg.name} {pkg.version} {pkg.build}: bindermerge test fixture\n".encode()
    paths_json = {
        "paths": [
            {
                "_path": payload_path,
                "path_type": "hardlink",
                "sha256": hashlib.sha256(payload).hexdigest(),
                "size_in_bytes": len(payload),
            }
        ],
        "paths_version": 1,
    }
    members = {
        # Sorted keys and a fixed layout: the archive hash must not depend on dict order.
        "info/index.json": json.dumps(pkg.index_json(), indent=2, sort_keys=True).encode(),
        "info/paths.json": json.dumps(paths_json, indent=2, sort_keys=True).encode(),
        "info/files": (payload_path + "\n").encode(),
        payload_path: payload,
    }
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(members):
            _tar_member(tar, name, members[name])
    # bz2 output carries no timestamp, so fixed tar bytes give fixed archive bytes.
    return bz2.compress(raw.getvalue(), compresslevel=9)


def build_channel(root: Path, packages: tuple[FixturePackage, ...] = PACKAGES) -> LocalChannel:
    """Write ``packages`` and their ``repodata.json`` files under ``root`` (created if needed).

    Both ``linux-64`` and ``noarch`` subdirs are always written, even when empty, because
    conda and rattler refuse a channel without ``noarch/repodata.json``.
    """
    channel = LocalChannel(path=root, packages=packages)
    repodata: dict[str, dict[str, dict[str, object]]] = {"linux-64": {}, "noarch": {}}
    for pkg in packages:
        data = build_package(pkg)
        subdir_dir = root / pkg.subdir
        subdir_dir.mkdir(parents=True, exist_ok=True)
        (subdir_dir / pkg.filename).write_bytes(data)
        entry = {k: v for k, v in pkg.index_json().items() if v is not None}
        entry.update(
            md5=hashlib.md5(data).hexdigest(),
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
        )
        repodata.setdefault(pkg.subdir, {})[pkg.filename] = entry
        channel.records[pkg.filename] = entry
    for subdir, entries in repodata.items():
        (root / subdir).mkdir(parents=True, exist_ok=True)
        document = {
            "info": {"subdir": subdir},
            "packages": dict(sorted(entries.items())),
            "packages.conda": {},
            "removed": [],
            "repodata_version": 1,
        }
        (root / subdir / "repodata.json").write_text(
            json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    return channel


if __name__ == "__main__":  # pragma: no cover - handy for poking at the channel by hand
    import sys

    built = build_channel(Path(sys.argv[1] if len(sys.argv) > 1 else "fixture-channel"))
    print(built.url)
