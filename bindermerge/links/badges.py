"""A launch link in the markup a README or a page needs: the URL alone, or the standard
"launch binder" badge (``https://mybinder.org/badge_logo.svg``) linking to it.

Markdown and reStructuredText are written as BinderHub's link generator writes them
(``[![Binder](badge)](URL)``; ``.. image:: badge`` with `` :target: URL``), HTML as an
``<a>`` around an ``<img>``. Each snippet carries the URL exactly: what the markup would read
as its own syntax is escaped (parentheses in a Markdown destination, a final ``_`` that
reStructuredText takes for a reference, ``&`` and quotes in HTML).
"""

from __future__ import annotations

import html

BADGE_URL = "https://mybinder.org/badge_logo.svg"
FORMATS = ("url", "markdown", "rst", "html")


def badge(url: str, fmt: str) -> str:
    """``url`` as ``fmt`` (one of :data:`FORMATS`), without a final newline."""
    if fmt == "url":
        return url
    if fmt == "markdown":
        # A backslash escape keeps an unbalanced parenthesis from ending the destination.
        target = url.replace("(", "\\(").replace(")", "\\)")
        return f"[![Binder]({BADGE_URL})]({target})"
    if fmt == "rst":
        target = url[:-1] + "\\_" if url.endswith("_") else url
        return f".. image:: {BADGE_URL}\n :target: {target}"
    if fmt == "html":
        return f'<a href="{html.escape(url)}"><img src="{BADGE_URL}" alt="Binder"></a>'
    raise ValueError(f"unknown format {fmt!r}; the formats are {', '.join(FORMATS)}")
