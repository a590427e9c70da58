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
from bindermerge.repo2docker.constants import (
    LEGACY_KERNEL_BELOW,
    REQUIREMENTS_TXT,
    RSPM_CUTOFF_DATE,
    RUNTIME_TXT,
)
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


def merge(fragments: Sequence[Runtime], ctx: MergeContext) -> Runtime | None:
    distinct: list[Runtime] = []
    for frag in fragments:
        if all(frag.text != d.text for d in distinct):
            distinct.append(frag)
    merged = distinct[0]
    if len(distinct) > 1:
        what = "different runtimes" if len({d.name for d in distinct}) > 1 else "different versions"
        keep = ctx.conflict(NAME, FILE, distinct[0].name, [d.origin for d in distinct], what)
        merged = distinct[keep]
    return _legacy_kernel(merged, fragments, ctx)


def _legacy_kernel(
    merged: Runtime, fragments: Sequence[Runtime], ctx: MergeContext
) -> Runtime | None:
    """A Python below 3.7 makes repo2docker build the kernel an environment of its own and
    install requirements.txt there (when no environment.yml takes it over): another source's
    server extension (jupyter-server-proxy, nbgitpuller) then lands where the notebook server
    cannot load it. That is a conflict between the pins and those packages; when a package's
    side wins, no runtime.txt is written (repo2docker's default Python keeps one environment).
    The environment kind checks the same for environment.yml (its ``kernel`` module)."""
    xy = merged.python_version
    if xy is None or tuple(int(p) for p in xy.split(".")) >= LEGACY_KERNEL_BELOW:
        return merged
    from bindermerge.specs.pip import PipFragment
    from bindermerge.specs.server_packages import is_server_side

    pins = [f.origin for f in fragments if f.text == merged.text]
    pinned = {o.source for o in pins}
    # Only what repo2docker put beside the notebook server when its source was built alone:
    # a source with its own legacy Python already had these packages in its kernel's.
    affected = [
        (r.key, r.origin)
        for frag in ctx.fragments_of("requirements", PipFragment)
        for r in frag.requirements
        if r.requirement is not None and not r.constraint and is_server_side(r.key)
        and r.origin.source not in pinned
    ]  # fmt: skip
    if not affected:
        return merged
    from bindermerge.kinds import server_split

    into = "a kernel environment of its own"
    lost = server_split.record(ctx, NAME, FILE, xy, REQUIREMENTS_TXT, into, pins, affected)
    return None if lost else merged


def render(merged: Runtime | None, ctx: MergeContext) -> list[OutputFile]:
    if merged is None:  # a legacy Python lost to server-side packages: the default Python
        return []
    return [OutputFile(FILE, (merged.text + "\n").encode("utf-8"))]


KIND = Kind(NAME, parse, merge, render)
