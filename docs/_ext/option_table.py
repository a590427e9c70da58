"""The ``bindermerge-options`` directive: every option, from :data:`bindermerge.options.OPTIONS`.

One row per entry of the table the command line, the fast ``--check``, the digest and the
manifest all derive from: its flags, its config key, its kind, default and scope, and its help.
"""

from __future__ import annotations

import json
from typing import Any

from doc_tables import code, codes, table
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from bindermerge.options import OPTIONS, Option

SCOPES = {
    "merge": "merge (digested: a change re-merges)",
    "lock": "lock (digested when locking)",
    "run": "run (never digested)",
}


def value_text(value: object) -> str:
    """An option's value as a config file writes it (TOML's spelling of JSON's values)."""
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value)


def default_text(option: Option) -> str:
    """The default as the config key takes it; ``--no-fold``'s key ``fold`` is true."""
    return "not set" if option.default is None else value_text(option.default)


def kind_cell(option: Option) -> list[nodes.Node]:
    if option.kind == "choice":
        return [nodes.Text("one of "), *codes(option.choices)]
    if option.kind == "list":
        return [nodes.Text("list of strings (the flag repeats)")]
    if option.kind == "bool" and option.negate:
        return [nodes.Text("bool (the flag sets it false)")]
    return [nodes.Text(option.kind)]


def rows() -> list[list[Any]]:
    """The table's rows, one per option, in the table's order."""
    out: list[list[Any]] = []
    for option in OPTIONS:
        flags = codes([f"{f} {option.metavar}" if option.metavar else f for f in option.flags])
        key = code(option.config_key) if option.config_key else "command line only"
        help_text = option.help
        if option.requires:
            help_text += f" Needs {OPTIONS_BY_NAME[option.requires].flag}."
        out.append(
            [
                flags,
                key,
                kind_cell(option),
                code(default_text(option)),
                SCOPES[option.scope],
                help_text,
            ]
        )
    return out


OPTIONS_BY_NAME = {o.name: o for o in OPTIONS}


class OptionsDirective(SphinxDirective):
    """The options table."""

    def run(self) -> list[nodes.Node]:
        headers = ["flags", "config key", "kind", "default", "scope", "meaning"]
        return [table(headers, rows(), ids="options-table")]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("bindermerge-options", OptionsDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
