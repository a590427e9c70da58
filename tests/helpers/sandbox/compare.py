"""Compare sandboxed runs: does the merged build do, for each source, what it did alone?

Two runs never share a path (each has its own sandbox), and a source's files sit in another
place once merged (``binder/`` alone, ``binder/<folder>/`` merged), so every path a run saw is
first turned into a *logical* path:

* ``<CFG>/x`` -- inside the source's configuration directory (``binder/``, ``.binder/`` alone;
  its own ``binder/<folder>/`` merged). For a source that had no binder directory alone, the
  root and its configuration directory were the same place, so ``<CFG>`` is read as ``<ROOT>``;
* ``<ROOT>/x`` -- anywhere else in the repository (which is also HOME);
* ``<SRV>/x``, ``<STUBS>/x``, ``<TMP>/x`` -- conda's prefix, the stubs, TMPDIR.

A relative argument of a command is resolved against that command's working directory first,
so ``binder/seed.sql`` from the root (alone: ``<CFG>/seed.sql``) and the same words in a merged
run (``<ROOT>/binder/seed.sql``, which no longer exists) differ, while
``$(dirname "$0")/seed.sql`` gives ``<CFG>/seed.sql`` both times.

:func:`differences` lists, in words, every way the merged run failed to do what one of the
sources did alone; an empty list is the equivalence the issue asks for.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from helpers.sandbox.record import Command, Layout, Record

# Variables that shells and the harness set themselves: not something a start exported.
_NOT_EXPORTS = frozenset({"PWD", "OLDPWD", "SHLVL", "_", "R2D_ENTRYPOINT", "PYTHONUNBUFFERED"})
# Messages that mean a script did not find something it looked for.
PROBLEM = re.compile(
    r"No such file|can't open|cannot open|[Cc]an't cd|command not found|: not found"
    r"|Exec format error|cannot access|does not exist|not a database cluster|not found\."
    r"|[Pp]ermission denied|Traceback"
)
# Infrastructure a merge may add (``pip`` so that a ``pip:`` block installs; ``python`` pins
# are compared by version instead).
_INFRASTRUCTURE = frozenset({("conda", "python"), ("conda", "pip")})


class Paths:
    """Logical names for the paths of one run, from the point of view of one source."""

    def __init__(self, layout: Layout, source: str | None) -> None:
        self.layout = layout
        self.root = str(layout.root)
        self.cfg = layout.config.get(source, None) if source is not None else None
        self.rootlike = source in layout.root_layout
        self.aliases = layout.aliases.get(source, {}) if source is not None else {}
        # A source whose files were copied into binder/ itself (where its scripts look) sees
        # the merged binder/ as its configuration directory: 'cd binder' goes there.
        self.cfg_dirs = {posixpath.dirname(p) for p in self.aliases}
        self.areas = (
            (str(layout.stubs), "<STUBS>"),
            (str(layout.srv), "<SRV>"),
            (str(layout.base / "tmp"), "<TMP>"),
        )
        self._embedded = re.compile(re.escape(str(layout.base)) + r"[^\s:;'\"=,()\[\]?&|<>]*")

    def logical(self, path: str) -> str:
        """The logical name of an absolute path (other paths are returned unchanged)."""
        if not os.path.isabs(path):
            return path
        p = os.path.normpath(path)
        for area, tag in self.areas:
            if p == area or p.startswith(area + os.sep):
                return tag + p[len(area) :]
        if p == self.root or p.startswith(self.root + os.sep):
            rel = os.path.relpath(p, self.root)
            rel = "" if rel == "." else rel
            cfg = self.cfg
            if rel in self.aliases:
                name = "<CFG>/" + self.aliases[rel]
            elif rel in self.cfg_dirs:
                name = "<CFG>"
            elif cfg and (rel == cfg or rel.startswith(cfg + os.sep)):
                name = "<CFG>" + rel[len(cfg) :]
            else:
                name = "<ROOT>" + (os.sep + rel if rel else "")
            if self.rootlike and name.startswith("<CFG>"):
                name = "<ROOT>" + name[len("<CFG>") :]
            return name
        return p

    def text(self, s: str) -> str:
        """``s`` with every sandbox path inside it replaced by its logical name."""
        return self._embedded.sub(lambda m: self.logical(m.group(0)), s)

    def folder_word(self, tok: str, cwd: str) -> bool:
        """True for a bare word that, in the merged binder/, names the folder bindermerge made
        for this source (``voila`` for the source voila): alone, it named nothing."""
        if not (self.layout.merged and self.cfg and self.cfg_dirs and cwd) or "/" in tok:
            return False
        return os.path.normpath(os.path.join(cwd, tok)) == os.path.join(self.root, self.cfg)

    def exists(self, tok: str, cwd: str, exists: bool | None) -> bool | None:
        """Whether an argument named an existing path, as the source saw it."""
        return False if exists and self.folder_word(tok, cwd) else exists

    def token(self, tok: str, cwd: str, exists: bool | None) -> str:
        """One argument of a command, its path (if it is one) resolved against ``cwd``."""
        if tok.startswith("-") and "=" in tok:
            key, _, value = tok.partition("=")
            return key + "=" + self.token(value, cwd, exists)
        if "://" in tok or not tok:
            return self.text(tok)
        if os.path.isabs(tok):
            return self.logical(tok)
        if cwd and ("/" in tok or exists):
            if self.folder_word(tok, cwd):
                return self.text(tok)
            return self.logical(os.path.join(cwd, tok))
        return self.text(tok)


@dataclass(frozen=True)
class View:
    """One source's behaviour in one run, in logical terms."""

    commands: tuple[tuple[object, ...], ...]
    exported: dict[str, str]
    probe_argv: tuple[str, ...] | None
    probe_cwd: str | None
    created: dict[str, str]
    read: frozenset[str] | None
    build_ok: bool
    handed_over: bool


def attributed(record: Record, source: str) -> list[Command]:
    """The commands that ``source``'s scripts ran (all scripts of a run alone)."""
    cmds = [c for c in record.commands if c.phase != "build"]
    if not record.layout.merged:
        return cmds
    cfg = record.layout.config.get(source)
    if cfg is None:
        return []
    prefix = os.path.join(str(record.layout.root), cfg) + os.sep
    return [c for c in cmds if c.script is not None and c.script.startswith(prefix)]


def unattributed(record: Record) -> list[Command]:
    """Commands of a merged run that no source's script ran (none for a run alone)."""
    if not record.layout.merged:
        return []
    prefixes = [
        os.path.join(str(record.layout.root), c) + os.sep for c in record.layout.config.values()
    ]
    return [
        c
        for c in record.commands
        if c.phase != "build" and not (c.script and any(c.script.startswith(p) for p in prefixes))
    ]


def view(record: Record, source: str) -> View:
    """What ``source`` did in ``record``, in logical terms."""
    paths = Paths(record.layout, source)
    commands = []
    for c in attributed(record, source):
        argv = tuple(paths.token(a, c.cwd, e) for a, e in zip(c.argv, c.exists, strict=False))
        reads = tuple(
            sorted((paths.token(k, c.cwd, True), v is not None) for k, v in c.reads.items())
        )
        exists = tuple(paths.exists(a, c.cwd, e) for a, e in zip(c.argv, c.exists, strict=False))
        commands.append((c.phase, c.name, argv, paths.logical(c.cwd), exists, reads, c.status))
    probe = record.probe
    exported: dict[str, str] = {}
    if probe is not None:
        for k, v in probe.env.items():
            if k not in _NOT_EXPORTS and record.base_env.get(k) != v:
                exported[k] = paths.text(v)
    used = {
        paths.logical(os.path.join(str(record.layout.root), f)) for f in record.files_used or ()
    }
    created = {}
    for p, data in record.created.items():
        if "__pycache__" in p:
            continue
        try:
            content = paths.text(data.decode("utf-8"))
        except UnicodeDecodeError:
            content = repr(data)
        created[paths.logical(p)] = content
    read = None
    if record.read is not None:
        read = frozenset(paths.logical(p) for p in record.read) - used
    return View(
        commands=tuple(commands),
        exported=exported,
        probe_argv=probe.argv if probe else None,
        probe_cwd=paths.logical(probe.cwd) if probe else None,
        created=created,
        read=read,
        build_ok=not record.build_failed and record.r2d_error is None,
        handed_over=probe is not None,
    )


def installed(record: Record) -> set[tuple[str, str]]:
    """(installer, package) pairs that repo2docker's build steps asked for."""
    out: set[tuple[str, str]] = set()
    for c in record.commands:
        if c.phase != "build":
            continue
        if c.name == "apt-get" and "install" in c.argv:
            words = c.argv[c.argv.index("install") + 1 :]
            out |= {("apt", w.split("=")[0]) for w in words if not w.startswith("-")}
        elif c.name in ("mamba", "conda", "micromamba"):
            for text in c.reads.values():
                if text is not None:
                    out |= _environment_packages(text)
        elif c.name in ("pip", "pip3"):
            for text in c.reads.values():
                if text is not None:
                    out |= {("pip", n) for n in _pip_names(text.splitlines())}
        elif c.name in ("Rscript", "R"):
            for text in c.reads.values():
                if text is not None:
                    out |= {("R", ln.strip()) for ln in text.splitlines() if _code_line(ln)}
        elif c.name == "julia":
            out |= {("julia", n) for n in _julia_deps(record)}
    return out


def _code_line(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.startswith("#")


def _environment_packages(text: str) -> set[tuple[str, str]]:
    from ruamel.yaml import YAML

    doc = YAML(typ="safe", pure=True).load(text) or {}
    out: set[tuple[str, str]] = set()
    for dep in doc.get("dependencies") or ():
        if isinstance(dep, str):
            spec = dep.split("::")[-1].strip()
            m = re.match(r"[A-Za-z0-9_.\-]+", spec)
            if m:
                out.add(("conda", m.group(0).lower()))
        elif isinstance(dep, dict):
            out |= {("pip", n) for n in _pip_names(str(x) for x in dep.get("pip") or ())}
    return out


def _pip_names(lines: Iterable[str]) -> set[str]:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    out: set[str] = set()
    for raw in lines:
        line = re.sub(r"(^|\s)#.*", "", raw).strip()
        if not line or line.startswith(("-r", "-c", "--requirement", "--constraint", "--index")):
            continue
        if line.startswith(("-e", "--editable", "--extra-index", "-f", "--find-links", "--")):
            m = re.search(r"#egg=([A-Za-z0-9_.\-]+)", line)
            if m:
                out.add(canonicalize_name(m.group(1)))
            continue
        try:
            out.add(canonicalize_name(Requirement(line).name))
        except InvalidRequirement:
            out.add(line)
    return out


def _julia_deps(record: Record) -> set[str]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    out: set[str] = set()
    for f in record.files_used or ():
        if os.path.basename(f) in ("Project.toml", "JuliaProject.toml"):
            data = tomllib.loads((record.layout.root / f).read_text())
            out |= set(data.get("deps", {}))
    return out


def problems(record: Record) -> Counter[str]:
    """Lines on stderr that say something was not found, as a multiset of neutral messages."""
    paths = Paths(record.layout, None)
    out: Counter[str] = Counter()
    for line in record.stderr().splitlines():
        if not PROBLEM.search(line):
            continue
        # "./binder/postBuild: 3: cannot open x" and "/…/binder/db/postBuild: line 3: …"
        line = re.sub(r"^\S*?(postBuild|start)(: line \d+| ?: ?\d+)?: ", "", line)
        line = paths.text(line)
        line = re.sub(r"<(ROOT|CFG)>(/binder/[^/\s]+)?", "<REPO>", line)
        out[line] += 1
    return out


def _path_parts(value: str) -> list[str]:
    return [p for p in value.split(":") if p]


def differences(
    alone: Mapping[str, Record], merged: Record, order: Sequence[str] | None = None
) -> list[str]:
    """Every way ``merged`` fails to do what each source of ``alone`` did by itself.

    ``alone`` maps each source name (as the merge names it) to the record of its run alone.
    """
    out: list[str] = []
    names = list(order or alone)
    merged_views = {n: view(merged, n) for n in names}
    for name in names:
        a, m = view(alone[name], name), merged_views[name]
        out += [f"{name}: {d}" for d in _source_differences(a, m)]

    for c in unattributed(merged):
        out.append(f"merged: {c.name} {' '.join(c.argv)} ran from no source's script ({c.script})")

    # What the build installs: each source's packages, and nothing that no source installed.
    union: set[tuple[str, str]] = set()
    got = installed(merged)
    for name in names:
        mine = installed(alone[name]) - _INFRASTRUCTURE
        union |= mine
        lost = sorted(mine - got)
        if lost:
            out.append(f"{name}: not installed after merging: {_pairs(lost)}")
    extra = sorted(got - union - _INFRASTRUCTURE)
    if extra:
        out.append(f"merged: installs what no source installed alone: {_pairs(extra)}")

    # The Python every source stated.
    stated = {alone[n].python_version for n in names if alone[n].python_explicit}
    if len(stated) == 1 and merged.python_version not in stated:
        out.append(f"merged: Python {merged.python_version}, the sources asked for {stated.pop()}")

    # Nothing is missing that was found alone.
    seen: Counter[str] = Counter()
    for n in names:
        seen |= problems(alone[n])
    new = problems(merged) - seen
    for line in sorted(new):
        out.append(f"merged: new error: {line}")
    return out


def _pairs(items: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"{kind} {name}" for kind, name in items)


def _source_differences(a: View, m: View) -> list[str]:
    out = []
    if a.build_ok and not m.build_ok:
        out.append("the build fails after merging")
    if a.handed_over and not m.handed_over:
        out.append("the container command is never started after merging")
    if a.commands != m.commands:
        out.append(_command_diff(a.commands, m.commands))
    for k, v in a.exported.items():
        got = m.exported.get(k)
        if got is None:
            out.append(f"exported {k}={v!r} does not reach the command")
        elif ":" in v and k.endswith("PATH"):
            missing = [p for p in _path_parts(v) if p not in _path_parts(got)]
            if missing:
                out.append(f"{k} lacks {missing} after merging ({got!r})")
        elif got != v:
            out.append(f"exported {k}={v!r} reaches the command as {got!r}")
    if m.handed_over and a.probe_argv is not None and m.probe_argv != a.probe_argv:
        out.append(
            f"the command's arguments {list(a.probe_argv)} became {list(m.probe_argv or ())}"
        )
    if m.handed_over and a.probe_cwd not in (None, "<ROOT>") and m.probe_cwd != a.probe_cwd:
        out.append(f"the command starts in {m.probe_cwd}, alone in {a.probe_cwd}")
    for p, content in sorted(a.created.items()):
        if p not in m.created:
            out.append(f"{p} is not created after merging")
        elif m.created[p] != content:
            out.append(f"{p} is created with other content after merging")
    if a.read is not None and m.read is not None:
        for p in sorted(a.read - m.read):
            out.append(f"{p} is not read after merging")
    return out


def _command_diff(a: Sequence[tuple[object, ...]], m: Sequence[tuple[object, ...]]) -> str:
    import difflib

    def show(c: tuple[object, ...]) -> str:
        phase, name, argv, cwd, _exists, reads, status = c
        missing = [p for p, ok in reads if not ok]  # type: ignore[attr-defined]
        tail = f" (missing {', '.join(missing)})" if missing else ""
        return f"[{phase} in {cwd}] {name} {' '.join(argv)}{tail} -> {status}"  # type: ignore[arg-type]

    lines = difflib.unified_diff(
        [show(c) for c in a], [show(c) for c in m], "alone", "merged", lineterm="", n=0
    )
    return "commands differ:\n    " + "\n    ".join(lines)


def conflict_differences(conflicts: Iterable[object], alone: Mapping[str, Record]) -> list[str]:
    """Conflicts that rest on a file repo2docker ignored when its source ran alone.

    A conflict is an accepted outcome only when each side is something its source really asked
    for: a ``runtime.txt`` or ``requirements.txt`` that repo2docker ignored next to that source's
    ``environment.yml`` asked for nothing.
    """
    out = []
    for c in conflicts:
        for o in c.sides:  # type: ignore[attr-defined]
            rec = alone.get(o.source)
            if rec is None or rec.files_used is None:
                continue
            cfg = rec.layout.config.get(o.source, "")
            rel = os.path.join(cfg, o.file) if cfg else o.file
            if rel not in rec.files_used:
                out.append(
                    f"conflict on {c.key!r} in {c.file} rests on {o.source}'s {rel}, "  # type: ignore[attr-defined]
                    "which repo2docker ignored when the source ran alone"
                )
    return out
