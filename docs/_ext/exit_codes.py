"""The ``bindermerge-exit-codes`` directive: the exit codes ``bindermerge.cli.main`` defines.

The directive's content gives one line per constant, ``EXIT_NAME: meaning``; the table shows
each constant's value from the code. A constant without a meaning, or a meaning for a name the
code does not define, stops the build: the table cannot fall behind the code.
"""

from __future__ import annotations

import importlib
from typing import Any

from doc_tables import Cell, code, inline, table
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def constants() -> dict[str, int]:
    """Every ``EXIT_*`` constant of the command line, by name."""
    # By module name: bindermerge.cli's attribute "main" is the entry point function.
    module = importlib.import_module("bindermerge.cli.main")
    return {
        name: value
        for name, value in vars(module).items()
        if name.startswith("EXIT_") and isinstance(value, int)
    }


class ExitCodesDirective(SphinxDirective):
    """The exit codes table; content: ``EXIT_NAME: meaning`` lines."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        meanings: dict[str, str] = {}
        for line in self.content:
            if not line.strip():
                continue
            name, sep, meaning = line.partition(":")
            if not sep or not meaning.strip():
                raise self.error(f"not 'EXIT_NAME: meaning': {line!r}")
            meanings[name.strip()] = meaning.strip()
        defined = constants()
        unknown = sorted(set(meanings) - set(defined))
        missing = sorted(set(defined) - set(meanings))
        if unknown or missing:
            raise self.error(
                f"exit codes: meanings for unknown {unknown}, no meaning for {missing}"
            )
        rows: list[list[Cell]] = [
            [code(str(value)), code(name), inline(meanings[name])]
            for name, value in sorted(defined.items(), key=lambda kv: kv[1])
        ]
        return [table(["code", "constant", "meaning"], rows, ids="exit-codes")]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("bindermerge-exit-codes", ExitCodesDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
