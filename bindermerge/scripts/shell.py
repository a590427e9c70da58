"""The structure of a shell script, as far as the start lint needs it.

Not a shell parser: a lexer that knows quotes, ``$(...)``, ``${...}``, backticks, comments,
line continuations and here-documents (whose bodies are data, not code), and a reader that
splits the tokens into simple commands and remembers, for each, the compound commands around it
(``if``, ``case``, loops, ``{ }``, subshells, function bodies) and the operators on either side
(``&&``, ``||``, ``|``, ``&``). That is what decides whether ``exec "$@"`` runs unconditionally,
only under a condition, in a subshell, or never.

Good enough for the short scripts people write for Binder; what it does not understand (bash's
``[[ ]]`` with parentheses, ``case`` patterns with unbalanced parentheses in ``$(...)``) reads
as harmless extra commands.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# Multi-character operators first.
_OPERATORS = (";;&", ";;", ";&", "&&", "||", "|&", ";", "&", "|", "(", ")")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_:.-]*")

# What a block on the stack is: a condition or loop runs its body maybe not at all; a group
# ({ }) always; a subshell runs it in another process; a function body only when called.
IF, CASE, LOOP, GROUP, SUBSHELL = "if", "case", "loop", "group", "subshell"
FUNCTION = "function "  # followed by the function's name
CONDITIONAL = frozenset({IF, CASE, LOOP})


@dataclass(frozen=True)
class Command:
    """One simple command: its words as written (quotes kept) and where it stands.

    ``line`` is the line it starts on and ``text`` that line, stripped. ``blocks`` are the
    compound commands around it, outermost first (``"if"``, ``"function main"``, ...).
    ``before`` is the operator joining it to the command before it in the same list (``""``,
    ``"&&"``, ``"||"`` or ``"|"``), ``after`` the one that follows it (``""`` at the end of a
    line, ``";"``, ``"&"``, ``"&&"``, ``"||"``, ``"|"``, ``";;"``, ``")"``).
    """

    line: int
    text: str
    words: tuple[str, ...]
    blocks: tuple[str, ...]
    before: str
    after: str

    @property
    def name(self) -> str:
        """The command's name: its first word after any ``NAME=value`` assignments."""
        return next((w for w in self.words if not _ASSIGNMENT.match(w)), "")

    @property
    def args(self) -> tuple[str, ...]:
        """The words after the command's name."""
        words = list(self.words)
        while words and _ASSIGNMENT.match(words[0]):
            words.pop(0)
        return tuple(words[1:])

    @property
    def function(self) -> str | None:
        """The innermost function whose body holds this command, or None at the top level."""
        for block in reversed(self.blocks):
            if block.startswith(FUNCTION):
                return block[len(FUNCTION) :]
        return None

    def blocks_within(self, function: str | None) -> tuple[str, ...]:
        """The blocks around this command inside ``function``'s body (or the whole script)."""
        if function is None:
            return self.blocks
        marker = FUNCTION + function
        index = max(i for i, b in enumerate(self.blocks) if b == marker)
        return self.blocks[index + 1 :]


@dataclass(frozen=True)
class _Token:
    kind: str  # "word" or "op"; a newline is the op "\n"
    text: str
    start: int


def commands(text: str) -> list[Command]:
    """The simple commands of a shell script, in order (see :class:`Command`)."""
    return _Reader(text).read()


# --- lexer -----------------------------------------------------------------------------------


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    word: list[str] = []
    word_start = 0
    heredocs: list[tuple[str, bool]] = []  # (delimiter, strip leading tabs) waiting for "\n"
    i, n = 0, len(text)

    def flush() -> None:
        if word:
            out.append(_Token("word", "".join(word), word_start))
            word.clear()

    def add(chunk: str, at: int) -> None:
        nonlocal word_start
        if not word:
            word_start = at
        word.append(chunk)

    while i < n:
        c = text[i]
        if c in " \t\r":
            flush()
            i += 1
        elif c == "\\":
            if text.startswith("\\\n", i):
                i += 2  # a line continuation joins the lines
            else:
                add(text[i : i + 2], i)
                i += 2
        elif c == "#" and not word:
            while i < n and text[i] != "\n":
                i += 1
        elif c == "\n":
            flush()
            out.append(_Token("op", "\n", i))
            i += 1
            for delimiter, strip_tabs in heredocs:
                i = _skip_heredoc(text, i, delimiter, strip_tabs)
            heredocs.clear()
        elif c in "'\"`" or (c == "$" and text[i + 1 : i + 2] in ("(", "{")):
            j = _skip_quoted(text, i)
            add(text[i:j], i)
            i = j
        elif text.startswith("<<", i) and not text.startswith("<<<", i):
            j = i + 2
            strip_tabs = text.startswith("-", j)
            j += strip_tabs
            while j < n and text[j] in " \t":
                j += 1
            k = j
            while k < n and text[k] not in " \t\n;&|<>()":
                k = _skip_quoted(text, k) if text[k] in "'\"" else k + 1
            heredocs.append((re.sub(r"[\"'\\]", "", text[j:k]), strip_tabs))
            add(text[i:k], i)
            i = k
        elif c in "<>" or text.startswith("&>", i):
            # A redirection (2>&1, >|, &>>): its & and | are not operators.
            j = i + 1
            while j < n and text[j] in "<>&|":
                j += 1
            add(text[i:j], i)
            i = j
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
            if op is None:
                add(c, i)
                i += 1
            else:
                flush()
                out.append(_Token("op", op, i))
                i += len(op)
    flush()
    return out


def _skip_heredoc(text: str, i: int, delimiter: str, strip_tabs: bool) -> int:
    """The index after the here-document body starting at ``i`` (and its delimiter line)."""
    while i < len(text):
        end = text.find("\n", i)
        end = len(text) if end < 0 else end
        line = text[i:end]
        i = end + 1
        if (line.lstrip("\t") if strip_tabs else line) == delimiter:
            break
    return i


def _skip_quoted(text: str, i: int) -> int:
    """The index after the quoted string, ``$(...)``, ``${...}`` or backticks at ``i``."""
    c = text[i]
    n = len(text)
    if c == "'":
        end = text.find("'", i + 1)
        return n if end < 0 else end + 1
    if c == "`":
        j = i + 1
        while j < n and text[j] != "`":
            j += 2 if text[j] == "\\" else 1
        return min(j + 1, n)
    if c == '"':
        j = i + 1
        while j < n and text[j] != '"':
            if text[j] == "\\":
                j += 2
            elif text[j] in "`$" and (text[j] == "`" or text[j + 1 : j + 2] in ("(", "{")):
                j = _skip_quoted(text, j)
            else:
                j += 1
        return min(j + 1, n)
    # $( ... ) or ${ ... }: balanced, with quotes inside
    opening, closing = ("(", ")") if text[i + 1] == "(" else ("{", "}")
    depth, j = 0, i + 1
    while j < n:
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch in "'\"`" or (ch == "$" and text[j + 1 : j + 2] in ("(", "{")):
            j = _skip_quoted(text, j)
            continue
        if ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return n


# --- reader ----------------------------------------------------------------------------------


class _Reader:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.line_starts = [0]
        for line in self.lines[:-1]:
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)
        self.tokens = _tokens(text)
        self.out: list[Command] = []
        self.blocks: list[str] = []
        self.words: list[str] = []
        self.first = 0
        self.before = ""
        self.function: str | None = None  # a function header waiting for its body

    def line_of(self, index: int) -> int:
        return bisect.bisect_right(self.line_starts, index)

    def flush(self, after: str) -> None:
        if self.words:
            self.out.append(
                Command(
                    self.first,
                    self.lines[self.first - 1].strip(),
                    tuple(self.words),
                    tuple(self.blocks),
                    self.before,
                    after,
                )
            )
            self.words = []

    def is_op(self, i: int, text: str) -> bool:
        return i < len(self.tokens) and self.tokens[i].kind == "op" and self.tokens[i].text == text

    def open(self, kind: str) -> None:
        # { } after && or || runs only when the condition holds, after | in a subshell.
        if self.function is not None:
            kind, self.function = FUNCTION + self.function, None
        elif kind == GROUP and self.before in ("&&", "||"):
            kind = IF
        elif kind == GROUP and self.before == "|":
            kind = SUBSHELL
        self.blocks.append(kind)
        self.before = ""

    def close(self) -> None:
        if self.blocks:
            self.blocks.pop()

    def read(self) -> list[Command]:
        tokens = self.tokens
        i = 0
        case_pattern = False
        while i < len(tokens):
            tok = tokens[i]
            if case_pattern:
                # `pattern)` (or `(pattern)`) before a case branch, or the esac that ends it.
                if tok.kind == "op" and tok.text == "\n":
                    i += 1
                    continue
                if tok.kind == "word" and tok.text == "esac":
                    self.close()
                    case_pattern = False
                    i += 1
                    continue
                i += 1 if self.is_op(i, "(") else 0
                while i < len(tokens) and not self.is_op(i, ")"):
                    i += 1
                i += 1
                case_pattern, self.before = False, ""
                continue
            if tok.kind == "op":
                i = self.operator(i)
                if tok.text in (";;", ";&", ";;&") and self.blocks and self.blocks[-1] == CASE:
                    case_pattern = True
                continue
            if not self.words:
                step = self.reserved(i)
                if step is not None:
                    i, case_pattern = step
                    continue
                self.first = self.line_of(tok.start)
            self.words.append(tok.text)
            i += 1
        self.flush("")
        return self.out

    def operator(self, i: int) -> int:
        text = self.tokens[i].text
        if text == "(":
            if len(self.words) == 1 and self.is_op(i + 1, ")") and _NAME.fullmatch(self.words[0]):
                self.function, self.words = self.words[0], []  # name() ...
                return i + 2
            if self.words:  # an array assignment, a=(1 2): words up to the ")"
                i += 1
                while i < len(self.tokens) and not self.is_op(i, ")"):
                    self.words.append(self.tokens[i].text)
                    i += 1
                return i + 1
            self.open(SUBSHELL)
        elif text == ")":
            self.flush(text)
            self.close()
            self.before = ""
        elif text == "\n":
            if self.words:
                self.flush("")
                self.before = ""
            # else: a line break after && || | continues the list
        elif text in ("&&", "||", "|", "|&"):
            self.flush(text)
            self.before = "|" if text.startswith("|") and text != "||" else text
        else:  # ; & ;; ;& ;;&
            self.flush(text)
            self.before = ""
        return i + 1

    def reserved(self, i: int) -> tuple[int, bool] | None:
        """Handle a reserved word at the start of a command; None when it is not one."""
        word = self.tokens[i].text
        if word == "if":
            self.open(IF)
        elif word in ("while", "until"):
            self.open(LOOP)
        elif word in ("for", "select"):
            # `for x in a b; do`: the words up to the list's end are not a command.
            self.open(LOOP)
            i += 1
            while i < len(self.tokens) and not (
                self.tokens[i].kind == "op" and self.tokens[i].text in (";", "\n")
            ):
                i += 1
            return i + 1, False
        elif word == "case":
            self.open(CASE)
            i += 1
            while i < len(self.tokens) and not (
                self.tokens[i].kind == "word" and self.tokens[i].text == "in"
            ):
                i += 1
            return i + 1, True
        elif word in ("then", "do", "else", "elif", "!"):
            self.before = ""
        elif word in ("fi", "done", "esac", "}"):
            self.close()
            self.before = ""
        elif word == "{":
            self.open(GROUP)
        elif word == "function" and i + 1 < len(self.tokens):
            self.function = self.tokens[i + 1].text.removesuffix("()")
            i += 2
            if self.is_op(i, "(") and self.is_op(i + 1, ")"):
                i += 2
            return i, False
        elif word == "[[":
            # bash's test: && || ( ) inside it are not operators.
            self.first = self.line_of(self.tokens[i].start)
            while i < len(self.tokens) and self.tokens[i].text != "]]":
                self.words.append(self.tokens[i].text)
                i += 1
            return i, False
        else:
            return None
        return i + 1, False
