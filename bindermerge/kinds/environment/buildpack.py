"""Where repo2docker takes the Python from when another kind picks the buildpack.

A merge with a Julia project (Project.toml) or an R runtime.txt is built by repo2docker's Julia
or R buildpack, which take the Python version from runtime.txt only: environment.yml's
``python=3.11`` then no longer decides the base environment (Python 3.10, and the pin is left
to ``mamba env update``). A source that asked for its Python alone would not get it.

For Julia the merge writes what the source would have needed alone: ``runtime.txt`` naming the
same Python (the Julia buildpack reads it). For R runtime.txt names R, so no file can say both:
that is a conflict between the Python pins and the R runtime. The repo2docker table
(:func:`bindermerge.repo2docker.explain.explain`) answers which Python each build gets.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from bindermerge.context import MergeContext
from bindermerge.kinds.environment.model import FILE, NAME, Dependency, MergedEnvironment
from bindermerge.kinds.runtime import Runtime
from bindermerge.model import Origin
from bindermerge.repo2docker.constants import DEFAULT_PYTHON, PROJECT_TOML, RUNTIME_TXT


def check(
    merged: MergedEnvironment, python_deps: Sequence[Dependency], ctx: MergeContext
) -> set[Origin]:
    """Under the Julia buildpack, set ``merged.runtime`` to the pinned Python; under the R
    buildpack, record a conflict when the pin is not the Python that buildpack builds.
    Returns the python pins to drop (the R side won the conflict)."""
    python = next((d for d in merged.dependencies if d.name == "python"), None)
    if python is None:
        return set()
    julia = [f for f in ctx.fragments_of("julia_project") if getattr(f, "role", "") == "project"]
    r_runtime = next((r for r in ctx.fragments_of("runtime", Runtime) if r.name == "r"), None)
    if not julia and r_runtime is None:
        return set()
    from bindermerge.repo2docker.explain import explain

    # The pin alone (what its source asked for), then beside what picks the buildpack.
    environment = json.dumps({"dependencies": [python.text]})  # JSON is YAML
    files: dict[str, str | None] = {"binder/": None, f"binder/{FILE}": environment}
    wanted = explain(files).python_version
    if julia:
        files[f"binder/{PROJECT_TOML}"] = "[deps]\n"
    if r_runtime is not None:
        files[f"binder/{RUNTIME_TXT}"] = r_runtime.text
    built = explain(files).python_version or DEFAULT_PYTHON
    if wanted is None or wanted == built:
        return set()
    pins = [d.spec.origin for d in python_deps if d.spec.origin in python.origins]
    if r_runtime is None:  # Julia: runtime.txt says what environment.yml no longer can
        merged.runtime = f"python-{wanted}"
        ctx.note(
            "environment-python-for-julia",
            f"wrote {RUNTIME_TXT} 'python-{wanted}': with a Julia project repo2docker takes the "
            f"Python version from {RUNTIME_TXT} only, and would otherwise build Python {built}",
            *pins,
        )
        return set()
    sides = ctx.in_source_order([*pins, r_runtime.origin])
    reason = (
        f"{RUNTIME_TXT} {r_runtime.text!r} makes repo2docker build Python {built} and take no "
        f"Python version from {FILE}, where python {wanted} was asked for (an R runtime.txt "
        "cannot name a Python too)"
    )
    keep = ctx.conflict(NAME, FILE, "python", sides, reason)
    if ctx.options.on_conflict != "fail" and sides[keep] == r_runtime.origin:
        return set(pins)
    return set()
