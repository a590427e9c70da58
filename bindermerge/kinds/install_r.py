"""install.R: every source's script, concatenated in source order under a header per source.

repo2docker runs install.R with ``Rscript`` from the repository root, and only when the R
buildpack is picked: a dated ``r-`` runtime.txt (``r-YYYY-MM-DD`` or ``r-X.Y-YYYY-MM-DD``).
Without one, install.R is silently ignored, and a Julia Project.toml wins over R altogether;
both are warnings here. R scripts share one session when concatenated, so a top-level
``quit()`` in one source would skip the next ones: also a warning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bindermerge.context import MergeContext
from bindermerge.kinds import Kind, runtime
from bindermerge.model import Origin, OutputFile
from bindermerge.render.text import normalise_text
from bindermerge.repo2docker.constants import JULIA_PROJECT_TOML, PROJECT_TOML
from bindermerge.sources.base import SourceFile
from bindermerge.sources.names import printable

NAME = "install_r"
FILE = "install.R"
JULIA_KIND = "julia_project"

_QUIT = re.compile(r"^\s*(?:base::)?(?:q|quit)\s*\(")


@dataclass(frozen=True)
class InstallR:
    """One source's install.R as text (LF line endings)."""

    origin: Origin
    text: str


def parse(file: SourceFile, view: object) -> InstallR:
    """The script as text; InputError when it is not UTF-8."""
    return InstallR(file.origin, file.text())


def merge(fragments: Sequence[InstallR], ctx: MergeContext) -> tuple[InstallR, ...]:
    """Keep every source's script in order; warn when repo2docker would not run install.R."""
    origins = [f.origin for f in fragments]
    runtimes = ctx.fragments_of(runtime.NAME, runtime.Runtime)
    if not any(r.name == "r" and r.date is not None for r in runtimes):
        ctx.warn(
            "install-r-ignored",
            "install.R runs only when runtime.txt picks R: without an 'r-YYYY-MM-DD' (or "
            "'r-X.Y-YYYY-MM-DD') runtime.txt in one of the sources repo2docker silently ignores it",
            *origins,
        )
    else:
        # Alone, the R source's install.R ran; merged, a Julia project makes repo2docker pick
        # its Julia buildpack, which never runs it: both cannot have what they had alone.
        projects = [
            o
            for o in map(_origin, ctx.fragments_of(JULIA_KIND))
            if o is not None and _is_project(o)
        ]
        if projects:
            ctx.conflict(
                NAME,
                FILE,
                "buildpack",
                [*(o.at(None, FILE) for o in origins), *(o.at(None, o.file) for o in projects)],
                "a Julia Project.toml makes repo2docker use its Julia buildpack, which never "
                "runs install.R (it did run for its source alone, with an R runtime.txt)",
            )
    for frag in fragments:
        for number, line in enumerate(frag.text.split("\n"), start=1):
            if _QUIT.match(line):
                ctx.warn(
                    "install-r-quit",
                    "install.R calls quit(): the scripts of the sources after it are "
                    "concatenated into the same file and would not run",
                    frag.origin.at(number, line.strip()),
                )
    return tuple(fragments)


def render(merged: Sequence[InstallR], ctx: MergeContext) -> list[OutputFile]:
    """One install.R: the generated header, then each source's script under its own header."""
    parts = [ctx.header()]
    for frag in merged:
        # The source's name, not the path it was typed as: the output must not depend on the
        # working directory (a committed file, and the fast --check digests only contents).
        source = printable(frag.origin.source)
        parts.append(f"\n# ---- install.R of {source} ----\n")
        parts.append(normalise_text(frag.text) or "# (empty)\n")
    return [OutputFile(FILE, "".join(parts).encode("utf-8"), 0o644)]


def _origin(fragment: object) -> Origin | None:
    origin = getattr(fragment, "origin", None)
    return origin if isinstance(origin, Origin) else None


def _is_project(origin: Origin) -> bool:
    return origin.file in (PROJECT_TOML, JULIA_PROJECT_TOML)


KIND = Kind(NAME, parse, merge, render)
