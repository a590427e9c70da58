"""Where an output directory may be: never a source, inside one, holding one, or the cwd."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


def location_problem(directory: Path, source_roots: Sequence[str | Path]) -> str | None:
    """Why ``directory`` cannot be the output of a merge of these sources, or None.

    An output that is a source, lies inside one or holds one would be read back as input
    on the next run (or replace the source itself), whatever ``--force`` says.
    """
    out = os.path.realpath(directory)
    if out == os.path.realpath(os.getcwd()):
        return "is the current directory; name a directory for the merged files (for example binder)"
    for root in source_roots:
        src = os.path.realpath(root)
        if out == src:
            return f"is the source {root} itself"
        if out.startswith(src.rstrip(os.sep) + os.sep):
            return f"lies inside the source {root}, so the next merge would read it back as input"
        if src.startswith(out.rstrip(os.sep) + os.sep):
            return f"holds the source {root}, which replacing it would destroy"
    return None
