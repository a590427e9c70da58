"""requirements.txt: pip requirements merged by name with the requirement engine.

Files pulled in with ``-r``/``-c`` are read through the source (relative to the including
file) and inlined; constraints from every source go to one ``constraints.txt`` next to the
merged requirements.txt, which refers to it with ``-c``.
"""

from __future__ import annotations

from collections.abc import Sequence

from bindermerge.context import MergeContext
from bindermerge.kinds import Kind, SourceView
from bindermerge.model import OutputFile
from bindermerge.sources.base import SourceFile
from bindermerge.specs import pip as pip

NAME = "requirements"
FILE = "requirements.txt"
CONSTRAINTS = "constraints.txt"


def parse(file: SourceFile, view: SourceView) -> pip.PipFragment:
    return pip.parse_requirements_file(file, view)


def merge(fragments: Sequence[pip.PipFragment], ctx: MergeContext) -> pip.MergedPip:
    return pip.merge_fragments(fragments, ctx, kind=NAME, file=FILE)


def render(merged: pip.MergedPip, ctx: MergeContext) -> list[OutputFile]:
    return render_file(merged, ctx, FILE, CONSTRAINTS)


def render_file(
    merged: pip.MergedPip, ctx: MergeContext, file: str, constraints: str
) -> list[OutputFile]:
    """``file`` with the merged lines; constraints from every source go to ``constraints``,
    which ``file`` refers to with ``-c``."""
    lines = pip.render_lines(merged)
    files = []
    if merged.constraints:
        lines.insert(0, f"-c {constraints}")
        body = [
            f"{c.text}  # from {', '.join(dict.fromkeys(o.source for o in c.origins))}"
            for c in merged.constraints
        ]
        files.append(ctx.text_file(constraints, "\n".join(body)))
    files.append(ctx.text_file(file, "\n".join(lines)))
    return files


KIND = Kind(NAME, parse, merge, render)
