"""The ``bindermerge-console`` directive: shell examples run when the page is built.

Each block's commands run in the page's :class:`console_sessions.Session` (created by the
page's first block, removed once the page is read), and the page shows each command with
what it printed. A command whose exit status is not the one the block expects stops the
build with an error naming the page and the line. A block that ``:needs: conda-forge`` is
shown without output: the build is offline (``tests/test_docs.py`` runs it against a local
channel).

Pages with such blocks are read again on every build, so what they show is never older than
the code.
"""

from __future__ import annotations

from typing import Any, ClassVar

from console_sessions import DIRECTIVE, ConsoleError, Session, parse_block, shown, transcript
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

_KEY = "bindermerge_console_session"


class ConsoleDirective(SphinxDirective):
    """Run the block's commands and show them with their output."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "returncode": lambda text: text,
        "needs": lambda text: text,
    }

    def run(self) -> list[nodes.Node]:
        lines = [f":{name}: {value}" for name, value in self.options.items()]
        try:
            block = parse_block([*lines, *self.content], line=self.content_offset)
        except ConsoleError as exc:
            raise self.error(str(exc)) from None
        _pages_with_consoles(self.env).add(self.env.docname)
        if block.needs is not None:
            text = "\n".join(shown(c) for c in block.commands)
        else:
            session = self.env.temp_data.get(_KEY)
            if session is None:
                session = self.env.temp_data[_KEY] = Session()
            try:
                text = transcript(session.run_block(block))
            except ConsoleError as exc:
                raise self.error(f"{DIRECTIVE}: {exc}") from None
        literal = nodes.literal_block(text, text, language="console")
        self.set_source_info(literal)
        return [literal]


def _pages_with_consoles(env: BuildEnvironment) -> set[str]:
    pages: set[str] = env.domaindata.setdefault("bindermerge_console", {}).setdefault(
        "pages", set()
    )
    return pages


def _close_session(app: Sphinx, doctree: nodes.document) -> None:
    session = app.env.temp_data.pop(_KEY, None)
    if session is not None:
        session.close()


def _always_read(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    return sorted(_pages_with_consoles(env) - removed - added - changed)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _pages_with_consoles(env).discard(docname)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _pages_with_consoles(env).update(_pages_with_consoles(other) & docnames)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive(DIRECTIVE, ConsoleDirective)
    app.connect("doctree-read", _close_session)
    app.connect("env-get-outdated", _always_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
