"""The ``bindermerge-messages`` directive: the conflicts and warnings tables of the reference.

Every row comes from running an example of ``docs/reference/messages.toml`` through the
library when the page is built (:mod:`message_catalogue`): the kind, file, key and reason of a
conflict and the code and level of a warning are what bindermerge reported, and the message
is the line the command line prints for it.
"""

from __future__ import annotations

from typing import Any

from doc_tables import Cell, code, inline, table
from docutils import nodes
from message_catalogue import CATALOGUE, CatalogueError, Outcome, cli_line, load_unexampled, run
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from bindermerge.registry import ENTRIES


class MessagesDirective(SphinxDirective):
    """``:which: conflicts`` or ``:which: warnings``."""

    option_spec = {"which": lambda text: text.strip()}

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(CATALOGUE))
        which = self.options.get("which")
        try:
            outcomes = _outcomes(self.env)
        except CatalogueError as exc:
            raise self.error(f"{CATALOGUE.name}: {exc}") from None
        if which == "conflicts":
            order = [e.name for e in ENTRIES]
            shown = sorted(
                (o for o in outcomes if o.shown_conflict is not None),
                key=lambda o: order.index(o.example.kind),
            )
            rows: list[list[Cell]] = []
            for o in shown:
                c = o.shown_conflict
                assert c is not None
                rows.append(
                    [
                        code(c.kind),
                        code(c.file),
                        code(c.key),
                        inline(o.example.about),
                        _message(cli_line(c)),
                    ]
                )
            return [table(["kind", "file", "key", "when", "example"], rows, ids="conflicts")]
        if which == "warnings":
            rows = []
            for o in outcomes:
                w = o.shown_warning
                if w is not None and o.example.shows == "warning":
                    rows.append(
                        [code(w.code), w.level, inline(o.example.about), _message(cli_line(w))]
                    )
            for u in load_unexampled():
                rows.append([code(u.code), "warning", inline(u.about), f"No example: {u.why}"])
            return [table(["code", "level", "when", "example"], rows, ids="warnings")]
        raise self.error("bindermerge-messages needs :which: conflicts or :which: warnings")


def _message(text: str) -> nodes.literal:
    return nodes.literal(text, text, classes=["bindermerge-message"])


def _outcomes(env: BuildEnvironment) -> list[Outcome]:
    # Both tables are on one page: run the examples once per read of it.
    cache: dict[str, list[Outcome]] = env.temp_data.setdefault("bindermerge_messages", {})  # type: ignore[assignment]
    if "outcomes" not in cache:
        cache["outcomes"] = run()
    return cache["outcomes"]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("bindermerge-messages", MessagesDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
