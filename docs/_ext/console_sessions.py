"""Shell examples that run: the one reader and runner of the docs' ``bindermerge-console`` blocks.

A block holds commands only, never output: a line starting with ``$ `` begins a command, a
line starting with ``> `` continues it (here-documents, long lines), as a shell's prompts show
them. Options come first, one per line, as MyST writes directive options::

    ```{bindermerge-console}
    :returncode: 1
    $ bindermerge examples/binder_db mytools -o binder
    ```

The Sphinx directive (:mod:`console_directive`) runs each block when the page is built and
shows the command with what it printed; ``tests/test_docs.py`` collects the same blocks from
the sources with :func:`blocks_in` and runs them with the same :class:`Session`, so an example
that stops working fails the tests, and the output a page shows is what the command printed.

All blocks of one page share one session: a temporary directory holding a copy of the
shipped ``examples/`` (the commands use relative paths), with its own HOME, caches and git
configuration. Each command runs in ``bash`` from that directory.

Standard library only: the tests use it without Sphinx installed.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
DIRECTIVE = "bindermerge-console"
# What a block may say it needs instead of running at build time (see Block.needs).
NEEDS = ("conda-forge",)
# Each command gets this long; a docs example that takes longer is not an example.
TIMEOUT = 120
_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\{" + re.escape(DIRECTIVE) + r"\}\s*$")
_OPTION = re.compile(r"^:(?P<name>[a-z-]+):(?:\s+(?P<value>.*))?$")


class ConsoleError(ValueError):
    """A block that is not a well-formed list of commands, or a command that misbehaved."""


@dataclasses.dataclass(frozen=True)
class Block:
    """One ``bindermerge-console`` block: its commands and what is expected of them.

    ``returncode`` is the exit status the last command must have (every other command must
    exit 0). ``needs`` names something the build does not have offline (``conda-forge``):
    the build shows such a block's commands without running them, and the tests run them
    against a stand-in (a local channel in conda-forge's place).
    """

    commands: tuple[str, ...]
    returncode: int = 0
    needs: str | None = None
    line: int = 0  # 1-based line of the block's content in its source (0: not known)


@dataclasses.dataclass(frozen=True)
class Ran:
    """One command run: its text, its exit status and what it printed (stdout and stderr
    interleaved, as a terminal shows them)."""

    command: str
    returncode: int
    output: str


def parse_block(lines: Sequence[str], *, line: int = 0) -> Block:
    """The :class:`Block` written as ``lines`` (options first, then ``$``/``>`` lines)."""
    options: dict[str, str] = {}
    body = list(lines)
    while body and (m := _OPTION.match(body[0])):
        options[m["name"]] = (m["value"] or "").strip()
        body.pop(0)
    unknown = sorted(set(options) - {"returncode", "needs"})
    if unknown:
        raise ConsoleError(f"line {line}: unknown option :{unknown[0]}:")
    commands: list[str] = []
    for number, text in enumerate(body, start=line + len(lines) - len(body)):
        if text.startswith("$ "):
            commands.append(text[2:])
        elif text.startswith("> ") or text == ">":
            if not commands:
                raise ConsoleError(f"line {number}: a continuation before any command")
            commands[-1] += "\n" + text[2:]
        elif text.strip():
            # Output is never written by hand: the build shows what the command printed.
            raise ConsoleError(f"line {number}: not a command ('$ ...') or continuation ('> ...')")
    if not commands:
        raise ConsoleError(f"line {line}: a {DIRECTIVE} block without a command")
    needs = options.get("needs") or None
    if needs is not None and needs not in NEEDS:
        raise ConsoleError(f"line {line}: :needs: must be one of {', '.join(NEEDS)}")
    try:
        returncode = int(options.get("returncode", "0"))
    except ValueError:
        raise ConsoleError(f"line {line}: :returncode: must be a number") from None
    return Block(tuple(commands), returncode, needs, line)


def blocks_in(text: str) -> list[Block]:
    """Every ``bindermerge-console`` block of a MyST Markdown page, in page order."""
    found: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start = i + 1
        end = start
        while end < len(lines) and lines[end].rstrip() != m["fence"]:
            end += 1
        if end == len(lines):
            raise ConsoleError(f"line {i + 1}: the {DIRECTIVE} block is never closed")
        found.append(parse_block(lines[start:end], line=start + 1))
        i = end + 1
    return found


def shown(command: str) -> str:
    """A command as a page shows it: ``$ `` before its first line, ``> `` before the rest."""
    first, *rest = command.split("\n")
    return "\n".join([f"$ {first}", *(f"> {r}" for r in rest)])


class Session:
    """A scratch directory where one page's commands run, one after another.

    It starts with a copy of ``examples/`` and nothing of the user's: HOME, the caches and
    git's configuration are inside it, so the commands read and write nothing elsewhere.
    ``bindermerge`` is the one installed beside the running Python.
    """

    def __init__(self, root: Path | None = None) -> None:
        self._owned = root is None
        self.root = Path(tempfile.mkdtemp(prefix="bindermerge-docs-")) if root is None else root
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(EXAMPLES, self.root / "examples")
        home = self.root.parent / f"{self.root.name}-home"
        home.mkdir(exist_ok=True)
        (home / ".gitconfig").write_text(
            "[user]\n\tname = Docs Example\n\temail = docs@example.org\n"
            "[init]\n\tdefaultBranch = main\n",
            encoding="utf-8",
        )
        self.home = home
        self.env = {
            **os.environ,
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
            "GIT_CONFIG_NOSYSTEM": "1",
            # Fixed dates: a commit made in an example has the same id in every build, so
            # the pages that show commits do not change from one build to the next.
            "GIT_AUTHOR_DATE": "2026-01-01T12:00:00+00:00",
            "GIT_COMMITTER_DATE": "2026-01-01T12:00:00+00:00",
            "NO_COLOR": "1",
            # Python's stdout is block-buffered into a pipe: unbuffered, stdout and stderr
            # arrive in the order the command printed them, as on a terminal.
            "PYTHONUNBUFFERED": "1",
            "COLUMNS": "100",
            "LC_ALL": "C.UTF-8",
            "TERM": "dumb",
        }
        for name in ("PYTHONPATH", "VIRTUAL_ENV_PROMPT", "FORCE_COLOR"):
            self.env.pop(name, None)

    def run(self, command: str) -> Ran:
        """Run one command from the session's directory, as ``bash -c`` would."""
        try:
            done = subprocess.run(
                ["bash", "-c", command],
                cwd=self.root,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ConsoleError(f"{command!r} ran longer than {TIMEOUT} s") from None
        output = done.stdout.decode("utf-8", errors="replace")
        # The scratch directory's name changes from run to run; a reader's is their own.
        output = re.sub(re.escape(str(self.root)) + r"(?![\w.-])", ".", output)
        return Ran(command, done.returncode, output)

    def run_block(self, block: Block) -> list[Ran]:
        """Run a block's commands; :class:`ConsoleError` when an exit status is not the one
        the block expects (the message says which command and shows its output)."""
        ran: list[Ran] = []
        for i, command in enumerate(block.commands):
            result = self.run(command)
            ran.append(result)
            expected = block.returncode if i == len(block.commands) - 1 else 0
            if result.returncode != expected:
                raise ConsoleError(
                    f"{command!r} exited {result.returncode}, not {expected}:\n{result.output}"
                )
        return ran

    def close(self) -> None:
        """Remove the scratch directory (and its HOME)."""
        if self._owned:
            shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.home, ignore_errors=True)


def transcript(ran: Sequence[Ran]) -> str:
    """What a terminal showed: each command with its prompt, then its output."""
    parts: list[str] = []
    for r in ran:
        parts.append(shown(r.command))
        if r.output:
            parts.append(r.output.rstrip("\n"))
    return "\n".join(parts)


def pages(docs: Path) -> Iterator[Path]:
    """The Markdown pages of the docs, build output and extensions left out."""
    for path in sorted(docs.rglob("*.md")):
        if not any(part.startswith("_") for part in path.relative_to(docs).parts):
            yield path
