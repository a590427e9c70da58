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
    if file.name == DOCKERFILE:
        image = _only_an_onbuild_base(file.text())
        if image is not None:
            raise RefusedFileError(_onbuild_reason(image), file.origin.at(1))
    raise RefusedFileError(REASONS[file.name], file.origin)


def _only_an_onbuild_base(text: str) -> str | None:
    """The image of a Dockerfile whose only instruction is ``FROM <...-onbuild image>``.

    Such a Dockerfile (the pangeo ``-onbuild`` images, ``pangeo/base-image``) does nothing
    itself: the base image's ONBUILD steps build this directory's apt.txt, environment.yml,
    postBuild and start. It deserves its own advice, not "port its steps".
    """
    lines = [line.strip() for line in text.split("\n")]
    code = [line for line in lines if line and not line.startswith("#")]
    if len(code) != 1 or not code[0].upper().startswith("FROM "):
        return None
    words = [w for w in code[0].split()[1:] if not w.startswith("--")]
    if len(words) != 1:  # FROM image AS name: a multi-stage build, not a bare base pick
        return None
    image = words[0]
    name = image.rsplit("/", 1)[-1]
    onbuild = "onbuild" in name.lower() or name.split(":", 1)[0] == "base-image"
    return image if onbuild else None


def _onbuild_reason(image: str) -> str:
    return (
        f"this Dockerfile only picks the base image {image}, whose ONBUILD steps build this "
        "directory's apt.txt, environment.yml, postBuild and start; repo2docker would build the "
        "Dockerfile and nothing else of a merge, so it cannot be merged: move it out of the "
        "source, merge the rest, and add 'FROM " + image + "' to the merged directory yourself "
        "if you want that image (its ONBUILD steps then read the merged files)"
    )


def merge(fragments: Sequence[object], ctx: MergeContext) -> None:  # pragma: no cover
    raise AssertionError("refused files never parse")


def render(merged: object, ctx: MergeContext) -> list[OutputFile]:  # pragma: no cover
    return []


KIND = Kind(NAME, parse, merge, render)
