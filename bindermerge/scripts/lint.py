"""What bindermerge needs to know about a source's scripts before chaining them.

repo2docker runs exactly one ``postBuild`` and one ``start``; bindermerge keeps each source's
script as it is (CRLF aside) in that source's folder of the output and chains them. This module
holds the logic both script kinds share:

* :func:`read_shebang` -- which interpreter the kernel would pick (none: ``/bin/sh`` for
  postBuild, "Exec format error" for start);
* :func:`lint_start` -- does the start hand over with ``exec "$@"`` at its end, or does the
  chain (and the notebook server) stop there;
* :func:`lint_postbuild` -- bash syntax in a script that ``/bin/sh`` (dash) will run;
* :func:`moved_references` -- paths in a script that pointed at files the merge moves into the
  source's folder (``binder/x.json`` becomes ``binder/<folder>/x.json``).

Findings are :class:`Finding` values; the kinds turn them into warnings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bindermerge.context import MergeContext
from bindermerge.model import Origin
from bindermerge.render.layout import source_folders
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


# exec "$@" (or "${@}"), maybe after options/wrappers: exec tini -- "$@", exec env X=1 "$@".
_HANDOFF_ARGS = re.compile(r'"\$(?:@|\{@\})"')
_EXEC_FIRST = re.compile(r"^exec(?:\s|$)")


def _is_shell_handoff(line: str) -> bool:
    """A line that replaces the shell with the command it was given, unconditionally."""
    if not (_EXEC_FIRST.match(line) and _HANDOFF_ARGS.search(line)):
        return False
    code = _strip_quoted(line)
    # A trailing comment or command terminator changes nothing.
    code = re.sub(r"\s+#.*$", "", code).rstrip().removesuffix(";").rstrip()
    # A pipeline, a background job or a command list runs exec in a subshell or not at all.
    return not re.search(r"\||&(?!>)|;|&&", re.sub(r"[0-9]*>&[0-9-]+|&>", "", code))


def _strip_quoted(line: str) -> str:
    return re.sub(r"'[^']*'|\"(?:\\.|[^\"\\])*\"", "''", line)


def lint_start(script: Script) -> list[Finding]:
    """Why a start would end the chain: no shebang, or no ``exec "$@"`` hand-off at its end.

    repo2docker executes start directly (so it needs ``#!``) and the container's command
    arrives as its arguments: only ``exec "$@"`` as the last command passes it on. A hand-off
    inside a pipeline (``xvfb-run exec "$@" | tee log``), behind ``&&`` or before more commands
    does not. Python starts must call ``os.exec*`` with ``sys.argv[1:]``; other interpreters
    are not checked.
    """
    found = common_findings(script, "start")
    origin = script.origin
    text = script.text()
    if script.shebang is None:
        found.append(
            Finding(
                "start-no-shebang",
                "start has no #! line: repo2docker executes it directly and it fails with "
                "'Exec format error'; add '#!/bin/bash' as its first line",
                origin.at(1, text.split("\n", 1)[0]),
            )
        )
    family = script.family
    if family == "python":
        if not (re.search(r"\bos\.exec\w*\s*\(", text) and "argv" in text):
            found.append(
                Finding(
                    "start-no-exec",
                    "start never hands over to the next command (no os.execvp(sys.argv[1], "
                    "sys.argv[1:])): the chain and the notebook server stop here",
                    origin,
                )
            )
        return found
    if family != "shell":
        return found
    lines = _logical_lines(text)
    if not lines:
        found.append(
            Finding(
                "start-no-exec",
                'start has no commands, so it never runs exec "$@": the chain and the '
                "notebook server stop here",
                origin,
            )
        )
        return found
    last_number, last = lines[-1]
    if _is_shell_handoff(last):
        return found
    handoffs = [(n, line) for n, line in lines if _HANDOFF_ARGS.search(line) and "exec" in line]
    good = [(n, line) for n, line in handoffs if _is_shell_handoff(line)]
    if good and all(
        re.match(r"exit(\s+\S+)?\s*;?\s*$", line) for n, line in lines if n > good[-1][0]
    ):
        return found  # only an `exit` nobody reaches follows the hand-off
    if good:
        n, line = good[-1]
        found.append(
            Finding(
                "start-exec-not-last",
                f'exec "$@" is not the last command (line {last_number} follows, or it is '
                "inside a condition): when it does not run, the chain and the notebook server "
                'stop; end start with an unconditional exec "$@"',
                origin.at(n, line),
            )
        )
    elif handoffs:
        n, line = handoffs[-1]
        found.append(
            Finding(
                "start-exec-hidden",
                'exec "$@" is inside a pipeline or behind another command, so it does not '
                'replace the script: end start with a plain exec "$@" (run wrappers as '
                '"exec wrapper \\"$@\\"", without a pipe)',
                origin.at(n, line),
            )
        )
    else:
        found.append(
            Finding(
                "start-no-exec",
                'start never runs exec "$@": the chain and the notebook server stop here; '
                'add exec "$@" as its last line',
                origin.at(last_number, last),
            )
        )
    return found


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


def moved_references(
    script_text: str,
    origin: Origin,
    moved: Iterable[str],
    folder: str,
    family: Family,
) -> list[Finding]:
    """References in a script to files the merge moves into ``<output>/<folder>/``.

    ``moved`` are the source's files (paths relative to its configuration directory) that end
    up in its folder. Scripts run from the repository root, so ``binder/x.json`` (or
    ``.binder/x.json``, ``$REPO_DIR/binder/x.json``) pointed at them; in a source without a
    binder directory a bare ``x.json`` did. References through the script's own directory
    (``$(dirname "$0")/x.json``) keep working and are not reported.
    """
    rels = _with_parent_dirs(moved)
    if not rels:
        return []
    prefix = r"(?:\./|\$\{?(?:REPO_DIR|HOME)\}?/|~/)?"
    tail = r"(?![\w/-])(?!\.\w)"
    patterns = [
        re.compile(rf"(?<![\w./$-]){prefix}(?P<dir>\.?binder)/(?P<rel>{_alternatives(rels)}){tail}")
    ]
    # A bare name is a path only when it looks like one (``x.json``, ``.mongo_version``,
    # ``data/a.csv``): ``start`` or ``data`` alone are far more often words of a command.
    bare = {r for r in rels if ("." in r or "/" in r) and r not in SCRIPT_NAMES}
    if bare and not config_is_binder_dir(origin):
        patterns.append(re.compile(rf"(?<![\w./$-]){prefix}(?P<rel>{_alternatives(bare)}){tail}"))
    found: list[Finding] = []
    for number, raw in enumerate(script_text.split("\n"), start=1):
        if raw.lstrip().startswith("#"):
            continue
        for pattern in patterns:
            m = pattern.search(raw)
            if m is None:
                continue
            rel = m["rel"]
            new = f"{OUTPUT_DIR_NAME}/{folder}/{rel}"
            found.append(
                Finding(
                    "script-moved-path",
                    f"refers to {m.group(0)}, which the merged directory holds at {new}; "
                    f"{_advice(family, rel, new)}",
                    origin.at(number, raw.strip()),
                )
            )
            break
    return found


def _alternatives(names: Iterable[str]) -> str:
    # Longest first, so that ``data/a.csv`` wins over ``data``.
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


def _with_parent_dirs(paths: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for p in paths:
        parts = p.split("/")
        for i in range(1, len(parts) + 1):
            out.add("/".join(parts[:i]))
    return out


def _advice(family: Family, rel: str, new: str) -> str:
    if family == "shell":
        return f'find it next to the script as "$(dirname "$0")/{rel}"'
    if family == "python":
        return f"find it next to the script as os.path.join(os.path.dirname(__file__), {rel!r})"
    return f"refer to {new}"


def moved_files(fragments_by_kind: Mapping[str, Iterable[object]], source: str) -> set[str]:
    """Paths (relative to the source's configuration directory) of the source's files that
    the merge writes into the source's own folder: auxiliary files and the scripts themselves.

    Reads ``.origin`` of the fragments of the kinds that carry files into the folder.
    """
    found: set[str] = set()
    for kind in CARRIED_KINDS:
        for frag in fragments_by_kind.get(kind, ()):
            origin = getattr(frag, "origin", None)
            if isinstance(origin, Origin) and origin.source == source:
                found.add(origin.file)
    return found


# Kinds whose files land in ``<folder>/<relpath>`` (see kinds/auxiliary.py, kinds/root_files.py).
CARRIED_KINDS = ("auxiliary", "root_files", "postbuild", "start")


def lint_each(
    fragments: Sequence[Script], ctx: MergeContext, lint: Callable[[Script], list[Finding]]
) -> tuple[Script, ...]:
    """Warn about each source's script (``lint``) and its references to files that move.

    postBuild and start merge the same way: nothing is combined, every script is kept in
    source order; only what each one would break differs.
    """
    folders = source_folders(ctx.source_names)
    for script in fragments:
        source = script.origin.source
        findings = lint(script) + moved_references(
            script.text(),
            script.origin,
            moved_files(ctx.fragments, source),
            folders[source],
            script.family,
        )
        for f in findings:
            ctx.warn(f.code, f.message, f.origin)
    return tuple(fragments)
