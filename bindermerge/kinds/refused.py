"""Files that make a source impossible to merge: repo2docker would use them verbatim.

A Dockerfile (or default.nix) makes repo2docker ignore every other file of its directory, so
merging its neighbours would silently drop what the Dockerfile does.
"""

from __future__ import annotations

from typing import NoReturn, Sequence

from ..context import MergeContext
from ..errors import InputError
from ..model import OutputFile
from ..sources import SourceFile

NAME = "refused"

REASONS = {
    "Dockerfile": (
        "a Dockerfile makes repo2docker ignore every other file of this directory, "
        "so it cannot be merged; port its steps to apt.txt/environment.yml/postBuild"
    ),
    "default.nix": (
        "default.nix makes repo2docker build with Nix and ignore the other files, "
        "so it cannot be merged with conda/pip sources"
    ),
}


def recognise(relpath: str) -> bool:
    return relpath in REASONS


def parse(file: SourceFile, view: object) -> NoReturn:
    raise InputError(REASONS[file.name], file.origin)


def merge(fragments: Sequence[object], ctx: MergeContext) -> None:  # pragma: no cover
    raise AssertionError("refused files never parse")


def render(merged: object, ctx: MergeContext) -> list[OutputFile]:  # pragma: no cover
    return []
