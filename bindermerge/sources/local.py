"""Sources: where binder configuration comes from, read safely into :class:`SourceFile` s.

A source is anything with a name and a list of files. Today that is a local directory
(:class:`LocalSource`); :func:`open_source` is the one place that turns a command-line
spec into a source, so remote specs (``gh:owner/repo@ref``) can join later without
touching the pipeline.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol, Sequence

from bindermerge.sources import walk
from bindermerge.errors import InputError
from bindermerge.model import Origin


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
        try:
            return walk.list_files(str(self.root), str(self.config_dir))
        except walk.WalkError as exc:
            raise InputError(exc.message, self.origin(exc.rel or ".")) from None

    def origin(self, rel: str) -> Origin:
        in_binder = os.path.basename(os.path.realpath(self.config_dir)) in walk.BINDER_DIRS
        return Origin(self.name, rel, os.path.join(self.display_dir, rel), in_binder_dir=in_binder)

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


def open_source(spec: str, *, name: str | None = None) -> LocalSource:
    """Turn a command-line source spec into a :class:`Source`.

    A local directory uses ``.binder/`` or ``binder/`` inside it (repo2docker's order) or
    else itself. Raises :class:`InputError` when the directory is missing, when both
    ``.binder/`` and ``binder/`` exist, or when the binder directory is a link leaving it.
    """
    root = Path(spec)
    display = spec.rstrip("/\\") or spec
    try:
        config_dir = Path(walk.config_dir(spec))
    except walk.WalkError as exc:
        raise InputError(exc.message, path=display) from None
    src_name = walk.printable(name or Path(os.path.abspath(spec)).name)
    return LocalSource(spec=spec, name=src_name, root=root, config_dir=config_dir)


unique_names = walk.unique_names


def digest_inputs(
    sources: Iterable[tuple[str, Sequence[SourceFile]]], options: dict[str, object], version: str
) -> str:
    """A sha256 over everything that decides the output: version, options, every input byte.

    Recorded in the output's manifest; :func:`bindermerge.walk.digest_directories` computes
    the same value from disk for the fast ``--check`` path.
    """
    d = walk.Digest(version, options)
    for name, files in sources:  # the files already read for the merge: no second read
        d.source(name)
        for f in files:
            d.file(f.name, f.executable, f.data)
    return d.hexdigest()
