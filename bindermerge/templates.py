"""Rendering the generated scripts from the jinja2 templates in ``templates/``.

Templates live in the repository's top-level ``templates/`` directory; the wheel ships them as
``bindermerge/templates`` (pyproject's hatch force-include). Shell is not HTML, so autoescape is
off: every value that reaches shell code goes through the ``shquote`` filter (shlex.quote), and
only sanitised folder names (:func:`bindermerge.layout.source_folders`) are passed in at all.
"""

from __future__ import annotations

import shlex
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2



def template_dir() -> Path:
    """Where the templates are: inside the installed package, else the source checkout's."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bindermerge templates not found next to {here}")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2  # lazily: only a merge that writes scripts pays for it

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["shquote"] = shquote
    return env


def shquote(value: object) -> str:
    """One shell word that stands for ``value`` literally (shlex.quote)."""
    return shlex.quote(str(value))


def render(name: str, **values: Any) -> str:
    """Render ``templates/<name>`` with ``values``; an undefined name is an error, not ''."""
    return _environment().get_template(name).render(**values)


