"""What every kind of source provides: the :class:`Source` protocol and :class:`SourceFile`.

The pipeline, the fast ``--check`` and the output-location checks use a source through this
interface only. Local directories (:mod:`bindermerge.sources.local`) are one implementation,
git repositories at a commit (:mod:`bindermerge.sources.git.source`) another; both read their
files by the rules of :class:`bindermerge.sources.tree.TreeSource`, and
:mod:`bindermerge.sources.open` is the one place that picks between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bindermerge.errors import ParseError
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

        Raises :class:`~bindermerge.errors.ParseError` naming the file (and line) when it is
        not UTF-8 text.
        """
        data = self.data
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ParseError(
                f"not UTF-8 text (byte 0x{data[exc.start]:02x})", self.origin.at(line)
            ) from None
        if "\x00" in text:
            raise ParseError("not a text file (contains NUL bytes)", self.origin)
        return text.replace("\r\n", "\n").replace("\r", "\n")

    @property
    def had_crlf(self) -> bool:
        return b"\r\n" in self.data


class Source(Protocol):
    """A place binder configuration comes from, as the pipeline and the checks see it.

    ``spec`` is what the user typed; ``name`` the printable name used in reports, headers and
    the output's folder names; ``identity`` a stable key that is equal for two specs naming
    the same content (a real path; a URL, commit and subdirectory); ``kind`` says which
    implementation it is (``local``, ``git``). ``script_root`` is where the source's scripts
    ran from when repo2docker built it alone (the repository root: a directory, or for git
    the URL at the commit); ``local_root`` the directory it occupies on disk, if any (the
    output must never lie inside it; None for git, whose only copy is bindermerge's cache).
    """

    @property
    def spec(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def identity(self) -> str: ...

    @property
    def script_root(self) -> str: ...

    @property
    def local_root(self) -> str | None: ...

    def files(self) -> list[SourceFile]:
        """Every file of the binder directory, sorted by path (read once, then kept), then the
        repository-root files its scripts use, named ``../path``."""
        ...

    def digest(self) -> str:
        """``sha256:...`` over every file's path, executable bit and bytes (or, for a remote
        source pinned to a commit, over what names that content)."""
        ...

    def record(self) -> dict[str, str]:
        """What the manifest records of this source: its name and kind, and for git its
        spec, URL, REF, commit and SUBDIR (what a later run pins it to)."""
        ...


class SourceView(Protocol):
    """What a kind's ``parse`` may see of the rest of a source (``-r other.txt`` and the like)."""

    @property
    def name(self) -> str: ...

    def get(self, relpath: str) -> SourceFile | None:
        """Another file of the same binder directory, or None."""
        ...

    def claim(self, relpath: str) -> None:
        """Say that this file was read as part of another, so it is not carried over."""
        ...
