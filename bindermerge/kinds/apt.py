"""apt.txt: the union of Debian packages, first-seen order, pins kept and checked.

repo2docker strips ``#`` comments, skips blank lines, checks each line against
``^[a-z0-9.+-]+`` and passes the lines unquoted to ``apt-get install`` (a line may hold
several packages). bindermerge is stricter per token than repo2docker's prefix match,
because a token such as ``git;curl`` passes repo2docker's check and reaches the shell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bindermerge.context import MergeContext
from bindermerge.errors import ParseError
from bindermerge.kinds import Kind
from bindermerge.model import Origin, OutputFile
from bindermerge.repo2docker.constants import APT_LINE_RE, APT_TXT
from bindermerge.sources.base import SourceFile

NAME = "apt"
FILE = APT_TXT

# The full form of one token, stricter than repo2docker's line check (APT_LINE_RE):
# name[:arch][=version | /release]
TOKEN = re.compile(
    r"^(?P<name>[a-z0-9][a-z0-9.+-]*)(?P<arch>:[a-z0-9-]+)?"
    r"(?:=(?P<version>[A-Za-z0-9.+~:-]+)|/(?P<release>[A-Za-z0-9.+~-]+))?$"
)


@dataclass(frozen=True)
class AptPackage:
    """One package request: the key is name plus architecture qualifier."""

    key: str
    token: str
    pin: str | None  # "=version" or "/release"
    origin: Origin
    comment: str | None = None  # written after the package's line
    leading: tuple[str, ...] = ()  # full-line comments directly above it


@dataclass(frozen=True)
class AptFragment:
    origin: Origin
    packages: tuple[AptPackage, ...]


def parse(file: SourceFile, view: object) -> AptFragment:
    packages: list[AptPackage] = []
    above: list[str] = []
    for number, raw in enumerate(file.text().split("\n"), start=1):
        line, hash_, after = raw.partition("#")
        line = line.strip()
        if not line:
            # A comment line stays with the package below it; a blank line ends the note.
            above = [*above, after.strip()] if hash_ else []
            continue
        comment = after.strip() or None if hash_ else None
        leading, above = tuple(above), []
        origin = file.origin.at(number, line)
        if not APT_LINE_RE.match(line):
            raise ParseError(
                f"invalid apt.txt line {line!r}: repo2docker requires lower-case package names "
                f"matching {APT_LINE_RE.pattern}",
                origin,
            )
        for token in line.split():
            m = TOKEN.match(token)
            if not m:
                raise ParseError(
                    f"{token!r} is not a Debian package name (name[:arch][=version]); "
                    "repo2docker would pass it to the shell unquoted",
                    origin,
                )
            pin = (
                f"={m['version']}"
                if m["version"]
                else (f"/{m['release']}" if m["release"] else None)
            )
            key = m["name"] + (m["arch"] or "")
            packages.append(
                AptPackage(key, token, pin, file.origin.at(number, token), comment, leading)
            )
            leading = ()  # the lines above belong to the line's first package
    return AptFragment(file.origin, tuple(packages))


@dataclass(frozen=True)
class MergedApt:
    """Packages in first-seen order, each with every origin that asked for it."""

    entries: tuple[tuple[AptPackage, tuple[Origin, ...]], ...]
    # package key -> (comments after its lines, comment lines above them), from every source
    notes: tuple[tuple[str, tuple[tuple[str, ...], tuple[str, ...]]], ...] = ()


def merge(fragments: Sequence[AptFragment], ctx: MergeContext) -> MergedApt:
    chosen: dict[str, AptPackage] = {}
    origins: dict[str, list[Origin]] = {}
    pinned_by: dict[str, list[AptPackage]] = {}
    trailing: dict[str, list[str]] = {}
    above: dict[str, list[str]] = {}
    for frag in fragments:
        for pkg in frag.packages:
            if pkg.comment and pkg.comment not in trailing.setdefault(pkg.key, []):
                trailing[pkg.key].append(pkg.comment)
            for note in pkg.leading:
                if note not in above.setdefault(pkg.key, []):
                    above[pkg.key].append(note)
            if pkg.key not in chosen:
                chosen[pkg.key] = pkg
                origins[pkg.key] = []
            if pkg.origin.source not in {o.source for o in origins[pkg.key]}:
                origins[pkg.key].append(pkg.origin)
            if pkg.pin is not None:
                pins = pinned_by.setdefault(pkg.key, [])
                if all(p.pin != pkg.pin for p in pins):
                    pins.append(pkg)
    for key, pins in pinned_by.items():
        if len(pins) == 1:
            chosen[key] = pins[0]  # a pin beats an unpinned request for the same package
            continue
        sides = [p.origin for p in pins]
        keep = ctx.conflict(NAME, FILE, key, sides, "pinned to different versions")
        chosen[key] = pins[keep]
    notes = tuple(
        (k, (tuple(trailing.get(k, ())), tuple(above.get(k, ()))))
        for k in chosen
        if trailing.get(k) or above.get(k)
    )
    return MergedApt(tuple((chosen[k], tuple(origins[k])) for k in chosen), notes)


def render(merged: MergedApt, ctx: MergeContext) -> list[OutputFile]:
    notes = dict(merged.notes)
    lines: list[str] = []
    for pkg, origins in merged.entries:
        trailing, above = notes.get(pkg.key, ((), ()))
        lines += [f"# {note}" if note else "#" for note in above]
        note = "".join(f"; {' '.join(t.split())}" for t in trailing)
        lines.append(f"{pkg.token}  # from {', '.join(o.source for o in origins)}{note}")
    return [ctx.text_file(FILE, "\n".join(lines))]


KIND = Kind(NAME, parse, merge, render)
