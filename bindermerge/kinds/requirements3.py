"""requirements3.txt: what repo2docker installs into the notebook server's environment when
the kernel has a legacy Python (below 3.7) of its own.

It is merged like requirements.txt (the same requirement engine) and written at the top of the
output, where repo2docker looks for it: carried into a source's folder it would no longer be
installed, and the notebook server would lose what the source put beside it (nbgitpuller, a
server extension). Beside a Python of 3.7 or later repo2docker ignores the file, and the merge
says so, as for every output file repo2docker would not read.
"""

from __future__ import annotations

from collections.abc import Sequence

from bindermerge.context import MergeContext
from bindermerge.kinds import Kind
from bindermerge.kinds.requirements import parse, render_file
from bindermerge.model import OutputFile
from bindermerge.repo2docker.constants import REQUIREMENTS3_TXT
from bindermerge.specs import pip as pip

NAME = "requirements3"
FILE = REQUIREMENTS3_TXT
# Its own constraints file: requirements.txt's may be written beside it.
CONSTRAINTS = "constraints3.txt"


def merge(fragments: Sequence[pip.PipFragment], ctx: MergeContext) -> pip.MergedPip:
    return pip.merge_fragments(fragments, ctx, kind=NAME, file=FILE)


def render(merged: pip.MergedPip, ctx: MergeContext) -> list[OutputFile]:
    return render_file(merged, ctx, FILE, CONSTRAINTS)


KIND = Kind(NAME, parse, merge, render)
