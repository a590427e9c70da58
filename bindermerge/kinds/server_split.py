"""The conflict of a legacy Python kernel with other sources' server-side packages.

Two kinds can send packages to the kernel environment of their own that repo2docker builds
below Python 3.7: environment.yml (:mod:`bindermerge.kinds.environment.kernel`) and
requirements.txt with a runtime.txt (:mod:`bindermerge.kinds.runtime`). Each finds its pins and
the packages they move; the conflict between them is worded and resolved the same way here.
"""

from __future__ import annotations

from collections.abc import Sequence

from bindermerge.context import MergeContext
from bindermerge.model import Origin


def record(
    ctx: MergeContext,
    kind: str,
    file: str,
    xy: str,
    moved: str,
    into: str,
    pins: Sequence[Origin],
    affected: Sequence[tuple[str, Origin]],
) -> bool:
    """Record, as a conflict of ``kind`` on ``file``, that Python ``xy`` (asked for at
    ``pins``) makes repo2docker install the file ``moved`` ``into`` a kernel environment, away
    from the server-side packages ``affected`` (name, where asked for).

    Returns True when a package's side won under ``--on-conflict first|last``: the pins lose.
    """
    sides = ctx.in_source_order([*pins, *(o for _, o in affected)])
    names = ", ".join(dict.fromkeys(name for name, _ in affected))
    reason = (
        f"Python {xy} makes repo2docker install {moved} into {into}; the server-side packages "
        f"{names} were installed beside the notebook server when their sources were built alone"
    )
    keep = ctx.conflict(kind, file, "python", sides, reason)
    return ctx.options.on_conflict != "fail" and sides[keep] not in pins
