"""Turning what the user typed into sources: the one place that knows every kind of source.

A spec spelled as a git source (``gh:``, ``gl:``, ``git+URL``; see
:mod:`bindermerge.sources.spellings`) is a :class:`~bindermerge.sources.git.source.GitSource`;
anything else is a local directory. Nothing in the pipeline, the fast ``--check`` or the
output checks knows which. Standard library only at import time.
"""

from __future__ import annotations

from bindermerge.options import UPDATE_ALL
from bindermerge.sources import spellings
from bindermerge.sources.local import open_local
from bindermerge.sources.names import printable, unique_names

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast --check path avoids typing
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from bindermerge.sources.base import Source

__all__ = ["UPDATE_ALL", "open_source", "open_sources"]


def open_source(
    spec: str, *, name: str | None = None, pin: str | None = None, run_git: bool = True
) -> Source:
    """Open one source spec: a git repository or a local directory.

    A git source opens without running git (see
    :class:`~bindermerge.sources.git.source.GitSource`); ``pin`` is the commit it stands for
    instead of its REF's newest. A local directory uses ``.binder/`` or ``binder/`` inside it
    (repo2docker's order) or else itself. Raises :class:`~bindermerge.errors.SourceError`
    when it cannot be opened; a spec that looks like a URL but fits no git spelling (and names
    no directory) is refused with the spellings that exist.
    """
    name = printable(name or unique_names([spec])[0])
    if spellings.is_git(spec):
        from bindermerge.sources.git.source import open_git

        return open_git(spec, name, pin=pin, run_git=run_git)
    if spellings.looks_remote(spec):
        import os

        if not os.path.exists(spec):
            from bindermerge.errors import SourceError

            hint = ""
            if spec.startswith(tuple(f"{s}://" for s in spellings.GIT_SCHEMES)):
                hint = f"; for a git repository write git+{spec}"
            raise SourceError(
                f"is no directory, and no git source spelling fits it{hint} "
                f"(spellings: {spellings.SPELLINGS_TEXT})",
                path=spec,
            )
    return open_local(spec, name)


def open_sources(
    specs: Sequence[str],
    *,
    pins: Mapping[str, str] | None = None,
    update: Sequence[str] = (),
    pinned_only: bool = False,
) -> list[Source]:
    """Open every spec, with names unique among them (see :func:`unique_names`).

    ``pins`` maps a git source's spelling (as :meth:`GitSpec.display` writes it) to the
    commit an earlier merge recorded for it: such a source keeps that commit unless
    ``update`` names it (by spec as typed or by name; :data:`UPDATE_ALL` names every one).
    ``pinned_only`` (the fast ``--check``) refuses a git source without a pin and never runs
    git. Raises :class:`~bindermerge.errors.UsageError` for an ``update`` naming no git source.
    """
    specs = [str(s) for s in specs]
    if not specs:
        from bindermerge.errors import UsageError

        raise UsageError("no sources given")
    names = unique_names(specs)
    pins = pins or {}
    wanted = set(update)
    matched: set[str] = set()
    opened: list[Source] = []
    for spec, name in zip(specs, names, strict=True):
        pin = None
        if spellings.is_git(spec):
            selectors = {UPDATE_ALL, spec, name} & wanted
            matched |= selectors
            pin = None if selectors else _pin_of(spec, pins)
            if pinned_only and pin is None:
                from bindermerge.errors import SourceError

                raise SourceError("has no recorded commit", path=spec)
        opened.append(open_source(spec, name=name, pin=pin, run_git=not pinned_only))
    unknown = sorted(wanted - matched - {UPDATE_ALL})
    if unknown:
        from bindermerge.errors import UsageError

        git = [n for s, n in zip(specs, names, strict=True) if spellings.is_git(s)]
        known = f"the git sources are {', '.join(git)}" if git else "there is no git source"
        raise UsageError(f"--update={unknown[0]} names no git source ({known})")
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


def _pin_of(spec: str, pins: Mapping[str, str]) -> str | None:
    if not pins:
        return None
    try:
        key = spellings.parse_git(spec).display()
    except spellings.SpecError:
        return None
    return pins.get(key)
