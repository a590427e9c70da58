"""Sphinx configuration of the bindermerge documentation (MyST Markdown, PyData theme).

Built with ``sphinx-build -W --keep-going -b html docs docs/_build/html`` (``.ci/run``): every
warning fails, internal references are checked (``nitpicky``), and nothing is fetched from the
network (no intersphinx; the Mermaid diagrams load their script in the reader's browser).
The extensions in ``_ext/`` generate the reference from the code and run the shell examples.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

from bindermerge._version import __version__  # noqa: E402 - after the path is set

project = "bindermerge"
author = "bindermerge developers"
copyright = "bindermerge developers"
version = release = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinxcontrib.mermaid",
    "cli_reference",
    "console_directive",
    "option_table",
    "rules_table",
    "messages_directive",
    "exit_codes",
]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
root_doc = "index"

# "--check" stays two hyphens and "SRC..." three dots: these pages are full of command lines.
smartquotes = False

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Every internal reference must resolve. Types from the standard library and third-party
# packages cannot (intersphinx would fetch their inventories): those are left unlinked.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(collections\.abc|typing|os|pathlib|re|types|dataclasses)\..*"),
    (r"py:.*", r"(Path|PathLike|Sequence|Mapping|Iterable|Iterator|Callable|Any|Literal)"),
    (r"py:.*", r"(click|typer|rattler|ruamel|packaging|conda_lock)\..*"),
    # Internal modules that docstrings of the public API mention: not part of the API pages.
    (r"py:(mod|func|class)", r"bindermerge\.(output\.write|cli\.fastcheck|lock\.apply)(\..*)?"),
    (r"py:(mod|func|class)", r"bindermerge\.sources\.git(\..*)?"),
]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True}

html_theme = "pydata_sphinx_theme"
html_title = "bindermerge"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path: list[str] = []
