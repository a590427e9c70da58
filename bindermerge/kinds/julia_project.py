"""Project.toml / JuliaProject.toml (Julia): ``[deps]`` and ``[compat]`` merged, manifests kept
when they still describe the output.

repo2docker picks its Julia buildpack when the configuration directory holds
``JuliaProject.toml`` or ``Project.toml`` (the former wins, for repo2docker and for Julia),
reads ``[compat] julia`` to choose the Julia version and runs ``Pkg.instantiate()`` in that
directory.

* One source with a Julia project: its project file is written as it is (header added), with
  its manifest, which still pins exactly that project.
* Several: ``[deps]`` is the union by name (one name with two UUIDs is a conflict);
  ``[compat]`` entries for the same name are intersected (no common version is a conflict);
  other tables are unions, a key with two different values a conflict; package identity
  (``name``, ``uuid``, ``version``, ``authors``) is dropped, since the merged project is an
  environment, not any one package. Manifests no longer match and are not used: Pkg resolves
  the merged project afresh; they travel to their source's folder for reference.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, cast

from bindermerge.context import MergeContext
from bindermerge.errors import InputError, ParseError
from bindermerge.kinds import Kind
from bindermerge.model import Origin, OutputFile
from bindermerge.render import toml
from bindermerge.render.layout import source_folders
from bindermerge.render.text import normalise_text
from bindermerge.scripts.lint import OUTPUT_DIR_NAME
from bindermerge.sources.base import SourceFile
from bindermerge.specs import julia as julia_compat

if TYPE_CHECKING:
    from bindermerge.render.toml import TomlValue

NAME = "julia_project"
FILE = "Project.toml"
PROJECT_NAMES = ("JuliaProject.toml", "Project.toml")  # repo2docker's (and Julia's) preference
IDENTITY_KEYS = ("name", "uuid", "version", "authors")

Role = Literal["project", "manifest"]


@dataclass(frozen=True)
class JuliaFile:
    """A Julia project or manifest file of one source, as text and (projects) as a table."""

    origin: Origin
    role: Role
    text: str
    table: dict[str, TomlValue] = field(default_factory=dict, compare=False, hash=False)
    lines: dict[tuple[str, str], int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def julia_prefixed(self) -> bool:
        """JuliaProject.toml pairs with JuliaManifest.toml, Project.toml with Manifest.toml."""
        return self.origin.file.startswith("Julia")

    def at(self, table: str, key: str, value: TomlValue) -> Origin:
        """The origin of ``key`` in ``[table]`` with the text the source wrote there."""
        return self.origin.at(self.lines.get((table, key)), toml.entry_text(key, value))


@dataclass(frozen=True)
class MergedJulia:
    """What to write: ``project`` (None when no source has one), ``files`` (path, bytes)."""

    project: str | None
    files: tuple[tuple[str, bytes], ...]


def parse(file: SourceFile, view: object) -> JuliaFile:
    """Read a project file as TOML (ParseError naming file and line when it is not); manifests
    are kept as text."""
    text = file.text()
    if file.name not in PROJECT_NAMES:
        return JuliaFile(file.origin, "manifest", text)
    table = _load_toml(text, file.origin)
    for section in ("deps", "compat"):
        if section in table and not isinstance(table[section], dict):
            raise InputError(f"[{section}] must be a table", file.origin)
        section_table = table.get(section, {})
        for key, value in section_table.items() if isinstance(section_table, dict) else ():
            if not isinstance(value, str):
                raise InputError(f"[{section}] {key} must be a string", file.origin)
    return JuliaFile(file.origin, "project", text, table, _line_index(text))


def _load_toml(text: str, origin: Origin) -> dict[str, TomlValue]:
    """The TOML document as plain values; ParseError naming the line when it is not TOML."""
    from bindermerge.toml_reading import error_position, loads

    try:
        table = loads(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError
        line, reason = error_position(str(exc), text)
        raise ParseError(f"not valid TOML: {reason}", origin.at(line)) from None
    return cast("dict[str, TomlValue]", table)


def _line_index(text: str) -> dict[tuple[str, str], int]:
    """(table, key) -> line number, for messages; '' is the top-level table."""
    index: dict[tuple[str, str], int] = {}
    table = ""
    for number, line in enumerate(text.split("\n"), start=1):
        header = re.match(r"^\s*\[\s*([^\[\]]+?)\s*\]", line)
        if header:
            table = header[1].strip('"')
            continue
        key = re.match(r'^\s*(?:"([^"]+)"|([A-Za-z0-9_-]+))\s*=', line)
        if key:
            index.setdefault((table, key[1] or key[2]), number)
    return index


def merge(fragments: Sequence[JuliaFile], ctx: MergeContext) -> MergedJulia:
    """Pick each source's project and manifest, then keep one project or merge several."""
    folders = source_folders(ctx.source_names)
    carried: list[tuple[str, bytes]] = []
    chosen: list[tuple[JuliaFile, list[JuliaFile]]] = []  # project, its manifests
    for source in ctx.source_names:
        mine = [f for f in fragments if f.origin.source == source]
        projects = sorted(
            (f for f in mine if f.role == "project"),
            key=lambda f: PROJECT_NAMES.index(f.origin.file),
        )
        project = projects[0] if projects else None
        for other in projects[1:]:
            ctx.warn(
                "julia-project-shadowed",
                f"{project.origin.file if project else ''} is read instead of it (by "
                "repo2docker and Julia); kept unused at "
                f"{OUTPUT_DIR_NAME}/{folders[source]}/{other.origin.file}",
                other.origin,
            )
        manifests = []
        for f in mine:
            if f.role != "manifest":
                continue
            if project is not None and f.julia_prefixed == project.julia_prefixed:
                manifests.append(f)
            else:
                carried.append((f"{folders[source]}/{f.origin.file}", _bytes(f.text)))
        carried.extend((f"{folders[source]}/{p.origin.file}", _bytes(p.text)) for p in projects[1:])
        if project is not None:
            chosen.append((project, manifests))

    if not chosen:
        return MergedJulia(None, tuple(carried))
    if len(chosen) == 1:
        project, manifests = chosen[0]
        files = [(_manifest_name(m.origin.file), _bytes(m.text)) for m in manifests]
        return MergedJulia(normalise_text(project.text), tuple(files + carried))

    for _, manifests in chosen:
        for m in manifests:
            path = f"{folders[m.origin.source]}/{m.origin.file}"
            carried.append((path, _bytes(m.text)))
            ctx.warn(
                "julia-manifest-unused",
                "this manifest pins only its own source's project; Pkg resolves the merged "
                f"Project.toml afresh (kept unused at {OUTPUT_DIR_NAME}/{path})",
                m.origin,
            )
    projects = [p for p, _ in chosen]
    return MergedJulia(_merge_projects(projects, ctx), tuple(carried))


def _manifest_name(name: str) -> str:
    return name.removeprefix("Julia")


def _bytes(text: str) -> bytes:
    return normalise_text(text).encode("utf-8")


def _merge_projects(projects: Sequence[JuliaFile], ctx: MergeContext) -> str:
    identity = [p for p in projects if any(k in p.table for k in IDENTITY_KEYS)]
    if identity:
        ctx.warn(
            "julia-project-identity-dropped",
            "name/uuid/version/authors dropped: the merged Project.toml is an environment "
            "of several sources, not one package",
            *(p.origin for p in identity),
        )
    merged: dict[str, TomlValue] = {}
    deps = _merge_table("deps", projects, ctx, "different UUIDs for the same package name")
    if deps:
        merged["deps"] = deps
    compat: dict[str, TomlValue] = dict(_merge_compat(projects, ctx))
    if compat:
        merged["compat"] = compat
    for p in projects:
        for key, value in p.table.items():
            if key in ("deps", "compat") or key in merged:
                continue
            if isinstance(value, dict):
                merged[key] = _merge_table(key, projects, ctx, "different values")
            elif key not in IDENTITY_KEYS:
                merged[key] = _merge_scalar(key, projects, ctx)
    return toml.dumps(merged)


def _merge_table(
    table: str, projects: Sequence[JuliaFile], ctx: MergeContext, reason: str
) -> dict[str, TomlValue]:
    out: dict[str, TomlValue] = {}
    asks: dict[str, list[tuple[TomlValue, Origin]]] = {}
    for p in projects:
        section = p.table.get(table)
        if not isinstance(section, dict):
            continue
        for key, value in section.items():
            asks.setdefault(key, []).append((value, p.at(table, key, value)))
    for key, requests in asks.items():
        distinct: list[tuple[TomlValue, Origin]] = []
        for value, origin in requests:
            if all(value != v for v, _ in distinct):
                distinct.append((value, origin))
        if len(distinct) > 1:
            keep = ctx.conflict(NAME, FILE, f"{table}.{key}", [o for _, o in distinct], reason)
            out[key] = distinct[keep][0]
        else:
            out[key] = distinct[0][0]
    return dict(sorted(out.items()))


def _merge_scalar(key: str, projects: Sequence[JuliaFile], ctx: MergeContext) -> TomlValue:
    distinct: list[tuple[TomlValue, Origin]] = []
    for p in projects:
        if key in p.table and all(p.table[key] != v for v, _ in distinct):
            distinct.append((p.table[key], p.at("", key, p.table[key])))
    if len(distinct) > 1:
        keep = ctx.conflict(NAME, FILE, key, [o for _, o in distinct], "different values")
        return distinct[keep][0]
    return distinct[0][0]


def _strings(table: dict[str, TomlValue], section: str) -> dict[str, str]:
    """``[deps]`` or ``[compat]``, which :func:`parse` checked holds only strings."""
    value = table.get(section, {})
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(v, str)}


def _merge_compat(projects: Sequence[JuliaFile], ctx: MergeContext) -> dict[str, str]:
    """Intersect each package's bounds; keep a source's own text when it already says it."""
    asks: dict[str, list[tuple[str, Origin]]] = {}
    for p in projects:
        for key, text in _strings(p.table, "compat").items():
            asks.setdefault(key, []).append((text, p.at("compat", key, text)))
    out: dict[str, str] = {}
    for key, requests in asks.items():
        texts = list(dict.fromkeys(t.strip() for t, _ in requests))
        if len(texts) == 1:
            out[key] = requests[0][0]
            continue
        sides = [o for _, o in requests]
        try:
            sets = [julia_compat.parse(t) for t, _ in requests]
        except julia_compat.CompatError as exc:
            keep = ctx.conflict(NAME, FILE, f"compat.{key}", sides, f"cannot combine: {exc}")
            out[key] = requests[keep][0]
            continue
        combined = sets[0]
        for s in sets[1:]:
            combined = julia_compat.intersect(combined, s)
        if not combined:
            keep = ctx.conflict(
                NAME, FILE, f"compat.{key}", sides, "no version satisfies every source's bounds"
            )
            out[key] = requests[keep][0]
            continue
        same = [t for (t, _), s in zip(requests, sets, strict=True) if s == combined]
        if same:
            out[key] = same[0]
            continue
        text = julia_compat.render(combined)
        if key == "julia" and not julia_compat.repo2docker_readable(text):
            keep = ctx.conflict(
                NAME,
                FILE,
                "compat.julia",
                sides,
                f"the common bounds ({text}) are not one specifier repo2docker can read "
                "to choose the Julia version",
            )
            out[key] = requests[keep][0]
            continue
        out[key] = text
        ctx.warn(
            "julia-compat-combined",
            f"[compat] {key} = {text!r}: the versions every source allows",
            *sides,
        )
    # Pkg writes julia's bound among the others, sorted; keep the file as Pkg would.
    return dict(sorted(out.items()))


def render(merged: MergedJulia, ctx: MergeContext) -> list[OutputFile]:
    """Project.toml (header first), the manifest that still matches it, carried files."""
    files = [OutputFile(path, data) for path, data in merged.files]
    if merged.project is not None:
        files.append(ctx.text_file(FILE, merged.project))
    return files


KIND = Kind(NAME, parse, merge, render)
