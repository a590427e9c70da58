"""Channels: a union that keeps every source's own order.

First-seen order decides where the sources say nothing; a pair two sources order differently
keeps the earlier source's order, with a warning. ``nodefaults`` wins over ``defaults`` and
goes last.
"""

from __future__ import annotations

from collections.abc import Sequence

from bindermerge.context import MergeContext
from bindermerge.kinds.environment.model import EnvFragment
from bindermerge.model import Origin


def merge_channels(
    frags: Sequence[EnvFragment], ctx: MergeContext
) -> list[tuple[str, list[Origin]]]:
    """Union of channels that keeps each source's order; first-seen order breaks ties.

    ``before`` is the transitive closure of the accepted "a before b" facts with the origin
    that established each. A source that contradicts an accepted fact loses (with a warning):
    the earlier source's order stands.
    """
    origins: dict[str, list[Origin]] = {}
    before: dict[tuple[str, str], Origin] = {}
    nodefaults: list[Origin] = []
    for f in frags:
        listed: list[Origin] = []
        for o in f.channels:
            if o.text == "nodefaults":
                nodefaults.append(o)
                continue
            if o.text == "default":
                ctx.warn(
                    "environment-channel-default",
                    "channel 'default' does not exist; did you mean 'defaults'?",
                    o,
                )
            if all(x.text != o.text for x in listed):
                listed.append(o)
            origins.setdefault(o.text, []).append(o)
        for i, a in enumerate(listed):
            for b in listed[i + 1 :]:
                _order_pair(a, b, before, ctx)
    if nodefaults:
        relying = origins.pop("defaults", [])
        if relying:
            ctx.warn(
                "environment-nodefaults",
                "dropped channel 'defaults': another source has 'nodefaults'; packages only on "
                "the defaults channel will not be found",
                *relying,
                nodefaults[0],
            )
    names = _topological(list(origins), before)
    out = [(n, origins[n]) for n in names]
    if nodefaults:
        out.append(("nodefaults", nodefaults))
    return out


def _order_pair(
    a: Origin, b: Origin, before: dict[tuple[str, str], Origin], ctx: MergeContext
) -> None:
    if (a.text, b.text) in before:
        return
    if (b.text, a.text) in before:
        earlier = before[(b.text, a.text)]
        ctx.warn(
            "environment-channel-order",
            f"channels ordered differently: {earlier.source} puts {b.text!r} before {a.text!r}, "
            f"{a.source} puts {a.text!r} before {b.text!r}; kept {earlier.source}'s order",
            earlier,
            a,
        )
        return
    nodes = {x for pair in before for x in pair} | {a.text, b.text}
    # Every new fact gets the same origin (a), so the set's iteration order cannot show.
    ups = [x for x in nodes if x == a.text or (x, a.text) in before]
    downs = [y for y in nodes if y == b.text or (b.text, y) in before]
    for x in ups:
        for y in downs:
            before.setdefault((x, y), a)


def _topological(names: list[str], before: dict[tuple[str, str], Origin]) -> list[str]:
    placed: list[str] = []
    left = list(names)  # first-seen order
    while left:
        ready = next(n for n in left if not any((m, n) in before for m in left if m != n))
        placed.append(ready)
        left.remove(ready)
    return placed
