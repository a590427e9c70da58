"""File kinds: one module per kind of file in a binder directory, all with the same shape.

A kind module provides the names of :class:`FileKind`. The registry
(:mod:`bindermerge.registry`) lists them in the order the pipeline runs them; the pipeline
itself never names a file.
"""

from __future__ import annotations

from typing import Any, Protocol, Sequence

from bindermerge.context import MergeContext
from bindermerge.model import OutputFile
from bindermerge.sources.local import SourceFile


class SourceView(Protocol):
    """What ``parse`` may see of the rest of a source (for ``-r other.txt`` and the like)."""

    name: str

    def get(self, relpath: str) -> SourceFile | None:
        """Another file of the same binder directory, or None."""
        ...

    def claim(self, relpath: str) -> None:
        """Say that this file was read as part of another, so it is not carried over."""
        ...


class FileKind(Protocol):
    """The functions every kind module defines."""

    NAME: str  # short, stable identifier used in reports and JSON ("apt", "requirements")

    def recognise(self, relpath: str) -> bool:
        """True when this kind reads the file at ``relpath`` of a binder directory."""
        ...

    def parse(self, file: SourceFile, view: SourceView) -> Any:
        """Parse one file into a fragment; raise InputError naming file and line when bad."""
        ...

    def merge(self, fragments: Sequence[Any], ctx: MergeContext) -> Any:
        """Merge the fragments of all sources (in source order), recording conflicts on ctx."""
        ...

    def render(self, merged: Any, ctx: MergeContext) -> list[OutputFile]:
        """The output files for a merged value."""
        ...
