"""runtime.txt: one Python version or one R snapshot for the whole image.

repo2docker reads the whole file as one value (``f.read().strip()``), so the output has no
header comment: its provenance is in the output manifest. Values repo2docker would reject
are errors here rather than at build time.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bindermerge.context import MergeContext
from bindermerge.errors import InputError, ParseError
from bindermerge.kinds import Kind
from bindermerge.model import Origin, OutputFile
from bindermerge.repo2docker.constants import RSPM_CUTOFF_DATE, RUNTIME_TXT
from bindermerge.repo2docker.runtime import InvalidRuntime, InvalidRuntimeDate, parse_runtime
from bindermerge.sources.base import SourceFile

NAME = "runtime"
FILE = RUNTIME_TXT


@dataclass(frozen=True)
class Runtime:
    """A parsed runtime.txt: ``python-3.11``, ``r-2023-01-01`` or ``r-4.3-2023-01-01``."""

    origin: Origin
    text: str
    name: str
    version: str | None
    date: datetime.date | None

    @property
    def python_version(self) -> str | None:
        """``X.Y`` when this asks for a Python version (``python-3`` is repo2docker's default)."""
        return (
            self.version if self.name == "python" and self.version and "." in self.version else None
        )


def parse(file: SourceFile, view: object) -> Runtime:
    """Read runtime.txt with repo2docker's parser, then refuse what its buildpacks reject.

    bindermerge is stricter than the parser: a value repo2docker would only reject while
    building (python-X.Y.Z, an R snapshot before the first one) or would not use (r- without a
    date, another language) is an error here already. A value that is not of runtime.txt's
    shape is a :class:`ParseError`; one of its shape that repo2docker rejects an InputError.
    """
    text = file.text().strip()
    origin = file.origin.at(1, text)
    if not text:
        raise ParseError("runtime.txt is empty; repo2docker rejects it", origin)
    if "\n" in text:
        raise ParseError(
            "runtime.txt must hold one value; repo2docker reads the whole file as one", origin
        )
    try:
        rt = parse_runtime(text)
    except InvalidRuntimeDate:
        raise ParseError(f"invalid date in runtime.txt {text!r}", origin) from None
    except InvalidRuntime:
        raise ParseError(f"invalid runtime.txt {text!r}: repo2docker rejects it", origin) from None
    if rt.name == "python":
        if rt.date is not None or rt.version is None:
            raise ParseError(f"invalid runtime.txt {text!r}: expected python-X.Y", origin)
        if not re.fullmatch(r"\d+(\.\d+)?", rt.version):
            raise ParseError(
                f"invalid runtime.txt {text!r}: repo2docker needs python-X.Y (not X.Y.Z)", origin
            )
    elif rt.name == "r":
        if rt.date is None:
            raise InputError(
                f"runtime.txt {text!r} has no snapshot date; repo2docker needs r-YYYY-MM-DD "
                "or r-X.Y-YYYY-MM-DD",
                origin,
            )
        if rt.date.isoformat() < RSPM_CUTOFF_DATE:
            raise InputError(
                f"runtime.txt {text!r}: repo2docker needs an R snapshot date on or after "
                f"{RSPM_CUTOFF_DATE}",
                origin,
            )
    else:
        raise InputError(
            f"runtime.txt {text!r} names {rt.name!r}; repo2docker understands python-X.Y and r-...",
            origin,
        )
    return Runtime(origin, text, rt.name, rt.version, rt.date)


def merge(fragments: Sequence[Runtime], ctx: MergeContext) -> Runtime:
    distinct: list[Runtime] = []
    for frag in fragments:
        if all(frag.text != d.text for d in distinct):
            distinct.append(frag)
    if len(distinct) == 1:
        return distinct[0]
    what = "different runtimes" if len({d.name for d in distinct}) > 1 else "different versions"
    keep = ctx.conflict(NAME, FILE, distinct[0].name, [d.origin for d in distinct], what)
    return distinct[keep]


def render(merged: Runtime, ctx: MergeContext) -> list[OutputFile]:
    return [OutputFile(FILE, (merged.text + "\n").encode("utf-8"))]


KIND = Kind(NAME, parse, merge, render)
