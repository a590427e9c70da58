"""The state one merge shares between file kinds: options, fragments, conflicts, warnings.

A kind sees other kinds' fragments only through :meth:`MergeContext.fragments_of`, and only the
kinds it declared (``Kind.consumes`` / ``Kind.reads``); it takes another kind's fragments over
with :meth:`MergeContext.consume`, which it must have declared too. The registry orders kinds
from those declarations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from bindermerge.model import Conflict, MergeWarning, Origin, OutputFile
from bindermerge.options import MergeOptions
from bindermerge.render.text import header, normalise_text

T = TypeVar("T")


@dataclass
class MergeContext:
    """Passed to every kind's ``merge`` and ``render``; collects what they find.

    Kinds record conflicts with :meth:`conflict` (which applies ``--on-conflict``), warnings
    with :meth:`warn`, read the fragments of the kinds they declared with
    :meth:`fragments_of`, and take over a declared kind's fragments with :meth:`consume`
    (environment.yml folds requirements.txt and runtime.txt this way).
    """

    options: MergeOptions
    source_names: tuple[str, ...]
    # How the header of generated files names each source: its name, and the commit of a git
    # source (``postgres-binder at 1a2b3c4d5e6f``). Empty: the names.
    source_labels: tuple[str, ...] = ()
    # kind name -> that kind's fragments, in source order (filled by the pipeline)
    fragments: Mapping[str, Sequence[object]] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    warnings: list[MergeWarning] = field(default_factory=list)
    consumed: set[str] = field(default_factory=set)
    # kind name -> ids of fragments taken out of that kind's merge (see withhold)
    withheld: dict[str, set[int]] = field(default_factory=dict)
    # what the kind now merging declared it may read and consume (set by the pipeline)
    may_read: frozenset[str] = frozenset()
    may_consume: frozenset[str] = frozenset()

    @overload
    def fragments_of(self, kind: str) -> list[object]: ...

    @overload
    def fragments_of(self, kind: str, of: type[T]) -> list[T]: ...

    def fragments_of(self, kind: str, of: type[Any] = object) -> list[Any]:
        """The fragments of another kind that are ``of`` this type, in source order.

        ``kind`` must be among the kinds the calling kind declared it reads or consumes (in
        :data:`bindermerge.registry.ENTRIES`).
        """
        if kind not in self.may_read and kind not in self.may_consume:
            raise AssertionError(f"a kind read {kind!r} fragments without declaring it")
        return [f for f in self.fragments.get(kind, ()) if isinstance(f, of)]

    def consume(self, kind: str) -> None:
        """Mark a kind's fragments as merged elsewhere: the pipeline will not render that kind."""
        if kind not in self.may_consume:
            raise AssertionError(f"a kind consumed {kind!r} without declaring it")
        self.consumed.add(kind)

    def withhold(self, kind: str, fragments: Sequence[object]) -> None:
        """Take some of a consumable kind's fragments out of its own merge (and output).

        For files repo2docker ignored when their source was built alone (a runtime.txt beside
        that source's environment.yml): when the kind is not consumed as a whole, these must
        still not start to count.
        """
        if kind not in self.may_consume:
            raise AssertionError(f"a kind withheld {kind!r} fragments without declaring it")
        self.withheld.setdefault(kind, set()).update(id(f) for f in fragments)

    def in_source_order(self, origins: Iterable[Origin]) -> list[Origin]:
        """``origins`` sorted by their sources' order on the command line (stable within one)."""
        order = {name: i for i, name in enumerate(self.source_names)}
        return sorted(origins, key=lambda o: order.get(o.source, 0))

    def conflict(self, kind: str, file: str, key: str, sides: Sequence[Origin], reason: str) -> int:
        """Record a conflict and return the index of the side to keep.

        Sides are given in source order. Under ``fail`` the merge will write nothing, so the
        returned index (0) only lets the kind carry on and find further conflicts.
        """
        policy = self.options.on_conflict
        index = 0 if policy in ("fail", "first") else len(sides) - 1
        resolution = None if policy == "fail" else sides[index]
        self.conflicts.append(Conflict(kind, file, key, tuple(sides), reason, resolution))
        return index

    def warn(self, code: str, message: str, *origins: Origin) -> None:
        """Record a warning; de-duplicated when the same warning is raised twice."""
        w = MergeWarning(code, message, tuple(origins))
        if w not in self.warnings:
            self.warnings.append(w)

    def note(self, code: str, message: str, *origins: Origin) -> None:
        """Record an info-level finding: printed as a note, not counted by ``--strict``."""
        w = MergeWarning(code, message, tuple(origins), level="info")
        if w not in self.warnings:
            self.warnings.append(w)

    def header(self, comment: str = "#") -> str:
        """The lines every generated text file starts with, naming bindermerge and the sources."""
        return header(self.source_labels or self.source_names, comment)

    def text_file(
        self, path: str, body: str, *, mode: int = 0o644, comment: str = "#"
    ) -> OutputFile:
        """A generated text file: header, then ``body``; LF endings and one final newline."""
        text = self.header(comment) + body
        return OutputFile(path, normalise_text(text).encode("utf-8"), mode)
