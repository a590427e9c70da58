"""The requirement engine: parse pip requirement lines and merge them across sources.

Used by requirements.txt and by environment.yml's ``pip:`` block, so both merge the same way.
Requirements are parsed with :mod:`packaging` (PEP 508); pip's own line syntax around them
(options, ``-r``/``-c`` includes, ``-e``, unnamed URLs, continuation lines, comments) is
handled here.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bindermerge.context import MergeContext
from bindermerge.errors import InputError, ParseError, UnsafePathError
from bindermerge.model import Origin
from bindermerge.sources.base import SourceFile, SourceView

if TYPE_CHECKING:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

# packaging (about 20 ms to import) is loaded by the functions that parse or merge
# requirements, so an environment.yml without a pip: block never pays for it.

# pip strips a comment that starts a line or follows white space.
_COMMENT = re.compile(r"(^|\s+)#.*$")
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|(?:git|hg|svn|bzr)\+)", re.I)
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9_.\-\[\],]+)")
_ARCHIVE = re.compile(r"\.(whl|zip|tar\.gz|tgz|tar\.bz2|tar)$", re.I)

# Global options: canonical spelling -> (takes a value, merge rule)
#   "single": one value for the whole file, different values conflict
#   "union":  every distinct value kept, first-seen order
OPTIONS: dict[str, tuple[bool, str]] = {
    "--index-url": (True, "single"),
    "--extra-index-url": (True, "union"),
    "--find-links": (True, "union"),
    "--trusted-host": (True, "union"),
    "--no-binary": (True, "union"),
    "--only-binary": (True, "union"),
    "--use-feature": (True, "union"),
    "--pre": (False, "union"),
    "--no-index": (False, "union"),
    "--prefer-binary": (False, "union"),
    "--require-hashes": (False, "union"),
}
ALIASES = {
    "-i": "--index-url",
    "-f": "--find-links",
    "-r": "--requirement",
    "-c": "--constraint",
    "-e": "--editable",
}
PER_REQUIREMENT = ("--hash", "--config-settings", "--global-option", "--install-option")


@dataclass(frozen=True)
class PipRequirement:
    """One requirement line: named (``numpy>=1``, ``x @ url``) or an unnamed URL."""

    origin: Origin
    key: str  # canonical name, or the URL for an unnamed URL requirement
    requirement: Requirement | None
    url: str | None
    editable: bool = False
    line_options: tuple[str, ...] = ()
    constraint: bool = False

    @property
    def display_name(self) -> str:
        return self.requirement.name if self.requirement else self.key

    @property
    def marker(self) -> str | None:
        return (
            str(self.requirement.marker) if self.requirement and self.requirement.marker else None
        )


@dataclass(frozen=True)
class PipOption:
    origin: Origin
    name: str
    value: str | None


@dataclass(frozen=True)
class LineComment:
    """The comments a person wrote at one requirement line: after it, and just above it."""

    trailing: str | None
    leading: tuple[str, ...]


@dataclass(frozen=True)
class PipFragment:
    """Everything one source's requirement lines ask for."""

    origin: Origin
    requirements: tuple[PipRequirement, ...] = ()
    options: tuple[PipOption, ...] = ()
    local_paths: tuple[Origin, ...] = ()  # `-e .`, ./pkg: they point into the source's repo
    # (source, file, line) of a requirement or option line -> what was written beside it
    comments: tuple[tuple[tuple[str, str, int], LineComment], ...] = ()


def line_comments(text: str) -> dict[int, LineComment]:
    """The comments of each logical line, by its first line number.

    A comment after the line's text (``numpy<2  # numba needs it``) and the full-line comments
    directly above it (no blank line between) belong to it: they say why a pin is there.
    """
    out: dict[int, LineComment] = {}
    above: list[str] = []
    start: int | None = None
    trailing: str | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if start is None and stripped.startswith("#"):
            above.append(stripped[1:].strip())
            continue
        if not stripped:
            above = []
            continue
        if start is None:
            start = number
        m = _COMMENT.search(raw)
        if m and raw[: m.start()].strip():
            trailing = raw[m.start() :].strip()[1:].strip() or trailing
        if _COMMENT.sub("", raw).endswith("\\"):
            continue
        if trailing or above:
            out[start] = LineComment(trailing, tuple(above))
        above, start, trailing = [], None, None
    return out


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each logical line: comments cut, ``\\`` continuations joined."""
    out: list[tuple[int, str]] = []
    buf, start = "", 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = _COMMENT.sub("", raw)
        if not buf:
            start = number
        if line.endswith("\\"):
            buf += line[:-1]
            continue
        buf += line
        if buf.strip():
            out.append((start, buf.strip()))
        buf = ""
    if buf.strip():
        out.append((start, buf.strip()))
    return out


class _Parser:
    """Parses one requirements file and everything it includes, with cycle detection."""

    def __init__(self, view: SourceView | None):
        self.view = view
        self.requirements: list[PipRequirement] = []
        self.options: list[PipOption] = []
        self.local_paths: list[Origin] = []
        self.comments: dict[tuple[str, str, int], LineComment] = {}

    def parse_file(self, file: SourceFile, *, constraint: bool, stack: tuple[str, ...]) -> None:
        text = file.text()
        for number, comment in line_comments(text).items():
            self.comments[(file.origin.source, file.origin.file, number)] = comment
        for number, line in logical_lines(text):
            self.parse_line(
                line,
                file.origin.at(number, line),
                constraint=constraint,
                include=lambda target, o, c: self._include(file, target, o, c, stack),
            )

    def _include(
        self,
        file: SourceFile,
        target: str,
        origin: Origin,
        constraint: bool,
        stack: tuple[str, ...],
    ) -> None:
        from bindermerge.specs.pip_includes import target as include_target

        if _URL.match(target) and not target.startswith("file:"):
            raise UnsafePathError(f"cannot follow a remote include {target!r}; inline it", origin)
        # pip: -r x beside the including file, -r file:x from its working directory (the
        # repository root); ../x is a root file the source contributes when it was given
        rel = include_target(file.name, target, in_binder_dir=file.origin.in_binder_dir)
        if rel is None:
            raise UnsafePathError(f"include {target!r} leaves the source directory", origin)
        if rel in stack:
            raise InputError(f"include cycle: {' -> '.join((*stack, rel))}", origin)
        included = self.view.get(rel) if self.view is not None else None
        if included is None and rel.startswith("../"):
            raise UnsafePathError(
                f"include {target!r} is outside the binder directory and not a file of the "
                "source as given; give the repository as the source, or copy its lines here",
                origin,
            )
        if included is None:
            raise InputError(f"included file {target!r} does not exist", origin)
        assert self.view is not None  # a file was found through it
        self.view.claim(rel)
        self.parse_file(included, constraint=constraint, stack=(*stack, rel))

    def parse_line(
        self,
        line: str,
        origin: Origin,
        *,
        constraint: bool = False,
        include: Callable[[str, Origin, bool], None] | None = None,
    ) -> None:
        if line.startswith("-"):
            self._option_line(line, origin, constraint, include)
            return
        self._requirement(line, origin, constraint=constraint, editable=False)

    def _option_line(
        self,
        line: str,
        origin: Origin,
        constraint: bool,
        include: Callable[[str, Origin, bool], None] | None,
    ) -> None:
        try:
            tokens = shlex.split(line)
        except ValueError as exc:
            raise ParseError(f"cannot split option line: {exc}", origin) from None
        name, value = tokens[0], None
        if "=" in name and name.startswith("--"):
            name, value = name.split("=", 1)
        elif len(name) > 2 and name[1] != "-":  # -rfile, -ehttps://...
            name, value = name[:2], name[2:]
        name = ALIASES.get(name, name)
        rest = tokens[1:]
        if (
            name in ("--requirement", "--constraint", "--editable")
            or OPTIONS.get(name, (False,))[0]
        ):
            if value is None:
                if not rest:
                    raise ParseError(f"option {name} needs a value", origin)
                value, rest = rest[0], rest[1:]
        if name in ("--requirement", "--constraint"):
            assert value is not None  # took the next word above, or raised
            if include is None:
                raise InputError(f"{name} is not allowed here", origin)
            include(value, origin, constraint or name == "--constraint")
            return
        if name == "--editable":
            assert value is not None
            self._requirement(
                " ".join([value, *rest]), origin, constraint=constraint, editable=True
            )
            return
        if name not in OPTIONS:
            raise ParseError(f"unknown pip option {tokens[0]!r}", origin)
        if rest:
            raise ParseError(f"unexpected text after {name}: {' '.join(rest)!r}", origin)
        self.options.append(PipOption(origin, name, value))

    def _requirement(self, line: str, origin: Origin, *, constraint: bool, editable: bool) -> None:
        from packaging.utils import canonicalize_name

        try:
            text, line_options = _split_line_options(line)
        except ValueError as exc:
            raise ParseError(str(exc), origin) from None
        if _is_local_path(text):
            self.local_paths.append(origin)
            return
        if _URL.match(text):
            url, _, marker = text.partition(";")
            egg = _EGG.search(url)
            req = None
            if egg:
                name = egg.group(1)
                spec = f"{name} @ {url.strip()}" + (f" ; {marker.strip()}" if marker else "")
                req = _parse_req(spec, origin)
            key = canonicalize_name(req.name) if req else url.strip()
            self.requirements.append(
                PipRequirement(origin, key, req, url.strip(), editable, line_options, constraint)
            )
            return
        if editable:
            raise ParseError(f"-e needs a URL or a path, not {text!r}", origin)
        req = _parse_req(text, origin)
        self.requirements.append(
            PipRequirement(
                origin, canonicalize_name(req.name), req, req.url, False, line_options, constraint
            )
        )

    def fragment(self, origin: Origin) -> PipFragment:
        return PipFragment(
            origin,
            tuple(self.requirements),
            tuple(self.options),
            tuple(self.local_paths),
            tuple(self.comments.items()),
        )


def _parse_req(text: str, origin: Origin) -> Requirement:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(text)
    except InvalidRequirement as exc:
        first = str(exc).splitlines()[0]
        raise ParseError(f"invalid requirement {text!r}: {first}", origin) from None


def _split_line_options(line: str) -> tuple[str, tuple[str, ...]]:
    idx = min((i for opt in PER_REQUIREMENT if (i := line.find(f" {opt}")) >= 0), default=-1)
    if idx < 0:
        return line.strip(), ()
    try:
        return line[:idx].strip(), tuple(shlex.split(line[idx:]))
    except ValueError as exc:  # an unclosed quote
        raise ValueError(f"cannot split the options of {line!r}: {exc}") from None


def _is_local_path(text: str) -> bool:
    if text.startswith((".", "/", "~", "file:")):
        return True
    if _URL.match(text):
        return False
    head = re.split(r"[\s;\[]", text, maxsplit=1)[0]
    return "/" in head or "\\" in head or bool(_ARCHIVE.search(head))


def parse_requirements_file(file: SourceFile, view: SourceView | None) -> PipFragment:
    """Parse a requirements file (and the files it includes) into a :class:`PipFragment`."""
    parser = _Parser(view)
    parser.parse_file(file, constraint=False, stack=(file.name,))
    return parser.fragment(file.origin)


def parse_requirement_lines(lines: Sequence[tuple[str, Origin]], origin: Origin) -> PipFragment:
    """Parse requirement lines that do not come from a file (environment.yml's ``pip:``)."""
    parser = _Parser(None)
    for text, where in lines:
        for _, line in logical_lines(text):
            parser.parse_line(line, where)
    return parser.fragment(origin)


# --------------------------------------------------------------------------- merging


@dataclass
class MergedRequirement:
    """One output requirement line and every origin that asked for it."""

    text: str
    origins: list[Origin]
    constraint: bool = False
    # the canonical name (from ``#egg=`` for a URL), or the URL of an unnamed URL requirement
    key: str = ""


@dataclass
class MergedPip:
    """The merged lines: global options, then requirements, then constraints."""

    options: list[tuple[str, list[Origin]]] = field(default_factory=list)
    requirements: list[MergedRequirement] = field(default_factory=list)
    constraints: list[MergedRequirement] = field(default_factory=list)
    comments: dict[tuple[str, str, int], LineComment] = field(default_factory=dict)

    def comment_of(self, origins: Sequence[Origin]) -> LineComment:
        """The comments every origin's line carried, de-duplicated, in source order."""
        found = [self.comments.get((o.source, o.file, o.line or 0)) for o in origins]
        notes = [c for c in found if c is not None]
        trailing = "; ".join(dict.fromkeys(c.trailing for c in notes if c.trailing)) or None
        leading = tuple(dict.fromkeys(line for c in notes for line in c.leading))
        return LineComment(trailing, leading)


def merge_fragments(
    fragments: Sequence[PipFragment], ctx: MergeContext, *, kind: str, file: str
) -> MergedPip:
    """Merge the requirement fragments of several sources (in source order).

    Conflicts (empty version intersections, different direct URLs for one name, different
    ``--index-url`` values) are recorded on ``ctx`` under ``kind`` and ``file``.
    """
    merged = MergedPip()
    for frag in fragments:
        merged.comments.update(frag.comments)
        for o in frag.local_paths:
            ctx.warn(
                "pip-local-path",
                f"dropped {o.text!r}: it installs from {o.source}'s own repository, which the "
                "merged directory does not contain; publish it or use 'name @ git+https://...'",
                o,
            )
    merged.options = _merge_options([o for f in fragments for o in f.options], ctx, kind, file)
    _warn_index_replaced(fragments, ctx)
    fragments = _drop_partial_hashes(fragments, ctx)
    reqs = [r for f in fragments for r in f.requirements if not r.constraint]
    cons = [r for f in fragments for r in f.requirements if r.constraint]
    merged.requirements = _merge_group(reqs, ctx, kind, file)
    merged.constraints = _merge_group(cons, ctx, kind, file, constraint=True)
    _check_constraints(reqs, cons, ctx, kind, file)
    return merged


def _warn_index_replaced(fragments: Sequence[PipFragment], ctx: MergeContext) -> None:
    """One source's ``--index-url``/``--no-index`` applies to every source's requirements."""
    for name in ("--index-url", "--no-index"):
        users = [f for f in fragments if any(o.name == name for o in f.options)]
        others = [f for f in fragments if f.requirements and all(o.name != name for o in f.options)]
        affected = sorted({f.origin.source for f in others} - {f.origin.source for f in users})
        if users and affected:
            ctx.warn(
                "pip-index-replaced",
                f"{name} applies to the whole merged install, so the packages of "
                f"{', '.join(affected)} will be looked for there too, not on PyPI; use "
                "--extra-index-url (or --find-links) if that index only adds packages",
                *[o.origin for f in users for o in f.options if o.name == name],
            )


def _drop_partial_hashes(fragments: Sequence[PipFragment], ctx: MergeContext) -> list[PipFragment]:
    """``--hash`` on some requirements but not all would put pip in hash-checking mode for all."""
    import dataclasses

    reqs = [r for f in fragments for r in f.requirements if not r.constraint]
    hashed = [r for r in reqs if any(o.startswith("--hash") for o in r.line_options)]
    if not hashed or len(hashed) == len(reqs):
        return list(fragments)
    ctx.warn(
        "pip-hashes-dropped",
        "dropped --hash options: with one hash pip checks hashes for every requirement, "
        "and the other requirements of the merge have none",
        *[r.origin for r in hashed],
    )

    def strip(r: PipRequirement) -> PipRequirement:
        return dataclasses.replace(
            r, line_options=tuple(o for o in r.line_options if not o.startswith("--hash"))
        )

    return [
        dataclasses.replace(f, requirements=tuple(strip(r) for r in f.requirements))
        for f in fragments
    ]


def _merge_options(
    options: Sequence[PipOption], ctx: MergeContext, kind: str, file: str
) -> list[tuple[str, list[Origin]]]:
    out: dict[str, list[Origin]] = {}
    singles: dict[str, list[PipOption]] = {}
    single_origins: dict[str, list[Origin]] = {}
    for opt in options:
        if OPTIONS[opt.name][1] == "single":
            seen = singles.setdefault(opt.name, [])
            single_origins.setdefault(opt.name, []).append(opt.origin)
            if all(s.value != opt.value for s in seen):
                seen.append(opt)
            continue
        line = opt.name if opt.value is None else f"{opt.name} {opt.value}"
        out.setdefault(line, []).append(opt.origin)
    result: list[tuple[str, list[Origin]]] = []
    for name, seen in singles.items():
        keep = 0
        if len(seen) > 1:
            keep = ctx.conflict(kind, file, name, [s.origin for s in seen], "different values")
        result.append((f"{name} {seen[keep].value}", single_origins[name]))
    result.extend(out.items())
    return result


def _merge_group(
    reqs: Sequence[PipRequirement],
    ctx: MergeContext,
    kind: str,
    file: str,
    *,
    constraint: bool = False,
) -> list[MergedRequirement]:
    from bindermerge.specs import pep440 as specifiers

    groups: dict[tuple[str, str | None], list[PipRequirement]] = {}
    for r in reqs:
        groups.setdefault((r.key, r.marker), []).append(r)
    merged = [_merge_one(group, ctx, kind, file, constraint) for group in groups.values()]
    # A line with a marker and a line without one both apply wherever the marker holds.
    for (key, marker), group in groups.items():
        plain = groups.get((key, None))
        if marker is None or not plain:
            continue
        named = [r for r in (*plain, *group) if r.requirement is not None and not r.url]
        joint = specifiers.merge_specifier_sets([r.requirement.specifier for r in named])  # type: ignore[union-attr]
        if joint and specifiers.witness(joint) is None:
            ctx.conflict(
                kind,
                file,
                key,
                [r.origin for r in named if r.requirement.specifier],  # type: ignore[union-attr]
                f"no version satisfies all of them where {marker}",
            )
    return merged


def _merge_one(
    group: list[PipRequirement], ctx: MergeContext, kind: str, file: str, constraint: bool
) -> MergedRequirement:
    from bindermerge.specs import pep440 as specifiers

    origins = [r.origin for r in group]
    first = group[0]
    if first.requirement is None:  # unnamed URL: identical by key
        prefix = "-e " if any(r.editable for r in group) else ""
        return MergedRequirement(prefix + first.key + _opts(group), origins, constraint, first.key)

    extras = sorted({e for r in group for e in r.requirement.extras})  # type: ignore[union-attr]
    marker = first.marker
    urls: list[PipRequirement] = []
    for r in group:
        if r.url and all(u.url != r.url for u in urls):
            urls.append(r)
    name = first.display_name
    if urls:
        keep = 0
        if len(urls) > 1:
            keep = ctx.conflict(
                kind, file, first.key, [u.origin for u in urls], "different direct references"
            )
        chosen = urls[keep]
        specified = [r for r in group if r.requirement and r.requirement.specifier]
        for r in specified:
            ctx.warn(
                "pip-url-and-version",
                f"{r.origin.text!r} cannot be checked against the direct reference "
                f"{chosen.origin.text!r} from {chosen.origin.source}; the URL is kept",
                r.origin,
                chosen.origin,
            )
        editable = any(r.editable and r.url == chosen.url for r in group)
        if editable or chosen.requirement is None or _EGG.search(chosen.url or ""):
            text = ("-e " if editable else "") + (chosen.url or "")
            if marker and not editable:
                text += f" ; {marker}"
        else:
            text = f"{name}{_extras(extras)} @ {chosen.url}" + (f" ; {marker}" if marker else "")
        return MergedRequirement(text + _opts(group), origins, constraint, first.key)

    sets = [r.requirement.specifier for r in group]  # type: ignore[union-attr]
    spec = specifiers.merge_specifier_sets(sets)
    if spec and specifiers.witness(spec) is None:
        asking = [r for r in group if r.requirement.specifier]  # type: ignore[union-attr]
        keep = ctx.conflict(
            kind, file, first.key, [r.origin for r in asking], "no version satisfies all of them"
        )
        # The winning source's bounds first, then every other bound that still leaves a version.
        kept: list[SpecifierSet] = []
        for r in asking if keep == 0 else asking[::-1]:
            trial = specifiers.merge_specifier_sets([*kept, r.requirement.specifier])  # type: ignore[union-attr]
            if specifiers.witness(trial) is not None:
                kept.append(r.requirement.specifier)  # type: ignore[union-attr]
        spec = specifiers.merge_specifier_sets(kept)
    text = f"{name}{_extras(extras)}{specifiers.render(spec)}" + (f" ; {marker}" if marker else "")
    return MergedRequirement(text + _opts(group), origins, constraint, first.key)


def _extras(extras: Sequence[str]) -> str:
    return f"[{','.join(extras)}]" if extras else ""


def _opts(group: Sequence[PipRequirement]) -> str:
    seen: list[str] = []
    for r in group:
        for o in r.line_options:
            if o not in seen:
                seen.append(o)
    return "".join(f" {shlex.quote(o)}" for o in seen)


def _check_constraints(
    reqs: Sequence[PipRequirement],
    cons: Sequence[PipRequirement],
    ctx: MergeContext,
    kind: str,
    file: str,
) -> None:
    """A constraint from one source that excludes every version another source requires."""
    from bindermerge.specs import pep440 as specifiers

    for c in cons:
        if c.requirement is None or not c.requirement.specifier:
            continue
        for r in reqs:
            if r.key != c.key or r.requirement is None or r.url:
                continue
            joint = specifiers.merge_specifier_sets(
                [r.requirement.specifier, c.requirement.specifier]
            )
            if joint and specifiers.witness(joint) is None:
                ctx.conflict(
                    kind,
                    file,
                    c.key,
                    [r.origin, c.origin],
                    "the constraint excludes every version the requirement allows",
                )


def render_lines(merged: MergedPip, *, with_sources: bool = True) -> list[str]:
    """Requirement-file lines for a merged set (constraints are rendered separately)."""

    lines: list[str] = []

    def add(text: str, origins: Sequence[Origin]) -> None:
        if not with_sources:
            lines.append(text)
            return
        comment = merged.comment_of(origins)
        lines.extend(f"# {c}" if c else "#" for c in comment.leading)
        names = ", ".join(dict.fromkeys(o.source for o in origins))
        note = f"; {_one_line(comment.trailing)}" if comment.trailing else ""
        lines.append(f"{text}  # from {names}{note}")

    for text, origins in merged.options:
        add(text, origins)
    for r in merged.requirements:
        add(r.text, r.origins)
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())
