"""start: each source's start kept as it is, run one after the other as a chain of ``exec``.

repo2docker executes one start at every container start, from the container's working
directory, with the container's command as its arguments; a start does its setup and hands over
with ``exec "$@"``. Each source's start goes to its own folder of the output (next to its
auxiliary files). The generated ``start`` (``templates/start.sh.j2``) hands over to
``_start-handoff`` (``templates/start-handoff.sh.j2``), which runs the starts in turn: each one
gets the hand-off and its state as its arguments instead of the command, and when it hands over,
the hand-off runs the next one from the directory the container started in, as it would have
begun alone, and after the last one the command, from where the starts left it.

Every step replaces the process (``exec``), so the notebook server keeps the process id the
container started with, gets its signals directly, and its exit status is the container's;
variables a start exports reach the starts after it and the command; the command's arguments
arrive intact. Nothing waits for a start to fail, so the hand-off names each start on stderr
before it runs: when the container stops, the last ``bindermerge:`` line names the start that
failed, and the exit status is that start's own. A supervising parent could print "failed"
after the fact, but it would take the notebook server's place as the container's child, and
have to relay every signal, stdin and the way the server dies: more moving parts, and the
server no longer runs as it ran alone.

Ordering and conflicts:

* a start that never hands over (it runs its own server) runs last, given the command itself
  as it was alone; two such are a conflict, since only one can run last;
* when starts change the working directory before handing over to different places, the
  command cannot run where each left it: a conflict when the scripts say where they go,
  a warning when that depends on the run; at run time the hand-off compares the directories
  and, under ``--on-conflict fail``, stops the container naming both sources (``first`` /
  ``last`` keep the earliest / latest source's directory and say so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bindermerge.context import MergeContext
from bindermerge.kinds import Kind
from bindermerge.model import Origin, OutputFile
from bindermerge.render import templates
from bindermerge.render.layout import source_folders
from bindermerge.scripts.lint import (
    Script,
    directory_change,
    lint_each,
    lint_start,
    parse_script,
    runs_own_server,
)
from bindermerge.sources.base import SourceFile

NAME = "start"
FILE = "start"
# No source's folder can have this name: layout.sanitise drops a leading "_".
HANDOFF = "_start-handoff"
TEMPLATE = "start.sh.j2"
HANDOFF_TEMPLATE = "start-handoff.sh.j2"


@dataclass(frozen=True)
class StartChain:
    """The starts in the order they run; ``own_server`` when the last one never hands over."""

    starts: tuple[Script, ...]
    own_server: bool = False


def parse(file: SourceFile, view: object) -> Script:
    """The script's bytes (CRLF normalised) and its interpreter."""
    return parse_script(file)


def merge(fragments: Sequence[Script], ctx: MergeContext) -> StartChain:
    """Lint each start; order them (one that never hands over runs last); find conflicts."""
    scripts = lint_each(fragments, ctx, lint_start)
    own = [s for s in scripts if runs_own_server(s)]
    handing = [s for s in scripts if s not in own]
    if len(own) > 1:
        sides = [_no_handoff_side(s) for s in own]
        keep = ctx.conflict(
            NAME,
            FILE,
            "hand-off",
            sides,
            'none of these starts hands over with exec "$@": each runs its own server instead '
            "of the command, and only one of them can run, last",
        )
        own = [own[keep]]
    _check_directories(handing, ctx)
    return StartChain(tuple(handing + own), own_server=bool(own))


def _no_handoff_side(script: Script) -> Origin:
    finding = next(f for f in lint_start(script) if f.code == "start-no-exec")
    return finding.origin


def _check_directories(scripts: Sequence[Script], ctx: MergeContext) -> None:
    """Starts that hand over from different directories: the command can run in only one."""
    changes = [(s, c) for s in scripts if (c := directory_change(s)) is not None]
    if len(changes) < 2:
        return
    known = {c.target for _, c in changes if c.target is not None}
    if len(known) > 1:
        ctx.conflict(
            NAME,
            FILE,
            "working directory",
            [c.origin for _, c in changes if c.target is not None],
            "these starts hand over to the command in different directories, and it can run "
            "in only one",
        )
    if any(c.target is None for _, c in changes):
        names = ", ".join(s.origin.source for s, _ in changes)
        ctx.warn(
            "start-cd-may-differ",
            f"the starts of {names} change the working directory before handing over, and the "
            "command can run in only one directory: when they disagree at run time, the "
            "merged start stops the container naming both (see --on-conflict)",
            *(c.origin for _, c in changes),
        )


def render(merged: StartChain, ctx: MergeContext) -> list[OutputFile]:
    """Each source's ``<folder>/start`` (executable), the generated ``start`` and its hand-off."""
    folders = source_folders(ctx.source_names)
    starts = merged.starts
    files = [OutputFile(f"{folders[s.origin.source]}/{FILE}", s.data, 0o755) for s in starts]
    steps = [
        {
            "source": s.origin.source,
            "folder": folders[s.origin.source],
            "run": "exec" if s.shebang else "sh",
        }
        for s in starts
    ]
    header = ctx.header()
    text = templates.render(TEMPLATE, header=header, handoff=HANDOFF)
    handoff = templates.render(
        HANDOFF_TEMPLATE,
        header=header,
        steps=steps,
        own_server=merged.own_server,
        on_conflict=ctx.options.on_conflict,
    )
    files.append(OutputFile(FILE, text.encode("utf-8"), 0o755))
    # Run through /bin/sh by start, so it needs no executable bit (git may lose it).
    files.append(OutputFile(HANDOFF, handoff.encode("utf-8"), 0o644))
    return files


KIND = Kind(NAME, parse, merge, render)
