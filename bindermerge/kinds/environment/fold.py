"""Which files of a source the environment kind takes over: environment.yml over .yaml, and
the requirements.txt and Python runtime.txt that repo2docker used for that source alone.

The merged ``binder/`` has one environment.yml, next to which repo2docker ignores
requirements.txt and runtime.txt: a file it used must travel inside environment.yml. A file it
ignored already (requirements.txt beside the source's own environment.yml) must not start
to count: it stays out, said once at info level, unless ``--fold-ignored`` asks for it. Which
files repo2docker used is the table's answer for each source alone (:mod:`.alone`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bindermerge.context import MergeContext
from bindermerge.kinds.environment.alone import Alone
from bindermerge.kinds.environment.model import FILE, EnvFragment
from bindermerge.kinds.runtime import Runtime
from bindermerge.model import Origin
from bindermerge.repo2docker.constants import DEFAULT_PYTHON, REQUIREMENTS_TXT, RUNTIME_TXT
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


def fold(
    frags: Sequence[EnvFragment], ctx: MergeContext
) -> tuple[list[pip.PipFragment], list[Runtime], Alone]:
    """Take over requirements.txt and Python runtime.txt, or say why they stay apart.

    Returns the requirements and Python runtimes to fold, and what repo2docker did with each
    source alone (for the checks that follow). A runtime.txt naming R is never folded: it
    selects repo2docker's R buildpack, which reads environment.yml and requirements.txt both
    (so folding requirements.txt is still right) but takes its Python version from neither.
    """
    reqs = [f for f in ctx.fragments_of("requirements") if isinstance(f, pip.PipFragment)]
    runtimes = [f for f in ctx.fragments_of("runtime") if isinstance(f, Runtime)]
    python_rt = [r for r in runtimes if r.name == "python"]
    other_rt = [r for r in runtimes if r.name != "python"]
    alone = Alone(frags, runtimes)
    if not ctx.options.fold:
        _not_folded(
            [f.origin for f in reqs if not other_rt and alone.used(f.origin)],
            [r.origin for r in python_rt if alone.used(r.origin)],
            ctx,
        )
        return [], [], alone
    take_all = ctx.options.fold_ignored
    folded_reqs = [f for f in reqs if take_all or alone.used(f.origin)]
    folded_rt = [r for r in python_rt if take_all or alone.used(r.origin)]
    left_out = [f.origin for f in reqs if f not in folded_reqs]
    left_out += [r.origin for r in python_rt if r not in folded_rt]
    if left_out:
        ctx.note(
            "environment-ignored-not-folded",
            f"not folded: repo2docker ignored these files next to their own source's {FILE}, "
            "so they stay out of the merged one (--fold-ignored folds them in)",
            *sorted(left_out, key=lambda o: (ctx.source_names.index(o.source), o.file)),
        )
    if reqs:
        ctx.consume("requirements")  # the ones left out stay out of the output, as they did
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
    elif other_rt:
        # The R runtime.txt is written as it is; a Python one that repo2docker ignored beside
        # its source's environment.yml must not join it (and conflict) now.
        ctx.withhold("runtime", [r for r in python_rt if r not in folded_rt])
    return folded_reqs, folded_rt, alone


def _not_folded(reqs: Sequence[Origin], runtimes: Sequence[Origin], ctx: MergeContext) -> None:
    """``--no-fold``: one warning naming every file repo2docker will now ignore."""
    what = [name for name, files in ((REQUIREMENTS_TXT, reqs), (RUNTIME_TXT, runtimes)) if files]
    if not what:
        return
    lost = []
    if reqs:
        lost.append("these packages will not be installed")
    if runtimes:
        lost.append("this Python version will not be used")
    ctx.warn(
        "environment-not-folded",
        f"kept apart (--no-fold): repo2docker ignores {' and '.join(what)} next to {FILE}, "
        f"so {' and '.join(lost)}",
        *reqs,
        *runtimes,
    )
