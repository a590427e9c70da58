"""Sources: where binder configuration comes from, read safely into :class:`SourceFile` s.

This module uses the standard library only: the fast ``--check`` path imports it to digest
the inputs without loading the merge machinery.

A source is anything with a name and a list of files. Today that is a local directory
(:class:`LocalSource`); :func:`open_source` is the one place that turns a command-line
spec into a source, so remote specs (``gh:owner/repo@ref``) can join later without
touching the pipeline.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol

from .errors import InputError
from .model import Origin

# repo2docker's order: .binder/ wins over binder/, else the directory itself.
BINDER_DIRS = (".binder", "binder")
# Directories that are never configuration (version control, caches).
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".ipynb_checkpoints", "node_modules"})


@dataclass(frozen=True)
class SourceFile:
    """One file of a source's binder directory, as bytes, with its mode and origin."""

    origin: Origin
    data: bytes
    mode: int

    @property
    def name(self) -> str:
        """Path relative to the source's binder directory, with ``/`` separators."""
        return self.origin.file

    @property
    def executable(self) -> bool:
        return bool(self.mode & 0o111)

    def text(self) -> str:
        """The file as text: UTF-8, byte-order mark dropped, CRLF and CR turned into LF.

        Raises :class:`InputError` naming the file when it is not UTF-8 text.
        """
        data = self.data
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(
                f"not UTF-8 text (byte 0x{data[exc.start]:02x})", self.origin.at(line)
            ) from None
        if "\x00" in text:
            raise InputError("not a text file (contains NUL bytes)", self.origin)
        return text.replace("\r\n", "\n").replace("\r", "\n")

    @property
    def had_crlf(self) -> bool:
        return b"\r\n" in self.data


class Source(Protocol):
    """What the pipeline needs of a source: a name for reports and its files."""

    name: str
    spec: str

    def files(self) -> list[SourceFile]:
        """Every file of the binder directory, sorted by path."""
        ...


@dataclass(frozen=True)
class LocalSource:
    """A directory on disk, read the way repo2docker reads a repository.

    ``root`` is the directory given on the command line; ``config_dir`` is ``.binder/``
    or ``binder/`` inside it when present, else ``root`` itself.
    """

    spec: str
    name: str
    root: Path
    config_dir: Path

    @property
    def display_dir(self) -> str:
        """The binder directory as a person would type it (``examples/db/binder``)."""
        rel = self.config_dir.relative_to(self.root)
        base = self.spec.rstrip("/\\") or "."
        return base if str(rel) == "." else os.path.join(base, str(rel))

    def files(self) -> list[SourceFile]:
        return [self._read(rel) for rel in self.paths()]

    def paths(self) -> list[str]:
        """Relative paths of every file in the binder directory, sorted, never leaving it."""
        found: list[str] = []
        root_real = os.path.realpath(self.root)
        for dirpath, dirnames, filenames in os.walk(self.config_dir):
            dirnames.sort()
            keep = []
            for d in dirnames:
                full = os.path.join(dirpath, d)
                if d in SKIP_DIRS or (d in BINDER_DIRS and dirpath == str(self.config_dir)):
                    continue
                if os.path.islink(full):
                    self._check_link(full, root_real)
                    continue  # never walk a linked directory twice or in a loop
                keep.append(d)
            dirnames[:] = keep
            for f in filenames:
                full = os.path.join(dirpath, f)
                if os.path.islink(full):
                    self._check_link(full, root_real)
                rel = os.path.relpath(full, self.config_dir).replace(os.sep, "/")
                found.append(rel)
        return sorted(found)

    def origin(self, rel: str) -> Origin:
        return Origin(self.name, rel, os.path.join(self.display_dir, rel))

    def _check_link(self, full: str, root_real: str) -> None:
        target = os.path.realpath(full)
        if not _inside(target, root_real):
            rel = os.path.relpath(full, self.config_dir).replace(os.sep, "/")
            raise InputError(
                f"symlink points outside the source directory ({os.readlink(full)}); "
                "bindermerge never reads through it",
                self.origin(rel),
            )

    def _read(self, rel: str) -> SourceFile:
        full = os.path.join(self.config_dir, rel)
        try:
            st = os.stat(full)
            if not stat.S_ISREG(st.st_mode):
                raise InputError("not a regular file", self.origin(rel))
            with open(full, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", self.origin(rel)) from None
        return SourceFile(self.origin(rel), data, stat.S_IMODE(st.st_mode))


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def open_source(spec: str, *, name: str | None = None) -> LocalSource:
    """Turn a command-line source spec into a :class:`Source`.

    A local directory uses ``.binder/`` or ``binder/`` inside it (repo2docker's order) or
    else itself. Raises :class:`InputError` when the directory is missing, when both
    ``.binder/`` and ``binder/`` exist, or when the binder directory is a link leaving it.
    """
    root = Path(spec)
    display = spec.rstrip("/\\") or spec
    if not root.exists():
        raise InputError("source directory does not exist", path=display)
    if not root.is_dir():
        raise InputError("source is not a directory", path=display)
    present = [d for d in BINDER_DIRS if (root / d).is_dir()]
    if len(present) == 2:
        raise InputError(
            "both .binder/ and binder/ exist; repo2docker refuses such a repository",
            path=display,
        )
    config_dir = root / present[0] if present else root
    if present and os.path.islink(config_dir):
        if not _inside(os.path.realpath(config_dir), os.path.realpath(root)):
            raise InputError(
                f"{present[0]}/ is a symlink pointing outside the source directory", path=display
            )
    src_name = name or Path(os.path.abspath(spec)).name
    return LocalSource(spec=spec, name=src_name, root=root, config_dir=config_dir)


def unique_names(specs: Iterable[str]) -> list[str]:
    """Report names for sources: the directory's name, made unique with its parents.

    Two sources called ``binder`` in different repositories become ``a/binder`` and
    ``b/binder`` so a report never names two sources the same.
    """
    specs = list(specs)
    parts = [Path(os.path.abspath(s)).parts for s in specs]
    depth = [1] * len(specs)
    while True:
        names = ["/".join(p[-d:]) for p, d in zip(parts, depth)]
        clashes = {n for n in names if names.count(n) > 1}
        if not clashes:
            return names
        grown = False
        for i, n in enumerate(names):
            if n in clashes and depth[i] < len(parts[i]):
                depth[i] += 1
                grown = True
        if not grown:  # the same directory given twice: number them
            seen: dict[str, int] = {}
            out = []
            for n in names:
                seen[n] = seen.get(n, 0) + 1
                out.append(n if names.count(n) == 1 else f"{n}#{seen[n]}")
            return out


def digest_inputs(sources: Iterable[LocalSource], options: dict[str, object], version: str) -> str:
    """A sha256 over everything that decides the output: version, options, every input byte.

    Used by the fast ``--check`` path and recorded in the output's manifest.
    """
    h = hashlib.sha256()
    h.update(f"bindermerge {version}\n".encode())
    for key in sorted(options):
        h.update(f"option {key}={options[key]!r}\n".encode())
    for src in sources:
        h.update(f"source {src.name}\n".encode())
        for f in src.files():
            h.update(f"file {f.name} {int(f.executable)} {len(f.data)}\n".encode())
            h.update(f.data)
    return "sha256:" + h.hexdigest()
