"""``bindermerge stamp``: write ``metadata.binder`` into notebooks, or check it.

Every notebook is read and checked before any is written, so one bad notebook leaves all of
them as they were. Only the four keys of :data:`~bindermerge.notebooks.metadata.KEYS` change
(other keys of ``metadata.binder`` are someone else's and stay); a notebook whose metadata
already says the same is not rewritten at all. Each write is atomic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bindermerge.links.binderhub import DEFAULT_HUB, Environment


@dataclass(frozen=True)
class StampChange:
    """One notebook and what stamping changes in its ``metadata.binder``: for each key that
    differs, the value it holds now (None: absent) and the value it gets."""

    path: Path
    differences: tuple[tuple[str, str | None, str], ...]

    def describe(self) -> str:
        """``binder_ref 'main' -> 'v2'; environment_url missing -> '...'``"""
        return "; ".join(
            f"{key} {'missing' if old is None else repr(old)} -> {new!r}"
            for key, old, new in self.differences
        )


@dataclass
class StampReport:
    """What a stamp (or check) found: the notebooks that change and those already stamped."""

    changed: list[StampChange] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    written: bool = False


def stamp_notebooks(
    paths: Sequence[Path],
    env: Environment,
    *,
    hub: str = DEFAULT_HUB,
    check: bool = False,
    command: str = "bindermerge stamp",
) -> StampReport:
    """Stamp ``env`` (on ``hub``) into each notebook, or with ``check`` only report.

    Raises :class:`~bindermerge.errors.InputError` naming the notebook (and key) for the
    first notebook that cannot be stamped, before anything is written;
    :class:`~bindermerge.notebooks.document.NotebooksExtraMissingError` without nbformat.
    """
    from bindermerge.errors import InputError
    from bindermerge.notebooks.document import notebook_text, read_notebook, replace_file
    from bindermerge.notebooks.metadata import KEYS, MetadataError, binder_block, binder_fields

    fields = binder_fields(env, hub)
    report = StampReport()
    plans: list[tuple[Any, str]] = []
    seen: set[Path] = set()
    for path in paths:
        resolved = path.resolve()
        if resolved in seen:
            continue  # the same file named twice is stamped once
        seen.add(resolved)
        notebook = read_notebook(path, command)
        try:
            block = binder_block(notebook.node.metadata)
        except MetadataError as exc:
            raise InputError(str(exc), path=str(path)) from None
        old = dict(block) if block is not None else {}
        new = {**old, **fields}
        if new == old:
            report.unchanged.append(path)
            continue
        differences = tuple(
            (key, _text(old.get(key)), fields[key]) for key in KEYS if old.get(key) != fields[key]
        )
        report.changed.append(StampChange(path, differences))
        if not check:
            notebook.node.metadata["binder"] = new
            plans.append((notebook, notebook_text(notebook, notebook.node, command)))
    for notebook, text in plans:
        replace_file(notebook.path, text.encode("utf-8"), notebook.raw)
    report.written = bool(plans)
    return report


def _text(value: object) -> str | None:
    # binder_block has checked that each of KEYS, when present, holds a string
    return value if isinstance(value, str) else None
