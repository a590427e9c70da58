"""postBuild: each source's script kept as it is, chained by a generated postBuild.

repo2docker runs one postBuild, as the notebook user, from the repository root, after the whole
repository is copied; without a ``#!`` line ``/bin/sh`` runs it. Concatenating several breaks
interpreters (a Python postBuild), ``set -e``, ``exit`` and relative paths, so each source's
postBuild goes to its own folder of the output (next to its auxiliary files) and the generated
top-level postBuild (``templates/postBuild.sh.j2``) runs them in source order, stopping at the
first failure.

One source with a postBuild is chained the same way: its auxiliary files live in its folder,
so the script must too for ``$(dirname "$0")/file`` to keep finding them.

Before a source's postBuild runs, the generated one copies to the repository root the files that
source's scripts found there alone (:mod:`bindermerge.scripts.placement`): ``init_db`` beside
binder/, ``.mongo_version``, or ``seed.sql`` of a source without a binder directory. A file
the repository already has with other contents stops the build, naming the file and the source.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bindermerge.context import MergeContext
from bindermerge.kinds import Kind
from bindermerge.model import OutputFile
from bindermerge.render import templates
from bindermerge.render.layout import source_folders
from bindermerge.scripts.lint import Script, lint_each, lint_postbuild, parse_script
from bindermerge.sources.base import SourceFile

if TYPE_CHECKING:
    from bindermerge.scripts.placement import Plan

NAME = "postbuild"
FILE = "postBuild"
TEMPLATE = "postBuild.sh.j2"


def parse(file: SourceFile, view: object) -> Script:
    """The script's bytes (CRLF normalised) and its interpreter."""
    return parse_script(file)


def merge(fragments: Sequence[Script], ctx: MergeContext) -> tuple[Script, ...]:
    """Nothing to combine (one postBuild per source, kept in source order); lint each one."""
    return lint_each(fragments, ctx, lint_postbuild, NAME)


def render(merged: Sequence[Script], ctx: MergeContext) -> list[OutputFile]:
    """Each source's ``<folder>/postBuild`` (executable) and the generated ``postBuild``."""
    from bindermerge.scripts import placement

    return chain(merged, placement.plan(ctx), ctx)


def chain(scripts: Sequence[Script], found: Plan, ctx: MergeContext) -> list[OutputFile]:
    """The sources' postBuilds in their folders and the generated postBuild running them,
    each after the root files its source needs are in place (``found.copies``)."""
    folders = source_folders(ctx.source_names)
    files = [OutputFile(f"{folders[s.origin.source]}/{FILE}", s.data, 0o755) for s in scripts]
    with_step = {s.origin.source for s in scripts}

    def copies(source: str) -> list[dict[str, str]]:
        return [{"src": c.src, "dest": c.dest} for c in found.copies_of(source)]

    steps = [
        {
            "folder": folders[s.origin.source],
            "source": s.origin.source,
            "how": "exec" if s.shebang else "sh",
            "copies": copies(s.origin.source),
        }
        for s in scripts
    ]
    # Sources whose start (only) needs root files: placed before every postBuild.
    first = [
        {"folder": folders[name], "source": name, "copies": copies(name)}
        for name in ctx.source_names
        if name not in with_step and found.copies_of(name)
    ]
    text = templates.render(
        TEMPLATE,
        header=ctx.header(),
        steps=steps,
        first=first,
        places=bool(found.copies),
    )
    files.append(OutputFile(FILE, text.encode("utf-8"), 0o755))
    return files


KIND = Kind(NAME, parse, merge, render)
