"""Merging the sources' fragments: dependencies package by package, the Python pin, the pip
block, variables and the keys bindermerge carries without merging; the Python checked for
where it sends other sources' server extensions (:mod:`.kernel`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bindermerge.context import MergeContext
from bindermerge.kinds.environment import buildpack, kernel
from bindermerge.kinds.environment.channels import merge_channels
from bindermerge.kinds.environment.fold import chosen, fold
from bindermerge.kinds.environment.model import (
    FILE,
    NAME,
    UNFOLDED_CONSTRAINTS,
    Carried,
    Dependency,
    EnvFragment,
    MergedDependency,
    MergedEnvironment,
)
from bindermerge.kinds.runtime import Runtime
from bindermerge.model import Origin
from bindermerge.repo2docker.python import conda_python_built, conda_python_pin
from bindermerge.specs import conda as conda_specs
from bindermerge.specs import pip
from bindermerge.specs.conda_pip_names import pypi_names


def merge(fragments: Sequence[EnvFragment], ctx: MergeContext) -> MergedEnvironment:
    """Merge every source's environment file, folding requirements.txt and runtime.txt."""
    order = {name: i for i, name in enumerate(ctx.source_names)}
    frags = chosen(fragments, ctx)
    folded_reqs, python_runtimes, alone = fold(frags, ctx)

    merged = MergedEnvironment()
    merged.name = ctx.options.name or next((f.name[0] for f in frags if f.name), None)
    merged.channels = merge_channels(frags, ctx)
    for f in frags:
        if f.prefix is not None:
            ctx.warn(
                "environment-prefix-dropped",
                "dropped 'prefix:': repo2docker installs into its own environment",
                f.prefix,
            )
        if len(f.pip_blocks) > 1:
            ctx.warn(
                "environment-several-pip-blocks",
                "several pip: blocks; conda would read only the last one, bindermerge merged all",
                *f.pip_blocks,
            )
        for note in f.notes:
            merged.notes[note.origin] = note

    pip_frags = [(order.get(p.origin.source, 0), 0, p) for f in frags for p in f.pip]
    pip_frags += [(order.get(p.origin.source, 0), 1, p) for p in folded_reqs]
    pip_frags.sort(key=lambda t: (t[0], t[1]))
    if pip_frags:
        merged.pip = pip.merge_fragments([p for _, _, p in pip_frags], ctx, kind=NAME, file=FILE)
        if not (merged.pip.options or merged.pip.requirements or merged.pip.constraints):
            merged.pip = None
    if "requirements" not in ctx.consumed:
        merged.constraints_file = UNFOLDED_CONSTRAINTS

    groups = _dependency_groups(frags, python_runtimes, order)
    merged.dependencies = [_merge_group(key, deps, ctx) for key, deps in groups.items()]
    merged.dependencies.sort(key=lambda d: d.name != "python")  # python first, the rest as seen
    if merged.pip is not None and all(d.name != "pip" for d in merged.dependencies):
        merged.dependencies.append(
            MergedDependency(
                "pip", "pip", [], added="added by bindermerge: the pip: block needs it"
            )
        )
    python_deps = groups.get("python", [])
    lost = kernel.check(merged, python_deps, [p for _, _, p in pip_frags], alone, ctx)
    lost |= buildpack.check(merged, python_deps, ctx)
    if lost:
        _drop_python_pins(merged, python_deps, lost, ctx)
    _warn_conda_and_pip(merged, [p for _, _, p in pip_frags], ctx)
    merged.variables = _merge_variables(frags, ctx)
    kept = _merge_others(frags, ctx)
    merged.others = [(c.key, c.value) for c in kept]
    merged.other_comments = {c.key: c.comment for c in kept if c.comment}
    return merged


def _dependency_groups(
    frags: Sequence[EnvFragment], python_runtimes: Sequence[Runtime], order: dict[str, int]
) -> dict[str, list[Dependency]]:
    """Every source's specs by package, in source order; a folded runtime.txt is a python spec."""
    groups: dict[str, list[Dependency]] = {}
    for f in frags:
        for dep in f.dependencies:
            groups.setdefault(dep.spec.name, []).append(dep)
    for rt in python_runtimes:
        where = rt.origin.at(rt.origin.line or 1, rt.text)
        spec = conda_specs.parse_spec(f"python={rt.version}", where)
        groups.setdefault("python", []).append(Dependency(spec))
    for deps in groups.values():
        deps.sort(key=lambda d: order.get(d.spec.origin.source, 0))  # stable: file order kept
    return groups


def _drop_python_pins(
    merged: MergedEnvironment,
    python_deps: Sequence[Dependency],
    lost: set[Origin],
    ctx: MergeContext,
) -> None:
    """The python entry without the pins that lost a conflict (``--on-conflict first|last``).

    Only specs that were part of the entry are merged again: they combined before, so any
    subset of them combines without a new conflict.
    """
    at = next(i for i, d in enumerate(merged.dependencies) if d.name == "python")
    kept = [d for d in python_deps if d.spec.origin in merged.dependencies[at].origins]
    kept = [d for d in kept if d.spec.origin not in lost]
    if kept:
        merged.dependencies[at] = _merge_group("python", kept, ctx)
    else:
        del merged.dependencies[at]


def _merge_group(key: str, deps: list[Dependency], ctx: MergeContext) -> MergedDependency:
    active = list(deps)
    while True:
        result = conda_specs.combine([d.spec for d in active])
        if isinstance(result, conda_specs.Combined):
            break
        sides = list(result.specs)
        keep = ctx.conflict(NAME, FILE, key, [s.origin for s in sides], result.reason)
        losers = {id(s) for i, s in enumerate(sides) if i != keep}
        if result.field == "version":
            lost = {s.version for s in sides if id(s) in losers}
            active = [d for d in active if d.spec.version not in lost or d.spec is sides[keep]]
        else:
            lost_values = {getattr(s, result.field) for s in sides if id(s) in losers}
            active = [d for d in active if getattr(d.spec, result.field) not in lost_values]
    text = result.text
    if key == "python":
        text = _python_text(result, active, ctx)
    merged = MergedDependency(key, text, [])
    # Sources whose request lost a conflict are named in the conflict, not as a provenance.
    for d in active:
        if d.spec.origin not in merged.origins:
            merged.origins.append(d.spec.origin)
        if d.comment and d.comment not in merged.comments:
            merged.comments.append(d.comment)
        for line in d.leading:
            if line not in merged.leading:
                merged.leading.append(line)
    return merged


def _python_text(result: conda_specs.Combined, active: list[Dependency], ctx: MergeContext) -> str:
    """The python entry as repo2docker must read it.

    repo2docker takes the version from the first dependency matching its python regex
    (:mod:`bindermerge.repo2docker.python`): whenever the merged spec pins ``X.Y`` the entry
    is written so that the regex reads ``X.Y``.
    """
    xy = conda_specs.pinned_minor(result.version)
    if xy is None:
        picked = conda_python_built(result.text)
        if result.version is not None and not conda_specs.allows(result.version, picked):
            ctx.warn(
                "environment-python-unpinned",
                f"{result.text!r} does not pin a Python X.Y, so repo2docker builds for "
                f"Python {picked}, which the spec excludes; write python=X.Y",
                *[d.spec.origin for d in active if d.spec.version is not None],
            )
        return result.text
    if conda_python_pin(result.text) == xy and not result.channel:
        return result.text
    if result.channel:
        ctx.warn(
            "environment-python-channel",
            f"dropped the channel of {result.text!r}: repo2docker reads the Python version only "
            "from a dependency starting with 'python='",
            *[d.spec.origin for d in active if d.spec.channel],
        )
    return conda_specs.render_python(result.version, result.build, result.attributes)


def _warn_conda_and_pip(
    merged: MergedEnvironment, pip_frags: Sequence[pip.PipFragment], ctx: MergeContext
) -> None:
    if merged.pip is None:
        return
    pip_origin: dict[str, Origin] = {}
    for frag in pip_frags:
        for r in frag.requirements:
            if r.requirement is not None and not r.constraint:
                pip_origin.setdefault(r.key, r.origin)
    for dep in merged.dependencies:
        if dep.added or dep.name == "pip":
            continue
        for name in pypi_names(dep.name):
            if name in pip_origin:
                ctx.warn(
                    "environment-conda-and-pip",
                    f"{name} is installed by conda ({dep.text!r}) and by pip "
                    f"({pip_origin[name].text!r}); pip's copy replaces conda's and can break "
                    "packages that depend on it: keep one",
                    *dep.origins[:1],
                    pip_origin[name],
                )


def _merge_variables(
    frags: Sequence[EnvFragment], ctx: MergeContext
) -> list[tuple[str, str, list[Origin]]]:
    values: dict[str, list[tuple[str, Origin]]] = {}
    for f in frags:
        for key, value, origin in f.variables:
            values.setdefault(key, []).append((value, origin))
    out = []
    for key, seen in values.items():
        distinct: list[tuple[str, Origin]] = []
        for value, origin in seen:
            if all(v != value for v, _ in distinct):
                distinct.append((value, origin))
        keep = 0
        if len(distinct) > 1:
            keep = ctx.conflict(
                NAME, FILE, f"variables.{key}", [o for _, o in distinct], "different values"
            )
        out.append((key, distinct[keep][0], [o for _, o in seen]))
    return out


def _merge_others(frags: Sequence[EnvFragment], ctx: MergeContext) -> list[Carried]:
    """The first source's value of each unknown key, with a warning (a second when they differ)."""
    kept: dict[str, Carried] = {}
    for f in frags:
        for carried in f.others:
            first = kept.get(carried.key)
            if first is None:
                kept[carried.key] = carried
                ctx.warn(
                    "environment-unknown-key",
                    f"top-level key {carried.key!r} is not merged; kept "
                    f"{carried.origin.source}'s as written",
                    carried.origin,
                )
            elif not _same(first.value, carried.value):
                ctx.warn(
                    "environment-unknown-key",
                    f"top-level key {carried.key!r} differs; kept {first.origin.source}'s, "
                    f"dropped {carried.origin.source}'s",
                    first.origin,
                    carried.origin,
                )
    return list(kept.values())


def _same(a: object, b: object) -> bool:
    """Equal values of the same types (``1`` and ``True`` or ``1.0`` are different YAML)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, str) and isinstance(b, str):
        return a == b  # however each source quoted it
    return type(a) is type(b) and a == b
