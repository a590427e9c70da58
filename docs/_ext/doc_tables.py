"""Tables built as docutils nodes, for the directives that generate reference pages.

Cells are built as nodes, not as Markdown text, so that a help string with ``|``, ``*`` or a
backtick in it is shown as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from docutils import nodes

Cell: TypeAlias = "str | nodes.Node | Sequence[nodes.Node]"


def code(text: str) -> nodes.literal:
    """Inline code."""
    return nodes.literal(text, text)


def codes(texts: Sequence[str], sep: str = ", ") -> list[nodes.Node]:
    """Several inline codes, separated by ``sep``."""
    out: list[nodes.Node] = []
    for i, text in enumerate(texts):
        if i:
            out.append(nodes.Text(sep))
        out.append(code(text))
    return out


def inline(text: str) -> list[nodes.Node]:
    """Text whose backtick spans are code (the one markup the catalogue's sentences use)."""
    out: list[nodes.Node] = []
    for i, part in enumerate(text.split("`")):
        if part:
            out.append(code(part) if i % 2 else nodes.Text(part))
    return out


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, ids: str = "") -> nodes.table:
    """A table with a header row; each cell is text, a node or a list of nodes."""
    tab = nodes.table(classes=["bindermerge-generated"])
    if ids:
        tab["ids"].append(ids)
    group = nodes.tgroup(cols=len(headers))
    tab += group
    for _ in headers:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    head += _row(headers)
    group += head
    body = nodes.tbody()
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"a row of {len(row)} cells in a table of {len(headers)} columns")
        body += _row(row)
    group += body
    return tab


def _row(cells: Sequence[Cell]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        para = nodes.paragraph()
        if isinstance(cell, str):
            para += nodes.Text(cell)
        elif isinstance(cell, nodes.Node):
            para += cell
        else:
            para.extend(cell)
        entry += para
        row += entry
    return row
