"""What bindermerge needs to know about a source's scripts before chaining them.

repo2docker runs exactly one ``postBuild`` and one ``start``; bindermerge keeps each source's
script as it is (CRLF aside) in that source's folder of the output and chains them. This module
holds the logic both script kinds share:

* :func:`read_shebang` -- which interpreter the kernel would pick (none: ``/bin/sh`` for
  postBuild, "Exec format error" for start);
* :func:`lint_start` -- does the start hand over with an unconditional ``exec "$@"``, or does
  the chain (and the notebook server) stop there (:func:`shell_handoff` reads the script's
  structure through :mod:`bindermerge.scripts.shell`); :func:`runs_own_server` and
  :func:`directory_change` tell the start kind how to order the starts and where each one
  leaves the working directory;
* :func:`lint_postbuild` -- bash syntax in a script that ``/bin/sh`` (dash) will run;
* :func:`lint_each` -- runs a lint over each script and has the merge's paths reported: where
  every path a script uses resolves merged is :mod:`bindermerge.scripts.placement`'s business
  (read by :mod:`bindermerge.scripts.paths`).

Findings are :class:`Finding` values; the kinds turn them into warnings.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bindermerge.context import MergeContext
from bindermerge.model import Origin
from bindermerge.scripts.shell import CONDITIONAL, SUBSHELL, Command, commands
from bindermerge.sources.base import SourceFile

Family = Literal["shell", "python", "r", "other"]

SCRIPT_NAMES = frozenset({"postBuild", "start", "install.R"})
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox"})
# The name the merged configuration directory is spoken of in messages (the CLI's usual -o).
OUTPUT_DIR_NAME = "binder"


@dataclass(frozen=True)
class Shebang:
    """A script's ``#!`` line: the full line, the interpreter's name and its family.

    ``interpreter`` is the program the kernel ends up running (``python3`` for
    ``#!/usr/bin/env python3``), ``family`` says how bindermerge reads the script.
    """

    line: str
    interpreter: str
    family: Family


@dataclass(frozen=True)
class Script:
    """One source's postBuild or start, ready to be written to the source's folder.

    ``data`` is the file byte-for-byte except that CRLF became LF (``had_crlf`` remembers it);
    ``shebang`` is None when the first line is not ``#!...``.
    """

    origin: Origin
    data: bytes
    had_crlf: bool
    had_bom: bool
    shebang: Shebang | None
    mode: int

    @property
    def family(self) -> Family:
        """How the script will be interpreted: no shebang means a POSIX shell."""
        return self.shebang.family if self.shebang else "shell"

    def text(self) -> str:
        """The script as text for scanning; bytes that are not UTF-8 are replaced, not fatal."""
        return self.data.decode("utf-8", errors="replace")


@dataclass(frozen=True, order=True)
class Finding:
    """Something a lint found in one place of a script: a warning code, a message, where."""

    code: str
    message: str
    origin: Origin


def read_shebang(data: bytes) -> Shebang | None:
    """The ``#!`` line of a script, or None when there is none (a byte-order mark hides it).

    ``#!/usr/bin/env python3`` and ``#!/usr/bin/env -S bash -e`` name the program after env's
    options, as the kernel and env would run them.
    """
    if not data.startswith(b"#!"):
        return None
    line = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r")
    words = line[2:].split()
    if not words:
        return Shebang(line, "", "other")
    program = os.path.basename(words[0])
    if program == "env":
        rest = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        program = os.path.basename(rest[0]) if rest else "env"
    return Shebang(line, program, _family(program))


def _family(program: str) -> Family:
    if program in SHELLS:
        return "shell"
    if re.fullmatch(r"python[0-9.]*", program):
        return "python"
    if program in ("Rscript", "R"):
        return "r"
    return "other"


def parse_script(file: SourceFile) -> Script:
    """Read a postBuild/start: bytes kept, CRLF turned into LF, shebang identified."""
    data = file.data.replace(b"\r\n", b"\n")
    return Script(
        origin=file.origin,
        data=data,
        had_crlf=file.had_crlf,
        had_bom=file.data.startswith(b"\xef\xbb\xbf"),
        shebang=read_shebang(data),
        mode=file.mode,
    )


def common_findings(script: Script, what: str) -> list[Finding]:
    """Findings for any script: CRLF line endings (normalised) and a byte-order mark."""
    found = []
    if script.had_crlf:
        found.append(
            Finding(
                f"{what}-crlf",
                f"{what} has CRLF line endings; written with LF so that its shebang and "
                "commands work on Linux",
                script.origin,
            )
        )
    if script.had_bom:
        found.append(
            Finding(
                f"{what}-bom",
                f"{what} starts with a UTF-8 byte-order mark, which hides its #! line: "
                "it runs under /bin/sh as with repo2docker; remove the mark",
                script.origin.at(1),
            )
        )
    return found


# --- lines of a shell script -----------------------------------------------------------------


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each logical line: continuations joined, comments dropped.

    Good enough for the short scripts people write for Binder; heredoc bodies are read as
    code, which at worst adds a line that is not a command.
    """
    out: list[tuple[int, str]] = []
    pending = ""
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        if not pending:
            start = number
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        line = (pending + raw).strip()
        pending = ""
        if not line or line.startswith("#"):
            continue
        out.append((start, line))
    if pending.strip():
        out.append((start, pending.strip()))
    return out


def _strip_quoted(line: str) -> str:
    return re.sub(r"'[^']*'|\"(?:\\.|[^\"\\])*\"", "''", line)


# --- how a start hands over ------------------------------------------------------------------

# The words that pass a start's arguments on: "$@" and "${@}", or unquoted $@ ${@} $* ${*}
# (which split arguments holding spaces, as they did alone).
_ARGS_QUOTED = frozenset({'"$@"', '"${@}"'})
_ARGS_UNQUOTED = frozenset({"$@", "${@}", "$*", "${*}"})
_PYTHON_EXEC = re.compile(r"\bos\.exec\w*\s*\(")
_PYTHON_CHDIR = re.compile(r"\bos\.chdir\s*\((.*)\)")

HandOffStatus = Literal["always", "conditional", "never-called", "child", "none"]


@dataclass(frozen=True)
class HandOff:
    """How a shell start hands over to its arguments.

    ``status`` is ``always`` (an ``exec "$@"`` that runs whenever the script gets that far:
    nothing after it can run), ``conditional`` (inside ``if``/``case``/a loop or behind ``&&``
    / ``||``), ``never-called`` (in a function nobody calls), ``child`` (the arguments are run
    but not by ``exec`` at the top: in a pipeline, a subshell, the background, or as a plain
    command, so the command runs as the script's child) or ``none`` (the start never uses its
    arguments: it runs its own server). ``command`` is the command that hands over (or the call
    of the function that does); ``function`` the function holding it when ``never-called``.
    """

    status: HandOffStatus
    command: Command | None = None
    function: str | None = None


def _passes_arguments(command: Command) -> bool:
    return any(w in _ARGS_QUOTED or w in _ARGS_UNQUOTED for w in command.args)


def _placement(command: Command, scope: str | None) -> HandOffStatus:
    """Whether ``command`` runs, within ``scope`` (a function, or None for the script), always,
    under a condition, or in another process."""
    blocks = command.blocks_within(scope)
    if command.before == "|" or command.after in ("|", "|&", "&") or SUBSHELL in blocks:
        return "child"
    if command.before in ("&&", "||") or any(b in CONDITIONAL for b in blocks):
        return "conditional"
    return "always"


def _handing_functions(commands: Sequence[Command]) -> set[str]:
    """Functions whose body always ends in a hand-off: ``main() { ...; exec "$@"; }``."""
    found: set[str] = set()
    changed = True
    while changed:  # a function that calls a handing function hands over too
        changed = False
        for c in commands:
            f = c.function
            if (
                f is not None
                and f not in found
                and _passes_arguments(c)
                and (c.name == "exec" or c.name in found)
                and _placement(c, f) == "always"
            ):
                found.add(f)
                changed = True
    return found


def shell_handoff(text: str) -> HandOff:
    """How the shell script ``text`` hands over to its arguments (see :class:`HandOff`).

    A call of a function that always hands over (``main "$@"``) counts as the hand-off.
    """
    cmds = commands(text)
    handing = _handing_functions(cmds)

    def hands(c: Command) -> bool:
        return _passes_arguments(c) and (c.name == "exec" or c.name in handing)

    top = [c for c in cmds if c.function is None and hands(c)]
    always = [c for c in top if _placement(c, None) == "always"]
    if always:
        return HandOff("always", always[0])
    called = {c.name for c in cmds}
    conditional = [c for c in top if _placement(c, None) == "conditional"] + [
        c
        for c in cmds
        if c.function is not None
        and c.function in called
        and c.name == "exec"
        and _passes_arguments(c)
        and _placement(c, c.function) != "child"
    ]
    if conditional:
        return HandOff("conditional", max(conditional, key=lambda c: c.line))
    uncalled = [c for c in cmds if c.function is not None and c.name == "exec" and hands(c)]
    if uncalled:
        return HandOff("never-called", uncalled[-1], uncalled[-1].function)
    # The arguments run as a child: "$@" as the command, or exec "$@" somewhere it cannot
    # replace the script. A wrapper without exec (xvfb-run "$@") reads like printf "%s" "$@":
    # neither is taken for a hand-off, and such a start runs last, given the command itself.
    child = [
        c for c in cmds if c.name in _ARGS_QUOTED or ("exec" in c.words and _passes_arguments(c))
    ]
    if child:
        return HandOff("child", child[-1])
    return HandOff("none", cmds[-1] if cmds else None)


def runs_own_server(script: Script) -> bool:
    """True when a start never hands over to its arguments (it runs its own server instead
    of ``exec "$@"``): in a chain it can only run last, and two such cannot both run."""
    return any(f.code == "start-no-exec" for f in lint_start(script))


def lint_start(script: Script) -> list[Finding]:
    """Why a start would not hand over: no shebang, or no unconditional ``exec "$@"``.

    repo2docker executes start directly (so it needs ``#!``) and the container's command
    arrives as its arguments: ``exec "$@"`` passes it on. Whatever follows an unconditional
    ``exec "$@"`` can never run (an ``exit``, a ``trap``, a function defined and never
    called), so it is not reported; a hand-off inside a condition, a pipeline
    (``xvfb-run exec "$@" | tee log``) or a function nobody calls is. Python starts must call
    ``os.exec*`` with ``sys.argv[1:]``; other interpreters are not checked.

    ``start-no-exec`` means the start never hands over (it runs its own server): see
    :func:`runs_own_server`.
    """
    found = common_findings(script, "start")
    origin = script.origin
    text = script.text()
    if script.shebang is None:
        found.append(
            Finding(
                "start-no-shebang",
                "start has no #! line: repo2docker executes it directly and it fails with "
                "'Exec format error' (the merged start runs it with /bin/sh); add "
                "'#!/bin/bash' as its first line",
                origin.at(1, text.split("\n", 1)[0]),
            )
        )
    family = script.family
    if family == "python":
        found.extend(_lint_python_start(text, origin))
    elif family == "shell":
        found.extend(_lint_shell_start(text, origin))
    return found


def _lint_python_start(text: str, origin: Origin) -> list[Finding]:
    if _PYTHON_EXEC.search(text) and "argv" in text:
        return []
    if "argv" in text:
        return [
            Finding(
                "start-exec-hidden",
                "start uses its arguments but does not replace itself with them "
                "(os.execvp(sys.argv[1], sys.argv[1:])): the command runs as a child of start",
                origin,
            )
        ]
    return [
        Finding(
            "start-no-exec",
            "start never hands over to the next command (no os.execvp(sys.argv[1], "
            "sys.argv[1:])): it can only run last, and the notebook server does not start",
            origin,
        )
    ]


def _lint_shell_start(text: str, origin: Origin) -> list[Finding]:
    handoff = shell_handoff(text)
    c = handoff.command
    where = origin if c is None else origin.at(c.line, c.text)
    if handoff.status == "always":
        assert c is not None
        if any(w in _ARGS_UNQUOTED for w in c.args):
            return [
                Finding(
                    "start-exec-unquoted",
                    "start hands over with an unquoted $@ (or $*), which splits arguments "
                    'holding spaces and drops empty ones; write exec "$@"',
                    where,
                )
            ]
        return []
    if handoff.status == "conditional":
        message = (
            'exec "$@" runs only under a condition (inside if, case or a loop, or behind && '
            "or ||): when it does not run, the starts after it and the notebook server do "
            'not start; end start with an unconditional exec "$@"'
        )
        return [Finding("start-exec-not-last", message, where)]
    if handoff.status == "child":
        message = (
            'start passes its arguments on without replacing itself (exec "$@" in a '
            "pipeline, a subshell or the background, behind another command, or no exec): "
            'the command runs as a child of start; end start with a plain exec "$@" (run '
            'wrappers as exec wrapper "$@", without a pipe)'
        )
        return [Finding("start-exec-hidden", message, where)]
    if handoff.status == "never-called":
        message = (
            f'exec "$@" is in function {handoff.function}, which start never calls with its '
            "arguments: start never hands over; call it as the last command "
            f'({handoff.function} "$@")'
        )
        return [Finding("start-no-exec", message, where)]
    if c is None:
        message = (
            'start has no commands, so it never runs exec "$@": it can only run last, and '
            "the notebook server does not start"
        )
        return [Finding("start-no-exec", message, origin)]
    message = (
        'start never runs exec "$@": it can only run last, and the notebook server does not '
        'start; add exec "$@" as its last line'
    )
    return [Finding("start-no-exec", message, where)]


@dataclass(frozen=True)
class DirectoryChange:
    """The last ``cd`` (or ``os.chdir``) a start makes before it hands over.

    ``target`` is where it goes when the text says so (``/srv``, ``~/work``, ``./data``,
    relative to the directory the start began in), None when it depends on the run
    (``cd "$DIR"``). The command after the start runs in that directory.
    """

    origin: Origin
    target: str | None


_RETURNS = frozenset({"-", '"$OLDPWD"', "$OLDPWD", '"${OLDPWD}"', "${OLDPWD}"})


def directory_change(script: Script) -> DirectoryChange | None:
    """Where a start leaves the working directory for the next command, if it moves it.

    Read from the text: the last ``cd``/``pushd`` before the hand-off, outside subshells and
    functions that do not hand over; ``cd -``, ``cd "$OLDPWD"`` and ``popd`` go back. A
    change made in another way (``eval``, a sourced file) is not seen: the merged start checks
    at run time too.
    """
    text = script.text()
    if script.family == "python":
        return _python_directory_change(text, script.origin)
    if script.family != "shell":
        return None
    cmds = commands(text)
    handing = _handing_functions(cmds)
    handoff = shell_handoff(text)
    stop = handoff.command.line if handoff.status == "always" and handoff.command else None
    last: Command | None = None
    for c in cmds:
        if stop is not None and c.line > stop:
            break
        if c.name not in ("cd", "pushd", "popd"):
            continue
        if c.function is not None and c.function not in handing:
            continue
        if _placement(c, c.function) == "child":
            continue
        last = c
    if last is None:
        return None
    args = [a for a in last.args if a not in ("--", "-P", "-L", "-e", "-n")]
    if last.name == "popd" or (args and args[0] in _RETURNS):
        return None
    target = _normal_target(_unquote(args[0]) if args else "~")
    return DirectoryChange(script.origin.at(last.line, last.text), target)


def _python_directory_change(text: str, origin: Origin) -> DirectoryChange | None:
    found = None
    for number, line in enumerate(text.split("\n"), start=1):
        m = _PYTHON_CHDIR.search(line)
        if m and not line.lstrip().startswith("#"):
            found = (number, line.strip(), m[1].strip())
    if found is None:
        return None
    number, line, arg = found
    literal = re.fullmatch(r"(['\"])([^'\"\\$]*)\1", arg)
    return DirectoryChange(origin.at(number, line), _normal_target(literal[2]) if literal else None)


def _unquote(word: str) -> str | None:
    """The path a ``cd`` word names when it holds no expansion but ``$HOME``; else None."""
    text = re.sub(r"^\$(?:HOME|\{HOME\})(?=/|$)", "~", word.replace('"', "").replace("'", ""))
    return None if re.search(r"[$`*?\[\\]", text) else text


def _normal_target(path: str | None) -> str | None:
    if path is None or not path:
        return None
    if path == "~" or path.startswith("~/"):
        rest = posixpath.normpath(path[2:]) if len(path) > 2 else "."
        return "~" if rest == "." else f"~/{rest}"
    if path.startswith("~"):
        return None  # ~user
    if path.startswith("/"):
        return posixpath.normpath(path)
    rest = posixpath.normpath(path)
    return "." if rest == "." else f"./{rest}"


# Syntax dash rejects or runs differently: repo2docker runs a postBuild without #! with /bin/sh.
_BASHISMS = (
    (re.compile(r"\[\["), "[[ ... ]]"),
    (re.compile(r"^\s*source\s"), "source"),
    (re.compile(r"^\s*function\s+[\w-]+"), "function NAME"),
    (re.compile(r"(?:^|[\s;])[A-Za-z_]\w*=\("), "arrays"),
    (re.compile(r"<<<"), "here-strings"),
    (re.compile(r"&>"), "&>"),
)


def lint_postbuild(script: Script) -> list[Finding]:
    """A postBuild without ``#!`` that uses bash syntax: /bin/sh (dash) will fail on it."""
    found = common_findings(script, "postBuild")
    if script.shebang is not None:
        return found
    for number, line in _logical_lines(script.text()):
        code = _strip_quoted(line)
        for pattern, what in _BASHISMS:
            if pattern.search(code):
                found.append(
                    Finding(
                        "postBuild-bashism",
                        f"postBuild has no #! line, so it runs under /bin/sh (dash) as with "
                        f"repo2docker, but uses bash syntax ({what}); add '#!/bin/bash' as its "
                        "first line",
                        script.origin.at(number, line),
                    )
                )
                return found
    return found


# --- paths that move ---------------------------------------------------------------------------


def config_is_binder_dir(origin: Origin) -> bool:
    """True when the file's source keeps its configuration in ``binder/`` or ``.binder/``.

    Told from the real directory, not from how the source was typed: a source given as
    ``repo/binder`` (or as ``.`` from inside it) is a binder directory too, which is also what
    repo2docker's rules for root-only files (setup.py, DESCRIPTION) mean.
    """
    return origin.in_binder_dir


def lint_each(
    fragments: Sequence[Script],
    ctx: MergeContext,
    lint: Callable[[Script], list[Finding]],
    kind: str | None = None,
) -> tuple[Script, ...]:
    """Warn about each source's script (``lint``), and report the merge's path findings.

    postBuild and start merge the same way: nothing is combined, every script is kept in
    source order; only what each one would break differs. Whether each path the scripts use
    resolves in the merged build is decided for all scripts at once
    (:mod:`bindermerge.scripts.placement`); the calling kind (``kind``, else told from the
    scripts' names) reports it when it is the kind that reports it.
    """
    from bindermerge.scripts import placement

    for script in fragments:
        for f in lint(script):
            ctx.warn(f.code, f.message, f.origin)
    if fragments:
        name = posixpath.basename(fragments[0].origin.file)
        placement.report(ctx, kind or {"postBuild": "postbuild"}.get(name, name))
    return tuple(fragments)
