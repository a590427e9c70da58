"""Human and JSON reports for the command line.

Human messages go to stderr, coloured only on a terminal (and never with ``NO_COLOR`` set);
the JSON report, diffs and dry-run listings go to stdout. No typer here: the fast merge path
prints through this module too.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bindermerge.model import OutputFile
    from bindermerge.pipeline import MergeResult


_COLOURS = {"red": "31", "yellow": "33"}


def _colour_wanted(stream: object) -> bool:
    import os

    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ


class Reporter:
    """Collects what the command says and prints it in the chosen form."""

    def __init__(self, *, as_json: bool):
        self.as_json = as_json
        self.diff_text: str | None = None
        self.stale_files: list[dict[str, str]] | None = None

    def _err(self, text: str, colour: str | None = None) -> None:
        stream = sys.stderr
        if colour and _colour_wanted(stream):
            text = f"\033[{_COLOURS[colour]}m{text}\033[0m"
        print(text, file=stream)

    def stale(self, differences: list[dict[str, str]]) -> None:
        """The files ``--check`` found out of date, and why (for ``--json``)."""
        self.stale_files = differences

    def usage(self, message: str) -> int:
        if self.as_json:
            print(
                json.dumps(
                    self._failure(f"usage error: {message}", None, None, False),
                    indent=2,
                    sort_keys=True,
                )
            )
        self._err(f"usage error: {message}", "red")
        return 2

    @staticmethod
    def _failure(
        message: str, path: str | None, line: int | None, is_input: bool
    ) -> dict[str, object]:
        return {
            "ok": False,
            "written": False,
            "exit_code": 2,
            "summary": message,
            "files": [],
            "conflicts": [],
            "warnings": [],
            "error": {"message": message, "path": path, "line": line, "input": is_input},
        }

    def error(self, exc: Exception) -> int:
        """A bad input: one line naming the file (and line); exit 2."""
        text = "; ".join(part.strip() for part in str(exc).splitlines() if part.strip())
        if self.as_json:
            from bindermerge.errors import InputError

            origin = getattr(exc, "origin", None)
            doc = self._failure(
                text,
                getattr(exc, "path", None),
                origin.line if origin is not None else None,
                isinstance(exc, InputError),
            )
            print(json.dumps(doc, indent=2, sort_keys=True))
        # One line: solver and network errors arrive as several.
        self._err(f"error: {text}", "red")
        return 2

    def findings(self, result: MergeResult) -> None:
        for c in result.conflicts:
            if c.resolved:
                self._err(f"warning: {c.message()}", "yellow")
            else:
                self._err(f"conflict: {c.message()}", "red")
        for w in result.warnings:
            if w.is_info:  # what repo2docker did too, told once: no colour, no alarm
                self._err(f"note: {w.text()}")
            else:
                self._err(f"warning: {w.text()}", "yellow")

    def warn_about_run(self, text: str) -> None:
        """A warning about the run itself (not a finding of the merge): stderr only."""
        self._err(f"warning: {text}", "yellow")

    def diff(self, text: str) -> None:
        if self.as_json:
            self.diff_text = text  # goes into the report
        elif text:
            sys.stdout.write(text)

    def plan(self, directory: Path, files: Sequence[OutputFile]) -> None:
        if self.as_json:
            return
        for f in files:
            print(f"{oct(f.mode)[2:]} {len(f.content):7d} {directory / f.path}")

    def finish(
        self, result: MergeResult, code: int, summary: str | None, *, written: bool = False
    ) -> int:
        if self.as_json:
            doc = result.to_json()
            doc["written"] = written
            doc["exit_code"] = code
            doc["summary"] = summary
            doc["ok"] = code == 0
            # What each source was: a git source with its spec, URL, REF and the commit used.
            doc["source_records"] = result.source_records
            if self.diff_text is not None:
                doc["diff"] = self.diff_text
            if self.stale_files is not None:
                doc["stale"] = self.stale_files
            print(json.dumps(doc, indent=2, sort_keys=True))
        if summary:
            self._err(f"bindermerge: {summary}", None if code == 0 else "red")
        return code
