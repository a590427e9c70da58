"""The ``bindermerge-cli`` directive: the command line reference, read from the application.

typer builds a click command from ``bindermerge.cli.app.build_app()`` (with the click it
vendors, which sphinx-click does not recognise): this walks it, the root and each
subcommand, and shows what ``--help`` shows — the help text, the usage line, and each
argument and option with its help record (metavar, choices, default, required) — so the
reference is the application's own text and cannot drift from it.
"""

from __future__ import annotations

from typing import Any

import typer.main
from doc_tables import code, table
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_id
from typer.core import TyperGroup

from bindermerge.cli.app import build_app

PROG = "bindermerge"
# The width --help is formatted for; usage lines are shown as the terminal would print them.
WIDTH = 100


def _context(command: Any, name: str, parent: Any = None) -> Any:
    # typer's vendored click: the Context class of the command's own package.
    context_class = command.context_class
    return context_class(command, info_name=name, parent=parent, terminal_width=WIDTH)


def _paragraphs(text: str) -> list[nodes.Node]:
    return [nodes.paragraph(p, p) for p in (text or "").split("\n\n") if p.strip()]


def _parameters(command: Any, ctx: Any) -> nodes.table | None:
    rows = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        spelling, help_text = record
        rows.append([code(spelling), help_text])
    if not rows:
        return None
    return table(["argument or option", "meaning"], rows)


def _section(title: str, command: Any, ctx: Any, document: Any) -> nodes.section:
    section = nodes.section(ids=[make_id(document.settings.env, document, "cli", title)])
    section += nodes.title(title, "", code(title))
    section.extend(_paragraphs(command.help))
    usage = command.get_usage(ctx)
    section += nodes.literal_block(usage, usage, language="text")
    params = _parameters(command, ctx)
    if params is not None:
        section += params
    return section


class CliDirective(SphinxDirective):
    """The root command, then every subcommand in the application's order."""

    def run(self) -> list[nodes.Node]:
        root = typer.main.get_command(build_app())
        assert isinstance(root, TyperGroup)  # an application with subcommands
        ctx = _context(root, PROG)
        out: list[nodes.Node] = [_section(PROG, root, ctx, self.state.document)]
        for name in root.list_commands(ctx):
            sub = root.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = _context(sub, name, ctx)
            out.append(_section(f"{PROG} {name}", sub, sub_ctx, self.state.document))
        return out


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("bindermerge-cli", CliDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
