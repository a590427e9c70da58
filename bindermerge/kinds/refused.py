"""Files that make a source impossible to merge: repo2docker would use them verbatim.

A Dockerfile (or default.nix) makes repo2docker ignore every other file of its directory, so
merging its neighbours would silently drop what the Dockerfile does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

from bindermerge.context import MergeContext
from bindermerge.errors import RefusedFileError
from bindermerge.kinds import Kind
from bindermerge.model import OutputFile
from bindermerge.repo2docker.constants import (
    DEFAULT_NIX,
    DOCKERFILE,
    PIPFILE,
    PIPFILE_LOCK,
    REQUIRE,
)
from bindermerge.sources.base import SourceFile

NAME = "refused"

REASONS = {
    DOCKERFILE: (
        "a Dockerfile makes repo2docker ignore every other file of this directory, "
        "so it cannot be merged; port its steps to apt.txt/environment.yml/postBuild"
    ),
    DEFAULT_NIX: (
        "default.nix makes repo2docker build with Nix and ignore the other files, "
        "so it cannot be merged with conda/pip sources"
    ),
    REQUIRE: (
        "REQUIRE (Julia before 0.7) is still detected by repo2docker but its build always fails "
        "('Julia REQUIRE no longer supported'); list the packages in a Project.toml [deps] "
        "(with [compat] bounds) instead"
    ),
    PIPFILE: (
        "Pipfile makes repo2docker install with pipenv and ignore requirements.txt and "
        "environment.yml, so it cannot be merged; export it with 'pipenv requirements > "
        "requirements.txt' and merge that instead"
    ),
    PIPFILE_LOCK: (
        "Pipfile.lock makes repo2docker install with pipenv and ignore requirements.txt and "
        "environment.yml, so it cannot be merged; export the locked versions with "
        "'pipenv requirements > requirements.txt' and merge that instead"
    ),
}


def parse(file: SourceFile, view: object) -> NoReturn:
    raise RefusedFileError(REASONS[file.name], file.origin)


def merge(fragments: Sequence[object], ctx: MergeContext) -> None:  # pragma: no cover
    raise AssertionError("refused files never parse")


def render(merged: object, ctx: MergeContext) -> list[OutputFile]:  # pragma: no cover
    return []


KIND = Kind(NAME, parse, merge, render)
