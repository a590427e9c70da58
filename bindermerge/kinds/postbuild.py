"""postBuild: each source's script kept as it is, chained by a generated postBuild.

repo2docker runs one postBuild, as the notebook user, from the repository root, after the whole
repository is copied; without a ``#!`` line ``/bin/sh`` runs it. Concatenating several breaks
interpreters (a Python postBuild), ``set -e``, ``exit`` and relative paths, so each source's
postBuild goes to its own folder of the output (next to its auxiliary files) and the generated
top-level postBuild (``templates/postBuild.sh.j2``) runs them in source order, stopping at the
first failure.

One source with a postBuild is chained the same way: its auxiliary files live in its folder,
so the script must too for ``$(dirname "$0")/file`` to keep finding them.
"""

from __future__ import annotations

from collections.abc import Sequence

from bindermerge.context import MergeContext
from bindermerge.kinds import Kind
from bindermerge.model import OutputFile
from bindermerge.render import templates
from bindermerge.render.layout import source_folders
from bindermerge.scripts.lint import Script, lint_each, lint_postbuild, parse_script
from bindermerge.sources.base import SourceFile

NAME = "postbuild"
FILE = "postBuild"
TEMPLATE = "postBuild.sh.j2"


def parse(file: SourceFile, view: object) -> Script:
    """The script's bytes (CRLF normalised) and its interpreter."""
    return parse_script(file)


def merge(fragments: Sequence[Script], ctx: MergeContext) -> tuple[Script, ...]:
    """Nothing to combine (one postBuild per source, kept in source order); lint each one."""
    return lint_each(fragments, ctx, lint_postbuild)


def render(merged: Sequence[Script], ctx: MergeContext) -> list[OutputFile]:
    """Each source's ``<folder>/postBuild`` (executable) and the generated ``postBuild``."""
    folders = source_folders(ctx.source_names)
    files = [OutputFile(f"{folders[s.origin.source]}/{FILE}", s.data, 0o755) for s in merged]
    steps = [
        {"folder": folders[s.origin.source], "how": "exec" if s.shebang else "sh"} for s in merged
    ]
    text = templates.render(TEMPLATE, header=ctx.header(), steps=steps)
    files.append(OutputFile(FILE, text.encode("utf-8"), 0o755))
    return files


KIND = Kind(NAME, parse, merge, render)
