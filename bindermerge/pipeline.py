"""The merge pipeline: load sources, parse each file with its kind, merge kind by kind, render.

The pipeline names no file kind: which kind reads which file, and in which order kinds run,
is the registry's business (:mod:`bindermerge.registry`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from bindermerge._version import __version__
from bindermerge.context import MergeContext, MergeOptions
from bindermerge.errors import InputError
from bindermerge.model import Conflict, MergeWarning, OnConflict, OutputFile
from bindermerge.sources.local import LocalSource, SourceFile, digest_inputs, open_source, unique_names


@dataclass
class MergeResult:
    """What a merge produced: output files, conflicts and warnings, and the input digest.

    ``ok`` is False when a conflict is unresolved (``on_conflict="fail"``); such a result
    must not be written, and :meth:`write` refuses to.
    """

    files: list[OutputFile]
    conflicts: list[Conflict]
    warnings: list[MergeWarning]
    sources: list[str]
    input_digest: str
    options: MergeOptions = field(default_factory=MergeOptions)
    source_roots: list[str] = field(default_factory=list)  # to refuse an output inside a source
    # The merged value of each kind that ran (kind name -> what its ``merge`` returned), with
    # its provenance: locking and other consumers work from these, never from rendered text.
    values: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(not c.resolved for c in self.conflicts)

    def file(self, path: str) -> OutputFile | None:
        """The output file at ``path`` (relative to the output directory), or None."""
        return next((f for f in self.files if f.path == path), None)

    def write(self, directory: str | Path, *, force: bool = False) -> None:
        """Write the merged directory atomically (see :func:`bindermerge.output.write_output`)."""
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
                {"path": f.path, "mode": oct(f.mode), "size": len(f.content)} for f in self.files
            ],
            "conflicts": [c.to_json() for c in self.conflicts],
            "warnings": [w.to_json() for w in self.warnings],
        }


class _View:
    """One source's files as seen by ``parse``; remembers files claimed by includes."""

    def __init__(self, name: str, files: Sequence[SourceFile]):
        self.name = name
        self._files = {f.name: f for f in files}
        self.claimed: set[str] = set()

    def get(self, relpath: str) -> SourceFile | None:
        return self._files.get(relpath)

    def claim(self, relpath: str) -> None:
        self.claimed.add(relpath)


def load_sources(specs: Sequence[str | Path]) -> list[LocalSource]:
    """Open each source spec (see :func:`bindermerge.sources.open_source`), with unique names."""
    specs = [str(s) for s in specs]
    if not specs:
        raise InputError("no sources given")
    names = unique_names(specs)
    return [open_source(s, name=n) for s, n in zip(specs, names)]


def merge(
    sources: Iterable[str | Path | LocalSource],
    *,
    on_conflict: OnConflict = "fail",
    name: str | None = None,
    fold: bool = True,
) -> MergeResult:
    """Merge binder directories into one; the library's entry point.

    ``sources`` are directories (or already opened sources), merged in the order given.
    ``on_conflict`` chooses what an incompatible pair of requests does: ``fail`` (the
    result has unresolved conflicts and must not be written), ``first`` or ``last``
    (that source wins and the conflict is kept as resolved). ``name`` names the merged
    conda environment; ``fold`` folds requirements.txt and runtime.txt into environment.yml.

    Raises :class:`bindermerge.errors.InputError` for any input that cannot be read or
    parsed; the message names the file and line.
    """
    from bindermerge.registry import FALLBACK, KINDS

    items = list(sources)
    opened: list[LocalSource] = [s for s in items if isinstance(s, LocalSource)]
    if len(opened) != len(items):
        if opened:
            raise TypeError("pass either paths or opened sources, not both")
        opened = load_sources([str(s) for s in items])
    options = MergeOptions(on_conflict=on_conflict, name=name, fold=fold)
    ctx = MergeContext(options=options, source_names=tuple(s.name for s in opened))
    ctx.fragments = {k: [] for k in KINDS}

    read: list[tuple[str, list[SourceFile]]] = []
    for src in opened:
        files = src.files()
        read.append((src.name, files))
        view = _View(src.name, files)
        deferred: list[SourceFile] = []
        for f in files:
            kind_name = next(
                (k for k, kind in KINDS.items() if k != FALLBACK and kind.recognise(f.name)), None
            )
            if kind_name is None:
                deferred.append(f)
            else:
                ctx.fragments[kind_name].append(KINDS[kind_name].parse(f, view))
        # Only now do we know which files a kind read through an include (``-r base.txt``):
        # those belong to that kind; the rest go to the fallback kind.
        for f in deferred:
            if f.name not in view.claimed:
                ctx.fragments[FALLBACK].append(KINDS[FALLBACK].parse(f, view))

    outputs: list[OutputFile] = []
    values: dict[str, object] = {}
    for kind_name, kind in KINDS.items():
        frags = ctx.fragments.get(kind_name) or []
        if kind_name in ctx.consumed or not frags:
            continue
        merged = kind.merge(frags, ctx)
        values[kind_name] = merged
        outputs.extend(kind.render(merged, ctx))

    _check_unique_paths(outputs)
    _warn_ignored(outputs, ctx)
    digest = digest_inputs(read, options.digest_items(), __version__)
    return MergeResult(
        files=sorted(outputs, key=lambda f: f.path),
        conflicts=sorted(ctx.conflicts, key=_conflict_order),
        warnings=list(ctx.warnings),
        sources=[s.name for s in opened],
        input_digest=digest,
        options=options,
        source_roots=[str(s.root) for s in opened],
        values=values,
    )


def _conflict_order(c: Conflict) -> tuple[str, str]:
    return (c.file, c.key)


def _warn_ignored(outputs: Sequence[OutputFile], ctx: MergeContext) -> None:
    """Warn about every output file repo2docker would not read (the table in repo2docker_rules)."""
    from bindermerge.repo2docker.rules import ignored_in_binder_dir

    top = {f.path: f.content for f in outputs if "/" not in f.path}
    for name, reason in ignored_in_binder_dir(top):
        ctx.warn("repo2docker-ignores", f"repo2docker will ignore the merged {name}: {reason}")


def _check_unique_paths(outputs: Sequence[OutputFile]) -> None:
    seen: set[str] = set()
    for f in outputs:
        if f.path in seen:  # a bug in a kind, not in the user's input
            raise AssertionError(f"two kinds wrote {f.path}")
        seen.add(f.path)
