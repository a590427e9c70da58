"""A legacy Python moves the merged environment away from the notebook server.

Below Python 3.7 repo2docker builds the kernel an environment of its own and installs
environment.yml there, while the notebook server keeps its own Python. A server extension
(jupyter-server-proxy, a JupyterLab extension, nbgitpuller: :mod:`.server`) that another
source installed beside its notebook server then lands where the server cannot load it.
That is a conflict between the source whose Python pin makes the kernel separate and the
sources of those packages. Where each file's packages go, in the merged build and in each
source's own, is the repo2docker table's answer (:mod:`.alone`,
:func:`bindermerge.repo2docker.explain.explain`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bindermerge.context import MergeContext
from bindermerge.kinds import server_split
from bindermerge.kinds.environment.alone import Alone
from bindermerge.kinds.environment.model import FILE, NAME, Dependency, MergedEnvironment
from bindermerge.kinds.runtime import Runtime
from bindermerge.model import Origin
from bindermerge.repo2docker.constants import RUNTIME_TXT
from bindermerge.specs import conda as conda_specs
from bindermerge.specs import pip
from bindermerge.specs.server_packages import is_server_side

if TYPE_CHECKING:
    from bindermerge.repo2docker.explain import Explanation

# ENVIRONMENTS keys (repo2docker.table) the notebook server loads packages from.
_SERVER_SEES = frozenset({"notebook", "server"})


def check(
    merged: MergedEnvironment,
    python_deps: Sequence[Dependency],
    pip_frags: Sequence[pip.PipFragment],
    alone: Alone,
    ctx: MergeContext,
) -> set[Origin]:
    """Record a conflict when the merged Python sends other sources' server-side packages to
    a kernel environment of their own.

    ``python_deps`` are every source's python specs (folded runtime.txt included). Returns
    the origins of the python pins to drop: under ``--on-conflict first|last`` a package's
    side may win, and then the pins that made the kernel separate lose.
    """
    python = next((d for d in merged.dependencies if d.name == "python"), None)
    if python is None:
        return set()
    exp = _merged_explanation(python.text, ctx)
    xy = exp.python_version
    if exp.environment_of(f"binder/{FILE}") != "kernel" or xy is None:
        return set()
    pins = [
        d.spec.origin
        for d in python_deps
        if d.spec.origin in python.origins and conda_specs.pinned_minor(d.spec.version) == xy
    ] or [d.spec.origin for d in python_deps if d.spec.origin in python.origins]
    pin_sources = {o.source for o in pins}

    # (package, where it was asked for, the file repo2docker installed it from alone): a line
    # of an included file (``-r extra.txt``) was installed with the file that included it.
    requested: list[tuple[str, Origin, Origin]] = []
    for dep in merged.dependencies:
        if not dep.added and is_server_side(dep.name):
            requested += [(dep.name, o, o) for o in dep.origins]
    if merged.pip is not None:
        kept = {o for r in merged.pip.requirements for o in r.origins}
        for frag in pip_frags:
            for r in frag.requirements:
                named = r.requirement is not None and not r.constraint
                if named and r.origin in kept and is_server_side(r.key):
                    requested.append((r.key, r.origin, frag.origin))
    # Only what repo2docker put beside the notebook server when the source was built alone:
    # a source whose own Python was legacy already had these packages in its kernel's.
    affected = [
        (name, o)
        for name, o, installed_from in requested
        if o.source not in pin_sources and alone.environment(installed_from) in _SERVER_SEES
    ]
    if not affected:
        return set()

    into = exp.describe_environment("kernel")
    lost = server_split.record(ctx, NAME, FILE, xy, FILE, into, pins, affected)
    return set(pins) if lost else set()


def _merged_explanation(python_text: str, ctx: MergeContext) -> Explanation:
    """The table's explanation of the merged ``binder/`` as far as the Python goes: its
    environment.yml's python entry, and a runtime.txt this kind does not take over (an R one
    keeps the R buildpack, whose Python does not come from environment.yml)."""
    from bindermerge.repo2docker.explain import explain

    # JSON is YAML: the python entry quoted exactly, whatever it holds.
    files: dict[str, str | None] = {
        "binder/": None,
        f"binder/{FILE}": json.dumps({"dependencies": [python_text]}),
    }
    if "runtime" not in ctx.consumed:
        runtime = next(iter(ctx.fragments_of("runtime", Runtime)), None)
        if runtime is not None:
            files[f"binder/{RUNTIME_TXT}"] = runtime.text
    return explain(files)
