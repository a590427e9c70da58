"""How an output directory differs from what a merge would write: ``--check`` and ``--diff``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bindermerge.output.manifest import NAME as MANIFEST
from bindermerge.output.write import DirState, planned_files

if TYPE_CHECKING:
    from bindermerge.pipeline import MergeResult


@dataclass(frozen=True)
class Difference:
    """One way the directory on disk differs from what would be generated."""

    path: str
    what: str  # "missing", "extra", "content", "mode"

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "what": self.what, "reason": self.text()}

    def text(self) -> str:
        return {
            "missing": f"{self.path} would be written",
            "extra": f"{self.path} would be removed",
            "content": f"{self.path} is out of date",
            "mode": f"{self.path} has the wrong executable bit",
        }[self.what]


def compare(directory: Path, result: MergeResult) -> list[Difference]:
    """How ``directory`` differs from what ``result`` would write (empty: up to date)."""
    state = DirState.read(Path(directory))
    planned = {f.path: f for f in planned_files(result)}
    diffs: list[Difference] = []
    # The manifest last: it changes whenever anything does, and says least about what.
    for path in sorted(set(planned) | set(state.files), key=lambda p: (p == MANIFEST, p)):
        want, have = planned.get(path), state.files.get(path)
        if want is None:
            diffs.append(Difference(path, "extra"))
        elif have is None:
            diffs.append(Difference(path, "missing"))
        elif have[0] != want.content:
            diffs.append(Difference(path, "content"))
        elif have[1] != want.executable:
            diffs.append(Difference(path, "mode"))
    return diffs


def unified_diff(directory: Path, result: MergeResult) -> str:
    """A unified diff from ``directory`` on disk to what would be generated."""
    import difflib

    state = DirState.read(Path(directory))
    planned = {f.path: f for f in planned_files(result)}
    chunks: list[str] = []
    for path in sorted(set(planned) | set(state.files)):
        old = state.files.get(path, (b"", False))[0]
        new = planned[path].content if path in planned else b""
        if old == new:
            continue
        a = old.decode("utf-8", "replace").splitlines(keepends=True)
        b = new.decode("utf-8", "replace").splitlines(keepends=True)
        fromfile = f"a/{path}" if path in state.files else "/dev/null"
        tofile = f"b/{path}" if path in planned else "/dev/null"
        for line in difflib.unified_diff(a, b, fromfile, tofile):
            chunks.append(
                line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            )
    return "".join(chunks)
