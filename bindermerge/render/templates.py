"""Rendering the generated scripts from the jinja2 templates shipped with the package.

The templates live in the repository's top-level ``templates/`` folder; ``bindermerge/templates``
is a relative symlink to it, so a source checkout and an installed wheel (hatchling follows the
link and ships the files as ``bindermerge/templates/``) find them the same single way: as package
data of ``bindermerge``, through jinja2's ``PackageLoader``.

Shell is not HTML, so autoescape is off: every value that reaches shell code goes through the
``shquote`` filter (shlex.quote), and only sanitised folder names
(:func:`bindermerge.render.layout.source_folders`) are passed in at all.
"""

from __future__ import annotations

import shlex
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

PACKAGE = "bindermerge"
FOLDER = "templates"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2  # lazily: only a merge that chains scripts pays for it

    env = jinja2.Environment(
        loader=jinja2.PackageLoader(PACKAGE, FOLDER),
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


def render(name: str, **values: object) -> str:
    """Render ``templates/<name>`` with ``values``; an undefined name is an error, not ''."""
    return _environment().get_template(name).render(**values)
