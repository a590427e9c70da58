"""File kinds: one module per kind of file in a binder directory, all with the same shape.

A kind module defines ``parse``, ``merge`` and ``render`` and bundles them as ``KIND``, a
:class:`Kind`. Which files a kind reads, and which other kinds' fragments it reads or takes
over, is declared once in :mod:`bindermerge.registry`; the registry imports a kind's module
only when a source has a file of that kind, and the pipeline never names a file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bindermerge.context import MergeContext
from bindermerge.model import OutputFile
from bindermerge.sources.base import SourceFile, SourceView

__all__ = ["Kind", "SourceView"]

F = TypeVar("F")
M = TypeVar("M")


@dataclass(frozen=True)
class Kind(Generic[F, M]):
    """The three steps of one kind: fragments ``F`` parsed from files, merged into ``M``.

    ``parse`` reads one file into a fragment (raising an InputError subclass naming file and
    line when it is bad); ``merge`` combines the fragments of all sources, in source order,
    recording conflicts and warnings on the context; ``render`` gives the output files.
    """

    name: str
    parse: Callable[[SourceFile, SourceView], F]
    merge: Callable[[Sequence[F], MergeContext], M]
    render: Callable[[M, MergeContext], list[OutputFile]]
