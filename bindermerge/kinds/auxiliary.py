"""Auxiliary files: anything in a binder directory that no other kind reads.

seed.sql, jupyter_server_config.py, workspace JSON, ... travel with their source into that
source's own folder of the output (see :mod:`bindermerge.render.layout`), bytes and executable
bit unchanged, so a script that finds them next to itself keeps finding them. Where a script
found one by another path (``binder/seed.sql`` from the repository root, ``cd binder``, a file
at the repository root), :mod:`bindermerge.scripts.placement` decides where else it must be:
a copy at that path of the output, or (the repository root not being bindermerge's) under
``.bindermerge-root/<folder>/`` for the generated postBuild to copy into place. A source without
a binder directory contributes only the files repo2docker reads and its scripts use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bindermerge.context import MergeContext
from bindermerge.kinds import Kind
from bindermerge.model import Origin, OutputFile
from bindermerge.render.layout import source_folders
from bindermerge.sources.base import SourceFile

if TYPE_CHECKING:
    from bindermerge.scripts.placement import Plan

NAME = "auxiliary"
POSTBUILD = "postbuild"


@dataclass(frozen=True)
class AuxFile:
    """One file carried as it is: where it came from, its bytes and executable bit."""

    origin: Origin
    data: bytes
    executable: bool


def parse(file: SourceFile, view: object) -> AuxFile:
    """The file as it is."""
    return AuxFile(file.origin, file.data, file.executable)


def merge(fragments: Sequence[AuxFile], ctx: MergeContext) -> Plan:
    """Where every source's files go (:func:`bindermerge.scripts.placement.plan`: the
    merge's value, so that ``MergeResult.values["auxiliary"]`` says which output file is which
    source's); report where the scripts' paths cannot resolve, when no kind before did."""
    from bindermerge.scripts import placement

    placement.report(ctx, NAME)
    return placement.plan(ctx)


def render(found: Plan, ctx: MergeContext) -> list[OutputFile]:
    """Each carried file where the placement plan puts it (and copies where scripts look).

    When a file must be copied to the repository root at build time and no source has a
    postBuild, this kind writes the generated postBuild that does it.
    """
    files = list(found.files)
    if found.copies and not ctx.fragments_of(POSTBUILD):
        from bindermerge.kinds import postbuild

        files.extend(postbuild.chain([], found, ctx))
    return files


def carry(fragments: Sequence[AuxFile], ctx: MergeContext) -> list[OutputFile]:
    """Files into their source's folder, bytes and mode unchanged (for kinds that carry
    their files as they are)."""
    folders = source_folders(ctx.source_names)
    return [
        OutputFile(
            f"{folders[f.origin.source]}/{f.origin.file}",
            f.data,
            0o755 if f.executable else 0o644,
        )
        for f in fragments
    ]


KIND = Kind(NAME, parse, merge, render)
