"""Which files of a source the environment kind takes over: environment.yml over .yaml, and
requirements.txt and a Python runtime.txt folded in (repo2docker ignores both next to an
environment file, so their packages must travel inside it).
"""

from __future__ import annotations

from collections.abc import Sequence

from bindermerge.context import MergeContext
from bindermerge.kinds.environment.model import FILE, EnvFragment
from bindermerge.kinds.runtime import Runtime
from bindermerge.repo2docker.constants import DEFAULT_PYTHON
from bindermerge.specs import pip


def chosen(fragments: Sequence[EnvFragment], ctx: MergeContext) -> list[EnvFragment]:
    """One environment file per source: environment.yml over environment.yaml, as repo2docker."""
    out = []
    for f in fragments:
        if f.ignored:
            ctx.warn(
                "environment-yaml-ignored",
                f"ignored: {f.origin.source} also has {FILE}, which repo2docker reads instead",
                f.origin,
            )
        else:
            out.append(f)
    return out


def fold(ctx: MergeContext) -> tuple[list[pip.PipFragment], list[Runtime]]:
    """Take over requirements.txt and Python runtime.txt, or say why they stay apart.

    A runtime.txt naming R is never folded: it selects repo2docker's R buildpack, which
    reads environment.yml and requirements.txt both (so folding requirements.txt is still
    right) but takes its Python version from neither.
    """
    reqs = [f for f in ctx.fragments_of("requirements") if isinstance(f, pip.PipFragment)]
    runtimes = [f for f in ctx.fragments_of("runtime") if isinstance(f, Runtime)]
    python_rt = [r for r in runtimes if r.name == "python"]
    other_rt = [r for r in runtimes if r.name != "python"]
    if not ctx.options.fold:
        for f in reqs if not other_rt else ():
            ctx.warn(
                "environment-not-folded",
                f"kept apart (--no-fold): repo2docker ignores requirements.txt next to {FILE}, "
                "so these packages will not be installed",
                f.origin,
            )
        for r in python_rt:
            ctx.warn(
                "environment-not-folded",
                f"kept apart (--no-fold): repo2docker ignores runtime.txt's Python version next "
                f"to {FILE}",
                r.origin,
            )
        return [], []
    if reqs:
        ctx.consume("requirements")
    for r in other_rt:
        ctx.warn(
            "environment-runtime-r",
            f"not folded: runtime.txt {r.text!r} makes repo2docker use its R buildpack, which "
            f"installs {FILE} too but ignores its python pin and uses Python "
            f"{DEFAULT_PYTHON}",
            r.origin,
        )
    if runtimes and not other_rt:
        ctx.consume("runtime")
    return reqs, python_rt
