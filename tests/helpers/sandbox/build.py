"""What repo2docker's build runs for a repository, read from the Dockerfile it renders.

The real repo2docker (via :func:`helpers.r2d.inspect_dir`) picks the buildpack and renders the
Dockerfile; this module keeps, from the part that depends on the repository (after repo2docker's
``# Run pre-assemble scripts!`` comment), the commands that install what the repository asks
for and the postBuild and start it runs:

* installers (``apt-get install``, ``mamba env update --file``, ``pip install -r``,
  ``Rscript``, ``julia``), to be run with the sandbox's stubs from the repository root;
* ``./binder/postBuild`` (to be run by ``/bin/sh -c`` as Docker's ``RUN`` does, which is what
  makes a script without ``#!`` run under ``sh``);
* the start from ``ENV R2D_ENTRYPOINT``.

Nothing of the Dockerfile is executed as written: its other commands (``rm -rf
/var/lib/apt/lists/*``, ``apt-get update``, ...) would act on this machine.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field

MARKER = "# Run pre-assemble scripts!"
INSTALLERS = frozenset({"apt-get", "mamba", "conda", "micromamba", "pip", "Rscript", "R", "julia"})
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", ";;"})
_KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "time", "!", "do", "done"})


@dataclass(frozen=True)
class Install:
    """One installer call: its argv (program name first, variables expanded) and extra env."""

    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()


@dataclass
class BuildPlan:
    """The repository-dependent part of a repo2docker build."""

    installs: list[Install] = field(default_factory=list)
    postbuild: str | None = None  # as the Dockerfile runs it: "./binder/postBuild"
    start: str | None = None  # R2D_ENTRYPOINT, variables expanded


def plan(dockerfile: str, env: Mapping[str, str]) -> BuildPlan:
    """The installers, postBuild and start of a rendered Dockerfile, with ``env`` expanded."""
    out = BuildPlan()
    tail = dockerfile.split(MARKER, 1)[1] if MARKER in dockerfile else dockerfile
    for instruction in _instructions(tail):
        keyword, _, body = instruction.partition(" ")
        if keyword == "RUN":
            for segment in _segments(body):
                _take(segment, env, out)
        elif keyword == "ENV":
            m = re.match(r'R2D_ENTRYPOINT[= ]"?([^"]+)"?', body.strip())
            if m:
                out.start = _expand(m.group(1), env)
    return out


def _instructions(text: str) -> list[str]:
    joined = re.sub(r"\\\n", " ", text)
    return [
        ln.strip() for ln in joined.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]


def _segments(body: str) -> list[list[str]]:
    """The simple commands of a shell text (split at ``&&``, ``||``, ``;``, ``|``, ``&``)."""
    lexer = shlex.shlex(body, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    segments: list[list[str]] = [[]]
    for tok in lexer:
        if tok in _SEPARATORS:
            segments.append([])
        else:
            segments[-1].append(tok)
    return [s for s in segments if s]


def _is_assignment(tok: str) -> bool:
    return re.match(r"[A-Za-z_][A-Za-z0-9_]*=", tok) is not None


def _take(segment: list[str], env: Mapping[str, str], out: BuildPlan) -> None:
    extra: list[tuple[str, str]] = []
    words = list(segment)
    while words and (words[0] in _KEYWORDS or _is_assignment(words[0])):
        if _is_assignment(words[0]):
            name, _, value = words[0].partition("=")
            extra.append((name, _expand(value, env)))
        words = words[1:]
    if words and os.path.basename(words[0]) in ("bash", "sh") and "-c" in words:
        for inner in _segments(words[words.index("-c") + 1]):
            _take(inner, env, out)
        return
    if not words:
        return
    argv = [_expand(w, env) for w in words]
    program = os.path.basename(argv[0])
    if program == "postBuild" or argv[0].endswith("/postBuild"):
        out.postbuild = words[0]
        return
    if program not in INSTALLERS:
        return
    if program == "apt-get" and "install" not in argv:
        return
    if program in ("mamba", "conda", "micromamba") and not (
        {"update", "create", "install"} & set(argv[1:3])
    ):
        return  # clean, list
    step = Install((program, *argv[1:]), tuple(extra))
    if step not in out.installs:  # R's install.R appears again, guarded by /tmp/.preassembled
        out.installs.append(step)


def _expand(text: str, env: Mapping[str, str]) -> str:
    return re.sub(
        r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)",
        lambda m: env.get(m.group(1) or m.group(2), ""),
        text,
    )
