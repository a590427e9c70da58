"""runtime.txt: one Python version or one R snapshot for the whole image.

repo2docker reads the whole file as one value (``f.read().strip()``), so the output has no
header comment: its provenance is in the output manifest. Values repo2docker would reject
are errors here rather than at build time.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Sequence

from bindermerge.context import MergeContext
from bindermerge.errors import InputError
from bindermerge.model import Origin, OutputFile
from bindermerge.sources.local import SourceFile

NAME = "runtime"
FILE = "runtime.txt"
# The oldest snapshot repo2docker accepts for R (RSPM_CUTOFF_DATE in repo2docker/buildpacks/r.py).
R_CUTOFF = datetime.date(2018, 12, 7)


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
        return self.version if self.name == "python" and self.version and "." in self.version else None


def recognise(relpath: str) -> bool:
    return relpath == FILE


def parse(file: SourceFile, view: object) -> Runtime:
    text = file.text().strip()
    origin = file.origin.at(1, text)
    if not text:
        raise InputError("runtime.txt is empty; repo2docker rejects it", origin)
    if "\n" in text:
        raise InputError(
            "runtime.txt must hold one value; repo2docker reads the whole file as one", origin
        )
    parts = text.split("-")
    # repo2docker's own shape check: name-version, name-yyyy-mm-dd, name-version-yyyy-mm-dd.
    if len(parts) not in (2, 4, 5) or not all(parts):
        raise InputError(f"invalid runtime.txt {text!r}: repo2docker rejects it", origin)
    name = parts[0]
    version = parts[1] if len(parts) in (2, 5) else None
    date = None
    if len(parts) in (4, 5):
        try:
            date = datetime.date.fromisoformat("-".join(parts[-3:]))
        except ValueError:
            raise InputError(f"invalid date in runtime.txt {text!r}", origin) from None
    if name == "python":
        if date is not None or version is None:
            raise InputError(f"invalid runtime.txt {text!r}: expected python-X.Y", origin)
        if not re.fullmatch(r"\d+(\.\d+)?", version):
            raise InputError(
                f"invalid runtime.txt {text!r}: repo2docker needs python-X.Y (not X.Y.Z)", origin
            )
    elif name == "r":
        if date is None:
            raise InputError(
                f"runtime.txt {text!r} has no snapshot date; repo2docker needs r-YYYY-MM-DD "
                "or r-X.Y-YYYY-MM-DD",
                origin,
            )
        if date < R_CUTOFF:
            raise InputError(
                f"runtime.txt {text!r}: repo2docker needs an R snapshot date on or after "
                f"{R_CUTOFF.isoformat()}",
                origin,
            )
    else:
        raise InputError(
            f"runtime.txt {text!r} names {name!r}; repo2docker understands python-X.Y and r-...",
            origin,
        )
    return Runtime(origin, text, name, version, date)


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
