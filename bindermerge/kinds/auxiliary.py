"""Auxiliary files: anything in a binder directory that no other kind reads.

seed.sql, jupyter_server_config.py, workspace JSON, ... travel with their source into that
source's own folder of the output (see :mod:`bindermerge.layout`), bytes and executable bit
unchanged, so a script that finds them next to itself keeps finding them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bindermerge.context import MergeContext
from bindermerge.kinds import Kind
from bindermerge.model import Origin, OutputFile
from bindermerge.render.layout import source_folders
from bindermerge.sources.base import SourceFile

NAME = "auxiliary"


@dataclass(frozen=True)
class AuxFile:
    origin: Origin
    data: bytes
    executable: bool


def parse(file: SourceFile, view: object) -> AuxFile:
    return AuxFile(file.origin, file.data, file.executable)


def merge(fragments: Sequence[AuxFile], ctx: MergeContext) -> list[AuxFile]:
    return list(fragments)


def render(merged: Sequence[AuxFile], ctx: MergeContext) -> list[OutputFile]:
    folders = source_folders(ctx.source_names)
    return [
        OutputFile(
            f"{folders[f.origin.source]}/{f.origin.file}",
            f.data,
            0o755 if f.executable else 0o644,
        )
        for f in merged
    ]


KIND = Kind(NAME, parse, merge, render)
