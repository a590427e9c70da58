"""Turning what the user typed into sources: the one place that knows every kind of source.

Today a spec is a local directory; a remote kind (``gh:owner/repo@ref``) joins here, and
nothing else in the pipeline, the fast ``--check`` or the output checks changes. Standard
library only at import time.
"""

from __future__ import annotations

from bindermerge.sources.local import open_local
from bindermerge.sources.names import printable, unique_names

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast --check path avoids typing
if TYPE_CHECKING:
    from collections.abc import Sequence

    from bindermerge.sources.base import Source


def open_source(spec: str, *, name: str | None = None) -> Source:
    """Open one source spec (today: a local directory).

    A local directory uses ``.binder/`` or ``binder/`` inside it (repo2docker's order) or else
    itself. Raises :class:`~bindermerge.errors.SourceError` when it cannot be opened.
    """
    return open_local(spec, printable(name or unique_names([spec])[0]))


def open_sources(specs: Sequence[str]) -> list[Source]:
    """Open every spec, with names unique among them (see :func:`unique_names`)."""
    specs = [str(s) for s in specs]
    if not specs:
        from bindermerge.errors import UsageError

        raise UsageError("no sources given")
    opened = [open_source(s, name=n) for s, n in zip(specs, unique_names(specs), strict=True)]
    seen: dict[str, str] = {}
    for spec, source in zip(specs, opened, strict=True):
        if source.identity in seen:
            from bindermerge.errors import SourceError

            # Every script would run twice and every package count twice.
            raise SourceError(
                f"is the same source as {seen[source.identity]!r}; give each source once",
                path=spec,
            )
        seen[source.identity] = spec
    return opened
