"""The merge pipeline: open sources, parse each file with its kind, merge kind by kind, render.

The pipeline names no file kind: which kind reads which file, and in which order kinds run,
is the registry's business (:mod:`bindermerge.registry`). It sees sources only through the
:class:`~bindermerge.sources.base.Source` protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from bindermerge._version import __version__
from bindermerge.context import MergeContext
from bindermerge.digest import input_digest
from bindermerge.kinds import Kind, SourceView
from bindermerge.model import Conflict, MergeWarning, OutputFile
from bindermerge.options import MergeOptions
from bindermerge.output.manifest import mode_text
from bindermerge.registry import FALLBACK, Entry, entry_for, run_order
from bindermerge.sources.base import Source, SourceFile
from bindermerge.sources.open import open_sources

F = TypeVar("F")
M = TypeVar("M")


@dataclass
class MergeResult:
    """What a merge produced: output files, conflicts and warnings, and the input digest.

    ``ok`` is False when a conflict is unresolved (``on_conflict="fail"``); such a result
    must not be written, and :meth:`write` refuses to. ``values`` holds each kind's merged
    value (kind name -> what its ``merge`` returned, with provenance): consumers such as
    locking work from these, never from rendered text.
    """

    files: list[OutputFile]
    conflicts: list[Conflict]
    warnings: list[MergeWarning]
    sources: list[str]
    input_digest: str
    options: MergeOptions = field(default_factory=MergeOptions)
    source_roots: list[str] = field(default_factory=list)  # to refuse an output inside a source
    values: dict[str, object] = field(default_factory=dict)
    source_records: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(not c.resolved for c in self.conflicts)

    @property
    def strict_findings(self) -> int:
        """The warnings (not info notes) and resolved conflicts ``--strict`` fails on."""
        return sum(not w.is_info for w in self.warnings) + len(self.conflicts)

    def file(self, path: str) -> OutputFile | None:
        """The output file at ``path`` (relative to the output directory), or None."""
        return next((f for f in self.files if f.path == path), None)

    def write(self, directory: str | Path, *, force: bool = False) -> None:
        """Write the merged directory atomically (:func:`bindermerge.output.write.write_output`)."""
        from bindermerge.output.write import write_output

        if not self.ok:
            raise ValueError("refusing to write a merge with unresolved conflicts")
        write_output(Path(directory), self, force=force)

    def to_json(self) -> dict[str, object]:
        return {
            "version": __version__,
            "ok": self.ok,
            "sources": list(self.sources),
            "input_digest": self.input_digest,
            "files": [
                {"path": f.path, "mode": mode_text(f.mode), "size": len(f.content)}
                for f in self.files
            ],
            "conflicts": [c.to_json() for c in self.conflicts],
            "warnings": [w.to_json() for w in self.warnings],
        }


class _View:
    """One source's files as seen by ``parse``; remembers files claimed by includes."""

    def __init__(self, name: str, files: Sequence[SourceFile]):
        self._name = name
        self._files = {f.name: f for f in files}
        self.claimed: set[str] = set()

    @property
    def name(self) -> str:
        return self._name

    def get(self, relpath: str) -> SourceFile | None:
        return self._files.get(relpath)

    def claim(self, relpath: str) -> None:
        self.claimed.add(relpath)


class _Slot(Protocol):
    """One kind's work in one merge, whatever its fragment and merged types."""

    @property
    def fragments(self) -> Sequence[object]: ...

    def add(self, file: SourceFile, view: SourceView) -> None: ...

    def run(self, ctx: MergeContext) -> tuple[object, list[OutputFile]] | None: ...


class _KindSlot(Generic[F, M]):
    def __init__(self, kind: Kind[F, M]) -> None:
        self.kind = kind
        self._fragments: list[F] = []

    @property
    def fragments(self) -> Sequence[F]:
        return self._fragments

    def add(self, file: SourceFile, view: SourceView) -> None:
        self._fragments.append(self.kind.parse(file, view))

    def run(self, ctx: MergeContext) -> tuple[object, list[OutputFile]] | None:
        """Merge and render this kind's fragments, less those another kind withheld; None
        when that left none."""
        withheld = ctx.withheld.get(self.kind.name, set())
        fragments = [f for f in self._fragments if id(f) not in withheld]
        if withheld and not fragments:
            return None
        merged = self.kind.merge(fragments, ctx)
        return merged, self.kind.render(merged, ctx)


def load_sources(specs: Sequence[str | Path]) -> list[Source]:
    """Open each source spec (see :func:`bindermerge.sources.open.open_sources`)."""
    return open_sources([str(s) for s in specs])


def merge(
    sources: Iterable[str | Path | Source],
    options: MergeOptions | None = None,
    *,
    on_conflict: str | None = None,
    name: str | None = None,
    fold: bool | None = None,
) -> MergeResult:
    """Merge binder directories into one; the library's entry point.

    ``sources`` are directories (or already opened sources), merged in the order given.
    ``options`` (a :class:`~bindermerge.options.MergeOptions`) holds every option; the
    keywords are shortcuts for the common ones: ``on_conflict`` chooses what an incompatible
    pair of requests does: ``fail`` (the result has unresolved conflicts and must not be
    written), ``first`` or ``last`` (that source wins and the conflict is kept as resolved);
    ``name`` names the merged conda environment; ``fold`` folds requirements.txt and
    runtime.txt into environment.yml.

    Raises a :class:`bindermerge.errors.InputError` subclass for any input that cannot be read
    or parsed; the message names the file and line.
    """
    opts = options or MergeOptions()
    shortcuts = {"on_conflict": on_conflict, "name": name, "fold": fold}
    opts = opts.replace(**{k: v for k, v in shortcuts.items() if v is not None})
    opened = _open(sources)
    records = [s.record() for s in opened]
    ctx = MergeContext(
        options=opts,
        source_names=tuple(s.name for s in opened),
        source_labels=tuple(_label(r) for r in records),
    )
    slots: dict[str, _Slot] = {}
    entries: dict[str, Entry] = {}

    def slot(entry: Entry) -> _Slot:
        if entry.name not in slots:
            slots[entry.name] = _KindSlot(entry.load())
            entries[entry.name] = entry
        return slots[entry.name]

    for src in opened:
        files = src.files()
        view = _View(src.name, files)
        deferred: list[SourceFile] = []
        for f in files:
            entry = entry_for(f.name)
            if entry.fallback:
                deferred.append(f)
            else:
                _check_size(f)
                slot(entry).add(f, view)
        # Only now do we know which files a kind read through an include (``-r base.txt``):
        # those belong to that kind; the rest go to the fallback kind.
        for f in deferred:
            if f.name not in view.claimed:
                slot(FALLBACK).add(f, view)

    ctx.fragments = {name: s.fragments for name, s in slots.items()}
    outputs: list[OutputFile] = []
    values: dict[str, object] = {}
    for entry in run_order(slots):
        if entry.name in ctx.consumed:
            continue
        ctx.may_read = frozenset(entry.reads)
        ctx.may_consume = frozenset(entry.consumes)
        ran = slots[entry.name].run(ctx)
        if ran is None:
            continue
        merged, files_out = ran
        values[entry.name] = merged
        outputs.extend(files_out)
    ctx.may_read = ctx.may_consume = frozenset()

    _check_unique_paths(outputs)
    _warn_ignored(outputs, ctx)
    digest = input_digest(__version__, opts.digest_items(), ((s.name, s.digest()) for s in opened))
    return MergeResult(
        files=sorted(outputs, key=lambda f: f.path),
        conflicts=sorted(ctx.conflicts, key=_conflict_order),
        warnings=list(ctx.warnings),
        sources=[s.name for s in opened],
        input_digest=digest,
        options=opts,
        source_roots=[r for r in (s.local_root for s in opened) if r is not None],
        values=values,
        source_records=records,
    )


def _label(record: dict[str, str]) -> str:
    """A source as the header names it: with its commit when it has one (git)."""
    commit = record.get("commit")
    return f"{record['name']} at {commit[:12]}" if commit else record["name"]


def _open(sources: Iterable[str | Path | Source]) -> list[Source]:
    items = list(sources)
    specs = [s for s in items if isinstance(s, (str, Path))]
    if specs and len(specs) != len(items):
        raise TypeError("pass either paths or opened sources, not both")
    if specs:
        return load_sources(specs)
    return [s for s in items if not isinstance(s, (str, Path))]


# A configuration file a kind parses is a few kilobytes; a hostile or mistaken one of many
# megabytes would take the parsers minutes and gigabytes (a 32 MB apt.txt: 40 s, 2 GB).
MAX_PARSED_BYTES = 4 * 1024 * 1024


def _check_size(f: SourceFile) -> None:
    if len(f.data) > MAX_PARSED_BYTES:
        from bindermerge.errors import RefusedFileError

        size = len(f.data) / (1024 * 1024)
        raise RefusedFileError(
            f"{size:.1f} MiB is too large for a configuration file (bindermerge reads at most "
            f"{MAX_PARSED_BYTES // (1024 * 1024)} MiB of one): is it the file you meant?",
            f.origin,
        )


def _conflict_order(c: Conflict) -> tuple[str, str]:
    return (c.file, c.key)


def _warn_ignored(outputs: Sequence[OutputFile], ctx: MergeContext) -> None:
    """Warn about every output file repo2docker would not read (the repo2docker table)."""
    from bindermerge.repo2docker.explain import ignored_in_binder_dir

    top = {f.path: f.content for f in outputs if "/" not in f.path}
    # --no-fold already said, once, which of its files repo2docker ignores: not again here.
    said = {o.file for w in ctx.warnings if w.code == "environment-not-folded" for o in w.origins}
    for name, reason in ignored_in_binder_dir(top):
        if name in said:
            continue
        ctx.warn("repo2docker-ignores", f"repo2docker will ignore the merged {name}: {reason}")


def _check_unique_paths(outputs: Sequence[OutputFile]) -> None:
    seen: set[str] = set()
    for f in outputs:
        if f.path in seen:  # a bug in a kind, not in the user's input
            raise AssertionError(f"two kinds wrote {f.path}")
        seen.add(f.path)


__all__ = ["MergeResult", "load_sources", "merge"]
