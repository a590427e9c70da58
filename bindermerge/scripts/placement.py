"""Making every path a source's scripts used alone resolve in the merged build.

Alone, a source's postBuild and start ran from its repository root ``R`` with its configuration
directory ``C`` (``R/binder``, ``R/.binder`` or ``R`` itself) beside them. Merged, they run from
the merged repository root ``M`` and live in ``M/binder/<folder>/`` with the files ``C`` held.
For each reference :func:`bindermerge.scripts.paths.trace` finds, the path the script computes
is worked out in both worlds, and the merged one must hold the same bytes:

* in the source's folder (``"$(dirname "$0")/x"``): it already does;
* elsewhere in the output (``binder/x`` from the root, ``cd binder && cat x``, ``binder/*.sql``,
  ``"$(dirname "$0")/../x"``): a copy of the file is placed there (an *alias*), unless another
  source needs a different file at that path (a conflict naming both), it is bindermerge's own
  file there (the merged ``requirements.txt``: a warning when the source's own file of that name
  is merged into it, else a conflict), or a wildcard would match other sources' files too;
* at the merged repository root (``mv init_db ...``, ``$(cat .mongo_version)``, a bare
  ``seed.sql`` in a source without a binder directory): bindermerge does not own that
  directory, so the file travels inside the output (a root file of a binder-dir source under
  ``binder/.bindermerge-root/<folder>/``) and the generated postBuild copies it to the root
  before that source's postBuild runs; it stops the build, naming the file and the source, when
  the repository has a different file there (a conflict already, when the merge knows where
  the output goes and the repository has it). Two sources needing different files at the same
  root path are a conflict. install.R runs before postBuild, so it cannot be given such a file:
  a conflict. So is ``.binder/x`` when the output is ``binder/`` (bindermerge will not create a
  second binder directory);
* a reference to ``binder/`` as a whole (``cp -r binder ~/b``) cannot mean the same merged:
  a warning.

A source without a binder directory contributes only what repo2docker reads and what its scripts
use; the rest of its repository (notebooks, data, a package) stays behind, listed in one
warning.

:func:`plan` is a pure function of the merge's fragments; each kind that needs it (postbuild for
the copies, auxiliary for the files) computes it, and one kind reports its conflicts and
warnings (:func:`report`).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bindermerge.context import MergeContext
from bindermerge.model import MergeWarning, Origin, OutputFile
from bindermerge.render.layout import RESERVED, ROOT_FILES, source_folders
from bindermerge.repo2docker import constants as r2d
from bindermerge.scripts import paths

# Kinds whose files are carried as they are into the source's folder (kinds/auxiliary.py,
# kinds/root_files.py, kinds/postbuild.py, kinds/start.py), and the kinds that merge a source's
# files into bindermerge's own (a reference to one of those is not to a carried file).
CARRIED = ("postbuild", "start", "root_files", "auxiliary")
MERGED = (
    "apt", "environment", "requirements", "requirements3", "runtime", "install_r",
    "julia_project",
)  # fmt: skip
# What a kind must declare it reads (registry.ENTRIES) to compute the plan.
READS = (*CARRIED, *MERGED)
# The kinds that report the plan's findings: the first of these in a merge that declares READS.
REPORTERS = ("postbuild", "start", "root_files", "auxiliary")
# Files bindermerge writes at the top of the output under these names, from the kind merging them.
_TOP = {
    r2d.APT_TXT: "apt",
    r2d.ENVIRONMENT_YML: "environment",
    r2d.REQUIREMENTS_TXT: "requirements",
    r2d.REQUIREMENTS3_TXT: "requirements3",
    r2d.RUNTIME_TXT: "runtime",
    r2d.INSTALL_R: "install_r",
    r2d.PROJECT_TOML: "julia_project",
    r2d.POSTBUILD: "postbuild",
    r2d.START: "start",
}
_PHASES = {r2d.POSTBUILD: "build", r2d.START: "start", r2d.INSTALL_R: "install"}
_ROOT_PREFIX = "../"  # a repository-root file among a source's files (sources/local.py)
_SHOWN = 8


@dataclass(frozen=True)
class RootCopy:
    """A file the generated postBuild copies from the output (``src``, relative to it) to the
    repository root (``dest``, relative to the root), before the source's postBuild runs."""

    source: str
    src: str
    dest: str
    origin: Origin  # the source's file it is


@dataclass(frozen=True)
class PathConflict:
    """A path the merge cannot give each source: the script it is in (``file``), the path as
    the scripts compute it from the merged repository root (``key``), the references
    (``sides``), and why."""

    kind: str
    file: str
    key: str
    sides: tuple[Origin, ...]
    reason: str


@dataclass(frozen=True)
class Plan:
    """Where each source's files go so that every reference resolves.

    ``files`` are the output files the auxiliary kind writes: each source's carried files in
    its folder, repository-root files under ``.bindermerge-root/<folder>/`` and the aliases
    (copies where a script looks); ``origins`` the source file each of them is; ``copies`` the
    files the generated postBuild places at the repository root, in source order;
    ``left_behind`` what a source without a binder directory does not contribute.
    """

    files: tuple[OutputFile, ...] = ()
    origins: Mapping[str, Origin] = field(default_factory=dict)
    copies: tuple[RootCopy, ...] = ()
    left_behind: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    conflicts: tuple[PathConflict, ...] = ()
    warnings: tuple[MergeWarning, ...] = ()

    def copies_of(self, source: str) -> list[RootCopy]:
        """The root copies of one source."""
        return [c for c in self.copies if c.source == source]


@dataclass
class _File:
    """One file of a source, by its path relative to the source's repository root."""

    path: str
    origin: Origin
    data: bytes | None  # None: merged by another kind into bindermerge's own file
    mode: int
    at: str | None  # where the output holds it as it is (relative to the output), if anywhere
    kind: str
    script: bytes | None = None  # the text to scan, for the scripts repo2docker runs


@dataclass
class _Source:
    name: str
    folder: str
    config: str  # the configuration directory relative to the root: "binder", ".binder", ""
    files: dict[str, _File] = field(default_factory=dict)


@dataclass
class _Need:
    """The bytes of ``file`` must be at ``dest`` (relative to the merged root)."""

    source: str
    file: _File
    dest: str
    phase: str
    sides: list[Origin]
    family: str  # how the script holding the reference is read (paths.family)
    glob: str | None = None  # the wildcard (merged-root relative) that named it


def output_name(ctx: MergeContext) -> str:
    """The merged configuration directory's name: the output's, when it is a binder
    directory's name, else ``binder`` (the name spoken of in messages)."""
    name = os.path.basename(os.path.normpath(ctx.options.output or "binder"))
    return name if name in r2d.BINDER_DIRS else "binder"


def plan(ctx: MergeContext) -> Plan:
    """The placement of every source's files (see the module's docstring).

    Reads the fragments of :data:`READS` (the calling kind must declare them).
    """
    out = output_name(ctx)
    sources = _sources(ctx)
    needs: list[_Need] = []
    warnings: list[MergeWarning] = []
    conflicts: list[PathConflict] = []
    used: dict[str, set[str]] = {s.name: set() for s in sources}
    for src in sources:
        _trace(src, out, needs, warnings, used[src.name], conflicts, alone=len(sources) == 1)
        conflicts += _repository_installs(src)
    files, copies, origins = _place(sources, needs, out, ctx, conflicts, warnings)
    carried_paths = [f.at for s in sources for f in s.files.values() if f.at is not None]
    _check_globs(needs, [*carried_paths, *(f.path for f in files)], out, conflicts, ctx, sources)
    left: dict[str, tuple[str, ...]] = {}
    for src in sources:
        if src.config:
            continue
        stay = sorted(
            f.path
            for f in src.files.values()
            if f.kind == "auxiliary" and f.path not in used[src.name]
        )
        if stay:
            left[src.name] = tuple(stay)
            shown = ", ".join(stay[:_SHOWN]) + (
                f" and {len(stay) - _SHOWN} more" if len(stay) > _SHOWN else ""
            )
            warnings.append(
                MergeWarning(
                    "source-files-left-behind",
                    f"{src.name} has no binder directory: of its repository only what "
                    "repo2docker reads and what its scripts use travels into the merged "
                    f"directory; {len(stay)} file(s) stay behind: {shown}",
                    level="info",
                )
            )
    behind = {(name, p) for name, ps in left.items() for p in ps}
    carried = []
    for s in sources:
        for f in s.files.values():
            if f.kind == "auxiliary" and f.at and f.data is not None:
                if (s.name, f.path) not in behind:
                    carried.append(OutputFile(f.at, f.data, f.mode))
                    origins[f.at] = f.origin
    return Plan(
        files=tuple(sorted([*carried, *files], key=lambda f: f.path)),
        origins=dict(sorted(origins.items())),
        copies=tuple(copies),
        left_behind=left,
        conflicts=tuple(conflicts),
        warnings=tuple(_unique(warnings)),
    )


def report(ctx: MergeContext, kind: str) -> None:
    """Record the plan's conflicts and warnings, when ``kind`` is the one that reports them:
    the first of :data:`REPORTERS` present in the merge that declares it reads :data:`READS`."""
    from bindermerge.registry import BY_NAME

    present = [k for k in REPORTERS if ctx.fragments.get(k) and set(READS) <= set(BY_NAME[k].reads)]
    if not present or present[0] != kind:
        return
    found = plan(ctx)
    for c in found.conflicts:
        ctx.conflict(c.kind, c.file, c.key, c.sides, c.reason)
    for w in found.warnings:
        (ctx.note if w.is_info else ctx.warn)(w.code, w.message, *w.origins)


# --- what each source has -----------------------------------------------------------------------


def _sources(ctx: MergeContext) -> list[_Source]:
    folders = source_folders(ctx.source_names)
    by_name: dict[str, _Source] = {}
    for name in ctx.source_names:
        by_name[name] = _Source(name, folders[name], "")
    configs: dict[str, str] = {}
    frags: list[tuple[str, object]] = [
        (kind, frag) for kind in READS for frag in ctx.fragments_of(kind)
    ]
    for _kind, frag in frags:
        origin = getattr(frag, "origin", None)
        if isinstance(origin, Origin) and origin.source not in configs:
            if not origin.file.startswith(_ROOT_PREFIX):
                configs[origin.source] = _config_name(origin)
    for name, src in by_name.items():
        src.config = configs.get(name, "")
    for kind, frag in frags:
        origin = getattr(frag, "origin", None)
        if not isinstance(origin, Origin) or origin.source not in by_name:
            continue
        src = by_name[origin.source]
        rel = origin.file
        if rel.startswith(_ROOT_PREFIX):
            path = paths.normalise(rel[len(_ROOT_PREFIX) :])
            at: str | None = f"{ROOT_FILES}/{src.folder}/{path}"
        else:
            path = paths.join(src.config, rel)
            at = f"{src.folder}/{rel}" if kind in CARRIED else None
        data = getattr(frag, "data", None)
        script = None
        if kind in ("postbuild", "start"):
            script = data if isinstance(data, bytes) else None
        elif kind == "install_r":
            text = getattr(frag, "text", "")
            script = text.encode("utf-8") if isinstance(text, str) else None
        elif kind == "auxiliary" and isinstance(data, bytes) and paths.looks_like_script(rel, data):
            script = data
        if kind in CARRIED and isinstance(data, bytes):
            executable = getattr(frag, "executable", None)
            mode = 0o755 if executable or kind in ("postbuild", "start") else 0o644
            src.files[path] = _File(path, origin, data, mode, at, kind, script)
        else:
            src.files[path] = _File(path, origin, None, 0o644, None, kind, script)
    return [by_name[n] for n in ctx.source_names]


def _config_name(origin: Origin) -> str:
    """``binder``, ``.binder`` or ``""``: the source's configuration directory, from a file's
    origin (its path ends with the file's path relative to that directory)."""
    if not origin.in_binder_dir:
        return ""
    path = origin.path
    directory = path[: -len(origin.file)] if path.endswith(origin.file) else ""
    name = os.path.basename(os.path.realpath(directory or "."))
    return name if name in r2d.BINDER_DIRS else "binder"


# --- following the references ---------------------------------------------------------------


def _trace(
    src: _Source,
    out: str,
    needs: list[_Need],
    warnings: list[MergeWarning],
    used: set[str],
    conflicts: list[PathConflict],
    *,
    alone: bool,
) -> None:
    """What each reference of the source's scripts needs where (``needs``), and the files it
    uses (``used``). A reference to the binder directory as a whole (``cp -r binder``,
    ``find binder``) sees every source's files merged: a conflict beside other sources, a
    warning for a source merged alone (it then sees only bindermerge's own files besides)."""
    files = src.files
    tops = [
        paths.join(src.config, name)
        for name in paths.SCRIPT_FILES
        if paths.join(src.config, name) in files
    ]

    def listing(path: str, glob: bool) -> list[str]:
        return paths.in_listing(files, path, glob)

    def read(path: str) -> bytes | None:
        f = files.get(path)
        if f is None:
            return None
        return f.script if f.script is not None else f.data

    uses = paths.trace(tops, listing, read)
    folder_dir = f"{out}/{src.folder}"
    # Where each scanned script is in the merged build, and when it runs.
    merged_dir: dict[str, str] = {}
    phase: dict[str, str] = {}
    for top in tops:
        rel = top[len(src.config) + 1 :] if src.config else top
        merged_dir[top] = paths.join(folder_dir, posixpath.dirname(rel))
        phase[top] = _PHASES.get(posixpath.basename(top), "build")
    whole: list[Origin] = []
    for use in uses:
        if use.script not in merged_dir:
            continue  # a helper whose caller's location is unknown
        ref = use.ref
        base = merged_dir[use.script] if ref.anchor == paths.SCRIPT else ""
        merged = paths.join(base, ref.path)
        holder = files[use.script]
        origin = holder.origin.at(ref.line, ref.text)
        family = paths.family(use.script, holder.script or b"")
        used.update(use.files)
        if src.config and use.path == src.config:
            if merged != folder_dir and origin not in whole:
                whole.append(origin)
            continue
        for target in use.files:
            pattern = merged if ref.glob else None
            dest = _moved(target, use.path, merged)
            needs.append(
                _Need(src.name, files[target], dest, phase[use.script], [origin], family, pattern)
            )
            helper = files[target]
            if not ref.glob and target == use.path and helper.script is not None:
                if target not in merged_dir:  # its "$(dirname "$0")" is where it was run
                    merged_dir[target] = posixpath.dirname(dest)
                    phase[target] = phase[use.script]
    if whole and alone:
        warnings.append(
            MergeWarning(
                "script-uses-whole-binder-dir",
                f"refers to {src.config}/ as a whole; merged, {out}/ holds every source's "
                f"files (this source's are in {folder_dir}/)",
                tuple(whole),
            )
        )
    for origin in whole if not alone else ():
        conflicts.append(
            PathConflict(
                _kind_of(origin),
                _script_of(origin),
                src.config,
                (origin,),
                f"this path cannot be made to resolve in the merged build: it names "
                f"{src.config}/ as a whole, and merged {out}/ holds every source's files "
                f"(this source's are in {folder_dir}/), so the script would see, copy or load "
                "the other sources' files too; name the files it needs instead",
            )
        )


def _repository_installs(src: _Source) -> list[PathConflict]:
    """``pip install .`` (or ``-e .``, ``python setup.py install``) from the repository
    root installs the whole repository as a package: a merge carries a source's binder
    directory and the files its scripts name, never its whole repository, so merged the
    command would install the merged repository instead. It cannot be made to resolve."""
    conflicts = []
    for name in paths.SCRIPT_FILES:
        script = paths.join(src.config, name)
        holder = src.files.get(script)
        if holder is None or name == "install.R":
            continue
        data = holder.script if holder.script is not None else holder.data
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        for ref in paths.package_installs(text, paths.family(script, data)):
            where = ref.path if ref.anchor == paths.ROOT else paths.join(src.config, ref.path)
            if where:
                continue  # a folder of the repository: its files travel like any others
            origin = holder.origin.at(ref.line, ref.text)
            conflicts.append(
                PathConflict(
                    _kind_of(origin),
                    _script_of(origin),
                    ".",
                    (origin,),
                    f"this path cannot be made to resolve in the merged build: it installs "
                    f"{src.name}'s whole repository as a Python package, and a merge carries "
                    "only its binder directory and the files its scripts name (merged, it "
                    "would install the merged repository instead); publish the package and "
                    "install it by name, or keep this block on its own",
                )
            )
    return conflicts


def _moved(target: str, alone: str, merged: str) -> str:
    """Where ``target``, one of the files the path ``alone`` names, is reached through the
    same reference merged (the path ``merged``): the part of the target below the reference's
    literal directory keeps its shape."""
    if not any(c in alone for c in "*?["):
        return merged + target[len(alone) :]
    a, m, t = alone.split("/"), merged.split("/"), target.split("/")
    first = next(i for i, seg in enumerate(a) if any(c in seg for c in "*?["))
    # below the first wildcard both paths are the same words (no "..": the shell expands those
    # after the wildcard's directory exists), so the literal parts line up from the end
    keep = len(m) - (len(a) - first)
    return "/".join(m[:keep] + t[first:])


# --- placing ------------------------------------------------------------------------------------


def _place(
    sources: Sequence[_Source],
    needs: list[_Need],
    out: str,
    ctx: MergeContext,
    conflicts: list[PathConflict],
    warnings: list[MergeWarning],
) -> tuple[list[OutputFile], list[RootCopy], dict[str, Origin]]:
    folders = {s.folder for s in sources}
    src_of = {s.name: s for s in sources}
    prefix = out + "/"
    merged: dict[tuple[str, str], _Need] = {}
    for need in needs:  # one need per source and destination, with all its references
        key = (need.source, need.dest)
        if key in merged:
            merged[key].sides.extend(o for o in need.sides if o not in merged[key].sides)
        else:
            merged[key] = _Need(
                need.source,
                need.file,
                need.dest,
                need.phase,
                list(need.sides),
                need.family,
                need.glob,
            )
    aliases: dict[str, list[_Need]] = {}
    roots: dict[str, list[_Need]] = {}
    unresolved: dict[tuple[str, str], tuple[_Need, str]] = {}
    for need in merged.values():
        f = need.file
        if need.dest.startswith(prefix):
            rest = need.dest[len(prefix) :]
            if f.at is not None and rest == f.at:
                continue  # already there
            top = rest.split("/", 1)[0]
            if f.data is None:
                if rest == posixpath.basename(f.path) and _merged_at_top(rest, ctx):
                    if not _shared(rest, need.source, sources):
                        continue  # the merged file holds only this source's requests
                    warnings.append(
                        MergeWarning(
                            "script-reads-merged-file",
                            f"reads {need.dest}, which the merged directory holds as the merge "
                            f"of every source's {rest}, not this source's own",
                            tuple(need.sides),
                        )
                    )
                else:
                    unresolved[(need.source, need.dest)] = (need, _why_config(need, out, ctx))
                continue
            if top in folders or top == ROOT_FILES:
                unresolved[(need.source, need.dest)] = (
                    need,
                    f"{out}/{top}/ is a source's folder of the merged directory",
                )
                continue
            if _reserved(top):
                unresolved[(need.source, need.dest)] = (
                    need,
                    f"{out}/{top} is bindermerge's own file in the merged directory; "
                    + _advice(need, src_of, ctx),
                )
                continue
            aliases.setdefault(rest, []).append(need)
        else:
            top = need.dest.split("/", 1)[0]
            if top in r2d.BINDER_DIRS:
                unresolved[(need.source, need.dest)] = (
                    need,
                    f"the merged configuration directory is {out}/, and bindermerge does not "
                    f"create a second one ({top}/) in the repository; "
                    + _advice(need, src_of, ctx),
                )
            elif need.phase == "install":
                unresolved[(need.source, need.dest)] = (
                    need,
                    "install.R runs before postBuild, before bindermerge can place the "
                    "source's files at the repository root; " + _advice(need, src_of, ctx),
                )
            elif f.data is None or f.at is None:
                unresolved[(need.source, need.dest)] = (need, _why_config(need, out, ctx))
            else:
                roots.setdefault(need.dest, []).append(need)
    for need, reason in unresolved.values():
        conflicts.append(
            PathConflict(
                _kind_of(need.sides[0]),
                _script_of(need.sides[0]),
                need.dest,
                tuple(need.sides),
                f"this path cannot be made to resolve in the merged build: {reason}",
            )
        )
    policy = ctx.options.on_conflict
    files: list[OutputFile] = []
    origins: dict[str, Origin] = {}
    for dest, group in sorted(aliases.items()):
        keep = _choose(group, prefix + dest, policy, conflicts, "binder directory")
        if keep is not None:
            files.append(OutputFile(dest, keep.file.data or b"", keep.file.mode))
            origins[dest] = keep.file.origin
    _check_shapes(files, out, conflicts, aliases)
    copies: list[RootCopy] = []
    chosen: set[tuple[str, str]] = set()
    repo = _repository(ctx)
    for dest, group in sorted(roots.items()):
        keep = _choose(group, dest, policy, conflicts, "repository root")
        if keep is None:
            continue
        theirs = _repository_file(repo, dest)
        if theirs is not None and theirs != keep.file.data:
            # The generated postBuild would stop the build there: say so now.
            conflicts.append(
                PathConflict(
                    _kind_of(keep.sides[0]),
                    _script_of(keep.sides[0]),
                    dest,
                    tuple(n.sides[0] for n in group),
                    f"the merged repository ({repo}) has a {dest} of its own, and these "
                    "scripts need the source's, with other contents, at that path",
                )
            )
        for need in group:  # each source with the same bytes places its own copy
            if need.file.data == keep.file.data:
                chosen.add((need.source, dest))
    for src in sources:
        for need in merged.values():
            if need.source == src.name and (src.name, need.dest) in chosen:
                assert need.file.at is not None
                copies.append(RootCopy(src.name, need.file.at, need.dest, need.file.origin))
                chosen.discard((src.name, need.dest))
    return files, copies, origins


def _choose(
    group: list[_Need], dest: str, policy: str, conflicts: list[PathConflict], where: str
) -> _Need | None:
    """The one need at ``dest``: all agree on the bytes, or a conflict (the side kept under
    ``first``/``last``; None under ``fail``)."""
    distinct = {n.file.data for n in group}
    if len(distinct) == 1:
        return group[0]
    sides = tuple(o for n in group for o in n.sides[:1])
    names = ", ".join(dict.fromkeys(n.source for n in group))
    conflicts.append(
        PathConflict(
            _kind_of(sides[0]),
            _script_of(sides[0]),
            dest,
            sides,
            f"the scripts of {names} each need their own file at {dest} ({where} of the merged "
            "build), with different contents",
        )
    )
    if policy == "fail":
        return None
    return group[0] if policy == "first" else group[-1]


def _check_shapes(
    files: list[OutputFile],
    out: str,
    conflicts: list[PathConflict],
    aliases: Mapping[str, list[_Need]],
) -> None:
    """An alias that is a file where another needs a directory of that name."""
    placed = {f.path for f in files}
    for path in sorted(placed):
        parts = path.split("/")
        for i in range(1, len(parts)):
            parent = "/".join(parts[:i])
            if parent in placed:
                a, b = aliases[parent][0], aliases[path][0]
                conflicts.append(
                    PathConflict(
                        _kind_of(a.sides[0]),
                        _script_of(a.sides[0]),
                        f"{out}/{parent}",
                        (a.sides[0], b.sides[0]),
                        f"{out}/{parent} is needed as a file and as a directory",
                    )
                )


def _check_globs(
    needs: Iterable[_Need],
    present: Iterable[str],
    out: str,
    conflicts: list[PathConflict],
    ctx: MergeContext,
    sources: Sequence[_Source],
) -> None:
    """A wildcard into the output must match there exactly what it matched alone.

    ``present`` are the output's paths (relative to it) the plan knows of; bindermerge's
    merged files at the top of the output count too.
    """
    prefix = out + "/"
    folders = {s.name: s.folder for s in sources}
    by_glob: dict[tuple[str, str], list[_Need]] = {}
    for need in needs:
        if need.glob is not None and need.glob.startswith(prefix):
            by_glob.setdefault((need.source, need.glob), []).append(need)
    everything = {*present, *(name for name in _TOP if _merged_at_top(name, ctx))}
    for (source, pattern), group in sorted(by_glob.items()):
        rel = pattern[len(prefix) :]
        if rel.startswith(folders[source] + "/"):
            continue  # inside the source's own folder: exactly its files
        depth = rel.count("/") + 1
        entries = {"/".join(p.split("/")[:depth]) for p in everything}
        expected = {"/".join(n.dest[len(prefix) :].split("/")[:depth]) for n in group}
        extra = sorted(e for e in entries - expected if paths.glob_match(rel, e))
        if extra:
            conflicts.append(
                PathConflict(
                    _kind_of(group[0].sides[0]),
                    _script_of(group[0].sides[0]),
                    pattern,
                    tuple(group[0].sides[:1]),
                    f"merged, {pattern} also matches {', '.join(prefix + e for e in extra)}, "
                    "which it did not match alone",
                )
            )


def _shared(name: str, source: str, sources: Sequence[_Source]) -> bool:
    """Does another source have a file merged into bindermerge's ``name`` too?"""
    return any(s.name != source and paths.join(s.config, name) in s.files for s in sources)


def _merged_at_top(name: str, ctx: MergeContext) -> bool:
    kind = _TOP.get(name)
    return kind is not None and bool(ctx.fragments.get(kind)) and kind not in ctx.consumed


def _reserved(top: str) -> bool:
    return top in RESERVED or (top.startswith("conda-") and top.endswith(".lock"))


def _repository(ctx: MergeContext) -> str | None:
    """The merged repository's root, when the output's location is known: its parent."""
    if ctx.options.output is None:
        return None
    return os.path.dirname(os.path.abspath(ctx.options.output))


def _repository_file(repo: str | None, dest: str) -> bytes | None:
    """The bytes the merged repository already has at ``dest``, if any (not a file: b"")."""
    if repo is None:
        return None
    full = os.path.join(repo, *dest.split("/"))
    if not os.path.lexists(full):
        return None
    try:
        with open(full, "rb") as fh:
            return fh.read()
    except OSError:
        return b""


def _why_config(need: _Need, out: str, ctx: MergeContext) -> str:
    name = posixpath.basename(need.file.path)
    text = (
        f"the source's {name} is merged into the merged directory's own {out}/{name} "
        f"(or folded into another file), so no file holds this source's {name} as it was"
    )
    if _merged_at_top(name, ctx):
        text += f"; read {out}/{name}, the merged file, instead"
    return text


def _advice(need: _Need, src_of: Mapping[str, _Source], ctx: MergeContext) -> str:
    f = need.file
    if f.at is None:
        name, out = posixpath.basename(f.path), output_name(ctx)
        if _merged_at_top(name, ctx):
            return f"read {out}/{name}, the merged file, instead"
        return _why_config(need, out, ctx)
    src = src_of[need.source]
    beside = f.at[len(src.folder) + 1 :] if f.at.startswith(src.folder + "/") else None
    if beside is None:
        return "move the file into the binder directory and refer to it next to the script"
    if need.family == "python":
        return (
            f"refer to it next to the script: os.path.join(os.path.dirname(__file__), {beside!r})"
        )
    if need.family == "r":
        return "refer to it from postBuild instead, next to the script"
    return f'refer to it next to the script: "$(dirname "$0")/{beside}"'


def _script_of(origin: Origin) -> str:
    """The script a reference is in, by its name in the merged build (``postBuild``,
    ``start``, ``install.R``, or the helper's path in its source's folder)."""
    return posixpath.basename(origin.file) if _kind_of(origin) != "auxiliary" else origin.file


def _kind_of(origin: Origin) -> str:
    name = posixpath.basename(origin.file)
    return {"postBuild": "postbuild", "start": "start", "install.R": "install_r"}.get(
        name, "auxiliary"
    )


def _unique(warnings: list[MergeWarning]) -> list[MergeWarning]:
    return list(dict.fromkeys(warnings))
