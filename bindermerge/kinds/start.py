"""start: each source's start kept as it is, chained by their own ``exec "$@"`` hand-off.

repo2docker executes one start at every container start with the container's command as its
arguments; a start does its setup and ends with ``exec "$@"``. The generated top-level start
(``templates/start.sh.j2``) execs the first source's start with the next ones and finally the
original command as arguments, so each hands over to the next and the notebook server gets its
arguments intact; exported variables flow down the chain. A start that cannot hand over (no
``#!`` line, no final ``exec "$@"``) ends the chain: that is a warning naming the line.

One source with a start is chained the same way, so that it sits next to its auxiliary files.
"""

from __future__ import annotations

from collections.abc import Sequence

from bindermerge.context import MergeContext
from bindermerge.kinds import Kind
from bindermerge.model import OutputFile
from bindermerge.render import templates
from bindermerge.render.layout import source_folders
from bindermerge.scripts.lint import Script, lint_each, lint_start, parse_script
from bindermerge.sources.base import SourceFile

NAME = "start"
FILE = "start"
TEMPLATE = "start.sh.j2"


def parse(file: SourceFile, view: object) -> Script:
    """The script's bytes (CRLF normalised) and its interpreter."""
    return parse_script(file)


def merge(fragments: Sequence[Script], ctx: MergeContext) -> tuple[Script, ...]:
    """Keep the starts in source order and warn about any that would end the chain."""
    return lint_each(fragments, ctx, lint_start)


def render(merged: Sequence[Script], ctx: MergeContext) -> list[OutputFile]:
    """Each source's ``<folder>/start`` (executable) and the generated ``start``."""
    folders = source_folders(ctx.source_names)
    files = [OutputFile(f"{folders[s.origin.source]}/{FILE}", s.data, 0o755) for s in merged]
    text = templates.render(
        TEMPLATE,
        header=ctx.header(),
        folders=[folders[s.origin.source] for s in merged],
    )
    files.append(OutputFile(FILE, text.encode("utf-8"), 0o755))
    return files


KIND = Kind(NAME, parse, merge, render)
