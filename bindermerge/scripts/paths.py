"""Which paths a script refers to, computed the way its interpreter would compute them.

A binder block's scripts find the files they came with in many spellings: ``binder/seed.sql``
or ``.binder/requirements.txt`` from the repository root (where repo2docker runs postBuild and
start), ``"$(dirname "$0")/seed.sql"``, ``cd binder && psql -f seed.sql``, ``D=binder; cat
$D/x``, ``binder/*.sql``, ``mv init_db ~/.local/bin`` (a file at the repository root),
``os.path.join(os.path.dirname(__file__), "x.json")`` in Python, ``source("binder/x.R")`` in R.
:func:`scan` reads a script and returns each such path as a :class:`Ref`, relative to one of two
anchors:

* ``"root"``: the directory the script started in, the repository root (also ``$REPO_DIR``,
  ``$HOME`` and ``~``: repo2docker's default REPO_DIR is the home directory);
* ``"script"``: the directory holding the script (``$(dirname "$0")``, ``${BASH_SOURCE%/*}``,
  ``$(cd "$(dirname "$0")" && pwd)``, ``__file__``).

It is a reader, not a shell: it follows ``cd``, variables assigned literally, command
substitutions that compute a directory, subshells, heredocs (skipped) and comments (skipped),
and gives up on anything it cannot compute (the path is then simply not reported). Whether a
path names a file of the block is for the caller to decide, against the block's files.

Standard library only and cheap to import: :class:`bindermerge.sources.local.LocalSource` uses it
on the fast ``--check`` path to find the repository-root files a binder directory's scripts use
(they enter the source's digest), and :mod:`bindermerge.scripts.placement` uses it to make each
path resolve in the merged directory.
"""

from __future__ import annotations

import posixpath
import re

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast --check path avoids typing
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

ROOT = "root"
SCRIPT = "script"

# Names repo2docker runs as scripts in a binder directory.
SCRIPT_FILES = ("postBuild", "start", "install.R")
# Programs whose first operand is a script they run: that script's paths count too.
RUNNERS = frozenset(
    {"sh", "bash", "dash", "zsh", "ksh", "source", ".", "python", "python3", "Rscript", "R"}
)
# Programs whose operands are files: a bare word (``init_db``) given to them is a path. For any
# other program a bare word without a dot or slash is far more often a word of the command
# (``pg_ctl start``, ``jupyter lab build``) than a file.
FILE_COMMANDS = frozenset(
    {
        "cp", "mv", "ln", "install", "rsync", "cat", "tar", "unzip", "gunzip", "zcat", "chmod",
        "psql", "sqlite3", "cmp", "diff", "head", "tail", "sed", "awk", "tee", "xargs",
        "git-lfs", "envsubst", "sort", "wc",
        *RUNNERS,
    }
)  # fmt: skip
# Programs that list or walk a directory: a bare word is too often not a file (``ls data``
# in a notebook's instructions), but the binder directory itself is (``find binder``).
LISTING_COMMANDS = frozenset({"ls", "find", "du", "tree"})
_BINDER_WORDS = frozenset({"binder", "binder/"})
_SCRIPT_EXTENSIONS = (".sh", ".bash", ".py", ".R", ".r")
_GLOB = re.compile(r"[*?[]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\+?=")
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "time", "{"})
_ENDS = frozenset({"fi", "done", "esac", "}", "then", "do", "else"})
_DECLARE = frozenset({"export", "local", "declare", "readonly", "typeset"})


class Ref:
    """One path a script refers to.

    ``line`` is the 1-based line where the command starts and ``text`` that line, stripped;
    ``anchor`` is :data:`ROOT` or :data:`SCRIPT`; ``path`` is normalised, ``/``-separated and
    relative to the anchor (it may start with ``../``; ``""`` is the anchor itself); ``glob``
    says that ``path`` holds shell wildcards; ``run`` that the file is run as a script (its own
    paths then count as well).
    """

    __slots__ = ("line", "text", "anchor", "path", "glob", "run")

    def __init__(
        self, line: int, text: str, anchor: str, path: str, glob: bool = False, run: bool = False
    ) -> None:
        self.line = line
        self.text = text
        self.anchor = anchor
        self.path = path
        self.glob = glob
        self.run = run

    def key(self) -> tuple[int, str, str, str, bool, bool]:
        return (self.line, self.text, self.anchor, self.path, self.glob, self.run)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ref) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def __repr__(self) -> str:
        flags = (" glob" if self.glob else "") + (" run" if self.run else "")
        return f"Ref({self.line}, {self.anchor}:{self.path!r}{flags})"


def normalise(path: str) -> str:
    """``a/./b/../c`` -> ``a/c``; leading ``..`` are kept; ``.`` and ``""`` -> ``""``."""
    parts: list[str] = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == ".." and parts and parts[-1] != "..":
            parts.pop()
        else:
            parts.append(seg)
    return "/".join(parts)


def join(base: str, path: str) -> str:
    """``base/path`` normalised (both relative)."""
    return normalise(f"{base}/{path}" if base else path)


def family(name: str, data: bytes) -> str:
    """How a script is read: ``shell`` (also with no ``#!`` line), ``python``, ``r``, ``other``."""
    if name.endswith("install.R") or name.endswith((".R", ".r")):
        return "r"
    if data.startswith(b"#!"):
        words = data.split(b"\n", 1)[0][2:].decode("utf-8", "replace").split()
        program = posixpath.basename(words[0]) if words else ""
        if program == "env":
            rest = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
            program = posixpath.basename(rest[0]) if rest else ""
        if re.fullmatch(r"python[0-9.]*", program):
            return "python"
        if program in ("Rscript", "R"):
            return "r"
        if program in ("sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox"):
            return "shell"
        return "other"
    if name.endswith(".py"):
        return "python"
    return "shell"


def looks_like_script(name: str, data: bytes) -> bool:
    """A file that a block runs: a ``#!`` line or a script's extension."""
    return data.startswith(b"#!") or name.endswith(_SCRIPT_EXTENSIONS)


def package_installs(text: str, kind: str) -> list[Ref]:
    """The directories a shell script installs as Python packages (``pip install .``,
    ``pip install -e ./pkg``, ``python setup.py install``): a package needs its whole
    directory, which a merge can carry only when it lies in the binder directory."""
    if kind != "shell":
        return []
    shell = _Shell(text)
    shell.run()
    return _unique(shell.installs)


def scan(text: str, kind: str) -> list[Ref]:
    """Every path ``text`` (a script of family ``kind``, see :func:`family`) refers to.

    Paths in comments, docstrings and heredoc bodies are not references; absolute paths and
    paths the reader cannot compute are left out.
    """
    if kind == "shell":
        return _Shell(text).run()
    if kind == "python":
        return _python(text)
    if kind == "r":
        return _r(text)
    return []


class Use:
    """A reference found by :func:`trace`: the script holding it (a path relative to the
    repository root), the :class:`Ref`, the path it names relative to the repository root as
    the source alone had it, and the source's files that path names (the file itself, the files
    under a directory, the files a wildcard matches)."""

    __slots__ = ("script", "ref", "path", "files")

    def __init__(self, script: str, ref: Ref, path: str, files: list[str]) -> None:
        self.script = script
        self.ref = ref
        self.path = path
        self.files = files

    def __repr__(self) -> str:
        return f"Use({self.script}:{self.ref.line} {self.path!r} -> {self.files})"


def trace(
    scripts: Sequence[str],
    listing: Callable[[str, bool], list[str]],
    read: Callable[[str], bytes | None],
) -> list[Use]:
    """Every reference of ``scripts`` (paths relative to the repository root, where the
    source's scripts start) to files of the source, following the scripts they run.

    ``listing(path, glob)`` gives the source's files a path names; ``read(path)`` a file's
    bytes (None when it is not the source's). A file named exactly by a reference that looks
    like a script (a ``#!`` line, ``.sh``, ``.py``, ``.R``) is read too, its own directory
    being its ``$(dirname "$0")``. References that leave the repository, or name its root
    itself (``pip install .``), are not about the source's files and are left out.
    """
    queue = list(scripts)
    scanned = set(queue)
    uses: list[Use] = []
    while queue:
        script = queue.pop(0)
        data = read(script)
        if data is None:
            continue
        text = data.decode("utf-8", "replace").replace("\r\n", "\n")
        if text.startswith("\ufeff"):
            text = text[1:]
        base = posixpath.dirname(script)
        for ref in scan(text, family(script, data)):
            path = join(base, ref.path) if ref.anchor == SCRIPT else ref.path
            if path in ("", "..") or path.startswith("../"):
                continue
            files = listing(path, ref.glob)
            if not files:
                continue
            uses.append(Use(script, ref, path, files))
            if not ref.glob and files == [path] and path not in scanned:
                helper = read(path)
                if helper is not None and looks_like_script(path, helper):
                    scanned.add(path)
                    queue.append(path)
    return uses


def glob_match(pattern: str, path: str) -> bool:
    """Does ``path`` match the shell wildcard ``pattern`` (segment by segment, a leading dot
    matched only explicitly, as the shell does)?"""
    import fnmatch

    pats, names = pattern.split("/"), path.split("/")
    if len(pats) != len(names):
        return False
    for pat, name in zip(pats, names, strict=True):
        if name.startswith(".") and not pat.startswith("."):
            return False
        if not fnmatch.fnmatchcase(name, pat):
            return False
    return True


def in_listing(files: Iterable[str], path: str, glob: bool) -> list[str]:
    """The files among ``files`` that ``path`` names: itself, those under it, or (``glob``)
    those it matches, a matched directory standing for the files under it. Sorted."""
    if glob:
        depth = path.count("/") + 1
        return sorted(f for f in files if glob_match(path, "/".join(f.split("/")[:depth])))
    prefix = path + "/"
    return sorted(f for f in files if f == path or f.startswith(prefix))


# --- shell ------------------------------------------------------------------------------------


class _Loc:
    """A directory or file computed at some point: anchor and path (immune to later ``cd``)."""

    __slots__ = ("anchor", "path")

    def __init__(self, anchor: str, path: str) -> None:
        self.anchor = anchor
        self.path = path


class _Self:
    """``$0``: the script itself (its directory is what matters)."""


class _Unknown:
    """A value the reader cannot compute."""


_SELF = _Self()
_UNKNOWN = _Unknown()
# A word after expansion: literal pieces (text, globbing) and computed locations.
_Part = "tuple[str, bool] | _Loc | _Self | _Unknown"


class _Word:
    """One shell word as written: segments ``(type, value, quoted)``.

    Types: ``lit`` (text), ``var`` (a parameter: its name and any ``${...}`` operator),
    ``cmd`` (the text of a command substitution).
    """

    __slots__ = ("segments", "line")

    def __init__(self, line: int) -> None:
        self.segments: list[tuple[str, str, bool]] = []
        self.line = line

    def add(self, kind: str, value: str, quoted: bool) -> None:
        if kind == "lit" and self.segments and self.segments[-1][0] == "lit":
            last = self.segments[-1]
            if last[2] == quoted:
                self.segments[-1] = ("lit", last[1] + value, quoted)
                return
        self.segments.append((kind, value, quoted))

    def literal(self) -> str | None:
        """The word's text when it has no expansion at all."""
        if all(s[0] == "lit" for s in self.segments):
            return "".join(s[1] for s in self.segments)
        return None

    def literal_prefix(self) -> str:
        """The leading literal text (``--file=`` of ``--file=$X``, ``A=`` of ``A=$B``)."""
        out = ""
        for kind, value, _quoted in self.segments:
            if kind != "lit":
                break
            out += value
        return out


class _Lexer:
    """Shell text to words and operators, with the line each word starts on.

    Comments and heredoc bodies are dropped; quotes are kept as segment flags.
    """

    OPS = ("&&", "||", ";;", "|&", ">>", "<<-", "<<<", "<<", "&>", ">&", "<&", ">|", "<>")

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.line = 1
        self.heredocs: list[tuple[str, bool]] = []

    def tokens(self) -> Iterator[tuple[str, object, int]]:
        """``("word", _Word, line)`` and ``("op", text, line)``; newlines are ``op "\\n"``."""
        text = self.text
        n = len(text)
        while self.i < n:
            c = text[self.i]
            if c == "\\" and text.startswith("\n", self.i + 1):
                self.i += 2
                self.line += 1
                continue
            if c in " \t\r":
                self.i += 1
                continue
            if c == "\n":
                self.i += 1
                self.line += 1
                yield ("op", "\n", self.line - 1)
                self._skip_heredocs()
                continue
            if c == "#":
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end
                continue
            if c.isdigit():
                # 2>&1, 2>file: the descriptor belongs to the operator
                j = self.i
                while j < n and text[j].isdigit():
                    j += 1
                if j < n and text[j] in "<>":
                    self.i = j
                    continue
            op = next((o for o in self.OPS if text.startswith(o, self.i)), None)
            if op is None and c in ";&|()<>":
                op = c
            if op is not None:
                self.i += len(op)
                line = self.line
                if op in ("<<", "<<-"):
                    word = self._word()
                    if word is not None:
                        delim = "".join(s[1] for s in word.segments)
                        self.heredocs.append((delim, op == "<<-"))
                    continue
                yield ("op", op, line)
                continue
            word = self._word()
            if word is not None:
                yield ("word", word, word.line)
        yield ("op", "\n", self.line)

    def _skip_heredocs(self) -> None:
        while self.heredocs:
            delim, tabs = self.heredocs.pop(0)
            while self.i < len(self.text):
                end = self.text.find("\n", self.i)
                line = self.text[self.i : end if end >= 0 else len(self.text)]
                self.i = len(self.text) if end < 0 else end + 1
                self.line += 1
                if (line.lstrip("\t") if tabs else line).rstrip("\r") == delim:
                    break

    def _word(self) -> _Word | None:
        text = self.text
        n = len(text)
        while self.i < n and text[self.i] in " \t":
            self.i += 1
        word = _Word(self.line)
        while self.i < n:
            c = text[self.i]
            if c in " \t\r\n;&|()<>":
                break
            if c == "\\":
                if text.startswith("\n", self.i + 1):
                    self.i += 2
                    self.line += 1
                    continue
                word.add("lit", text[self.i + 1 : self.i + 2], True)
                self.i += 2
            elif c == "'":
                end = text.find("'", self.i + 1)
                end = n if end < 0 else end
                chunk = text[self.i + 1 : end]
                self.line += chunk.count("\n")
                word.add("lit", chunk, True)
                self.i = end + 1
            elif c == '"':
                self.i += 1
                self._double_quoted(word)
            elif c == "$" or c == "`":
                self._expansion(word, quoted=False)
            else:
                word.add("lit", c, False)
                self.i += 1
        return word if word.segments else None

    def _double_quoted(self, word: _Word) -> None:
        text = self.text
        n = len(text)
        start = len(word.segments)
        while self.i < n and text[self.i] != '"':
            c = text[self.i]
            if c == "\\" and self.i + 1 < n and text[self.i + 1] in '$`"\\\n':
                if text[self.i + 1] == "\n":
                    self.line += 1
                else:
                    word.add("lit", text[self.i + 1], True)
                self.i += 2
            elif c in "$`":
                self._expansion(word, quoted=True)
            else:
                if c == "\n":
                    self.line += 1
                word.add("lit", c, True)
                self.i += 1
        self.i += 1
        if len(word.segments) == start:
            word.add("lit", "", True)  # "" is a word

    def _expansion(self, word: _Word, quoted: bool) -> None:
        text = self.text
        if text[self.i] == "`":
            end = text.find("`", self.i + 1)
            end = len(text) if end < 0 else end
            word.add("cmd", text[self.i + 1 : end], quoted)
            self.line += text.count("\n", self.i, end)
            self.i = end + 1
            return
        nxt = text[self.i + 1 : self.i + 2]
        if text.startswith("$((", self.i):
            end = self._matching(self.i + 1)
            word.add("var", "", quoted)  # arithmetic: unknown
            self.i = end + 1
        elif nxt == "(":
            end = self._matching(self.i + 1)
            word.add("cmd", text[self.i + 2 : end], quoted)
            self.line += text.count("\n", self.i, end)
            self.i = end + 1
        elif nxt == "{":
            end = text.find("}", self.i)
            end = len(text) if end < 0 else end
            word.add("var", text[self.i + 2 : end], quoted)
            self.i = end + 1
        elif nxt == "'":  # $'...': ANSI-C quoting
            end = text.find("'", self.i + 2)
            end = len(text) if end < 0 else end
            word.add("lit", text[self.i + 2 : end], True)
            self.i = end + 1
        else:
            m = _NAME.match(text, self.i + 1)
            if m:
                word.add("var", m.group(0), quoted)
                self.i = m.end()
            elif nxt and nxt in "0123456789@*#?$!-":
                word.add("var", nxt, quoted)
                self.i += 2
            else:
                word.add("lit", "$", quoted)
                self.i += 1

    def _matching(self, open_at: int) -> int:
        """Index of the ``)`` closing the ``(`` at ``open_at`` (quotes respected)."""
        text = self.text
        depth = 0
        i = open_at
        while i < len(text):
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if c == "'":
                i = text.find("'", i + 1)
                if i < 0:
                    return len(text)
            elif c == '"':
                i += 1
                while i < len(text) and text[i] != '"':
                    i += 2 if text[i] == "\\" else 1
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return i
            i += 1
        return len(text)


class _Shell:
    """Runs through a shell script's commands, keeping the working directory and variables."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.refs: list[Ref] = []
        self.cwd: _Loc | None = _Loc(ROOT, "")
        self.vars: dict[str, list[object]] = {}
        self.stack: list[_Loc | None] = []  # the directory at each "(" of a subshell
        self.dirs: list[_Loc | None] = []  # pushd
        self.installs: list[Ref] = []  # directories installed as Python packages

    def run(self) -> list[Ref]:
        words: list[_Word] = []
        redirect = False
        function = False
        for kind, value, _line in _Lexer(self.text).tokens():
            if kind == "word":
                assert isinstance(value, _Word)
                if redirect:
                    self._ref(value, bare=True)
                    redirect = False
                else:
                    words.append(value)
                continue
            op = value
            if op in ("<", ">", ">>", "&>", ">|", "<>"):
                redirect = True
                continue
            if op in (">&", "<&", "<<<"):
                continue
            if op == "(":
                if words:  # name() { ...: a function definition, read as if inline
                    words, function = [], True
                else:
                    self.stack.append(self.cwd)
                continue
            if op == ")" and function:
                function = False
                continue
            self._command(words)
            words = []
            if op == ")" and self.stack:
                self.cwd = self.stack.pop()
        return _unique(self.refs)

    # -- one simple command --

    def _command(self, words: list[_Word]) -> None:
        while words and words[0].literal() in _KEYWORDS:
            words = words[1:]
        if not words or words[0].literal() in _ENDS:
            return
        assignments = []
        while words and (m := _ASSIGNMENT.match(words[0].literal_prefix())) is not None:
            assignments.append((m.group(1), _tail(words[0], m.end())))
            words = words[1:]
        if not words:
            for name, value in assignments:
                self.vars[name] = self._expand(value)
            return
        for _name, value in assignments:  # X=path cmd: the path is the command's
            self._ref(value, bare=False)
        name = words[0].literal()
        args = words[1:]
        if name in ("cd", "pushd"):
            target = next((w for w in args if not w.literal_prefix().startswith("-")), None)
            if name == "pushd":
                self.dirs.append(self.cwd)
            if target is None:
                self.cwd = _Loc(ROOT, "")
                return
            found = self._resolve(self._expand(target))
            self.cwd = found[0] if found is not None and not found[1] else None
            return
        if name == "popd":
            self.cwd = self.dirs.pop() if self.dirs else None
            return
        if name in _DECLARE:
            for w in args:
                m = _ASSIGNMENT.match(w.literal_prefix())
                if m is not None:
                    self.vars[m.group(1)] = self._expand(_tail(w, m.end()))
            return
        if name == "for":
            if len(args) >= 2 and args[1].literal() == "in":
                for w in args[2:]:
                    self._ref(w, bare=False)
                self.vars[args[0].literal() or ""] = [_UNKNOWN]
            return
        if name in ("case", "echo", "printf", ":", "true", "false"):
            return  # words they print or match, not files they read
        for target in _installed_directories(name, args):
            refs, self.refs = self.refs, []
            self._ref(target, bare=True)
            self.installs += self.refs
            self.refs = refs
        if name is None or "/" in name:
            self._ref(words[0], bare=True, run=True)
        runner = name in RUNNERS
        bare = name in FILE_COMMANDS
        if name == "find":  # find's paths come first; "-name x", "(", "!" begin its test
            starts = [i for i, w in enumerate(args) if w.literal_prefix()[:1] in ("-", "(", "!")]
            args = args[: starts[0]] if starts else args
        for w in args:
            lit = w.literal_prefix()
            if lit.startswith("-") and lit != "-":
                if "=" in lit:
                    self._ref(_tail(w, lit.index("=") + 1), bare=False)
                continue
            listed = name in LISTING_COMMANDS and lit in _BINDER_WORDS
            self._ref(w, bare=bare or listed, run=runner)
            runner = False  # only the script itself runs, not its arguments

    # -- words to paths --

    def _ref(self, word: _Word, bare: bool, run: bool = False) -> None:
        parts = self._expand(word)
        computed = any(not isinstance(p, tuple) for p in parts)
        text = "".join(p[0] for p in parts if isinstance(p, tuple))
        if not computed and not (bare or _path_like(text)):
            return
        found = self._resolve(parts)
        if found is None:
            return
        loc, glob = found
        line = self.lines[word.line - 1].strip() if word.line <= len(self.lines) else ""
        self.refs.append(Ref(word.line, line, loc.anchor, loc.path, glob, run))

    def _resolve(self, parts: list[object]) -> tuple[_Loc, bool] | None:
        """The location a word names (relative text against the current directory)."""
        if not parts or any(isinstance(p, (_Unknown, _Self)) for p in parts):
            return None
        head = parts[0]
        rest = parts[1:] if isinstance(head, _Loc) else parts
        pieces = [p for p in rest if isinstance(p, tuple)]
        if len(pieces) != len(rest):
            return None  # a computed directory in the middle of a word
        text = "".join(p[0] for p in pieces)
        glob = any(p[1] and _GLOB.search(p[0]) for p in pieces)
        if isinstance(head, _Loc):
            if text and not text.startswith("/"):
                return None
            return _Loc(head.anchor, join(head.path, text)), glob
        if not text or text.startswith("/"):
            return None
        if text == "~" or text.startswith("~/"):
            if not pieces[0][1]:
                return None  # a quoted ~ is a plain name
            return _Loc(ROOT, normalise(text[1:])), glob
        if self.cwd is None:
            return None
        return _Loc(self.cwd.anchor, join(self.cwd.path, text)), glob

    def _expand(self, word: _Word) -> list[object]:
        parts: list[object] = []
        for kind, value, quoted in word.segments:
            if kind == "lit":
                parts.append((value, not quoted))
            elif kind == "var":
                parts.extend(self._variable(value, word.line))
            else:
                parts.append(self._substitution(value, word.line))
        return parts

    def _variable(self, spec: str, line: int) -> list[object]:
        m = _NAME.match(spec)
        name = m.group(0) if m else spec[:1]
        op = spec[len(name) :]
        if name in ("0", "BASH_SOURCE"):
            if op in ("", "[0]"):
                return [_SELF]
            if op in ("%/*", "[0]%/*"):
                return [_Loc(SCRIPT, "")]
            return [_UNKNOWN]
        if op[:2] in (":-", ":=") or op[:1] in ("-", "="):
            if name in self.vars or name in ("REPO_DIR", "HOME"):
                op = ""
            else:  # ${X:-default}: the default, as a word
                default = op[2:] if op.startswith(":") else op[1:]
                words = [w for c in _simple_commands(default) for w in c]
                return self._expand(words[0]) if len(words) == 1 else [_UNKNOWN]
        if op:
            return [_UNKNOWN]
        if name in self.vars:
            return list(self.vars[name])
        if name in ("REPO_DIR", "HOME"):
            return [_Loc(ROOT, "")]
        if name == "PWD":
            return [self.cwd] if self.cwd is not None else [_UNKNOWN]
        return [_UNKNOWN]

    def _substitution(self, inner: str, line: int) -> object:
        """``$(...)``: its own references count; its value is known when it computes a
        directory (``dirname "$0"``, ``cd DIR && pwd``, ``realpath``), else unknown."""
        saved = (self.cwd, dict(self.vars), list(self.stack), list(self.dirs))
        nested = _Shell(inner)
        nested.cwd, nested.vars = self.cwd, dict(self.vars)
        for ref in nested.run():
            # lines are counted inside the substitution: report them at the word's line
            text = self.lines[line - 1].strip() if line <= len(self.lines) else ""
            self.refs.append(Ref(line, text, ref.anchor, ref.path, ref.glob, ref.run))
        result: object = _UNKNOWN
        for words in _simple_commands(inner):
            name = words[0].literal()
            args = [w for w in words[1:] if not w.literal_prefix().startswith("-")]
            if name in ("cd", "pushd"):
                found = self._resolve(self._expand(args[0])) if args else (_Loc(ROOT, ""), False)
                self.cwd = found[0] if found is not None and not found[1] else None
                result = _UNKNOWN
            elif name == "pwd":
                result = self.cwd if self.cwd is not None else _UNKNOWN
            elif name == "dirname" and args:
                result = _dirname(self._value(args[0]))
            elif name in ("realpath", "readlink", "greadlink") and args:
                result = self._value(args[0])
            else:
                result = _UNKNOWN
                break
        self.cwd, self.vars, self.stack, self.dirs = saved
        return result

    def _value(self, word: _Word) -> object:
        parts = self._expand(word)
        if len(parts) == 1 and isinstance(parts[0], _Self):
            return _SELF
        found = self._resolve(parts)
        return found[0] if found is not None and not found[1] else _UNKNOWN


def _unique(refs: list[Ref]) -> list[Ref]:
    seen: set[Ref] = set()
    out = []
    for r in refs:
        if r not in seen:
            seen.add(r)
            out.append(r)
    return out


def _tail(word: _Word, cut: int) -> _Word:
    """The word without its first ``cut`` literal characters (``NAME=`` or ``--opt=``)."""
    out = _Word(word.line)
    left = cut
    for kind, value, quoted in word.segments:
        if left > 0 and kind == "lit":
            take = min(left, len(value))
            value = value[take:]
            left -= take
            if not value:
                continue
        out.add(kind, value, quoted)
    if not out.segments:
        out.add("lit", "", True)
    return out


def _dirname(value: object) -> object:
    if isinstance(value, _Self):
        return _Loc(SCRIPT, "")
    if isinstance(value, _Loc):
        if value.path in ("", "..") or value.path.endswith("/.."):
            return _Loc(value.anchor, join(value.path, ".."))
        return _Loc(value.anchor, posixpath.dirname(value.path))
    return _UNKNOWN


def _simple_commands(text: str) -> list[list[_Word]]:
    out: list[list[_Word]] = [[]]
    for kind, value, _line in _Lexer(text).tokens():
        if kind == "word":
            assert isinstance(value, _Word)
            out[-1].append(value)
        elif value in ("&&", ";", "\n", "||", "|"):
            if out[-1]:
                out.append([])
    return [c for c in out if c]


# pip options that take a value (the next word when not written --opt=value).
_PIP_VALUE_OPTIONS = frozenset(
    {
        "-r", "--requirement", "-c", "--constraint", "-t", "--target", "-i", "--index-url",
        "--extra-index-url", "-f", "--find-links", "--prefix", "--root", "--src",
        "--upgrade-strategy", "--python-version", "--platform", "--implementation", "--abi",
        "--only-binary", "--no-binary", "-C", "--config-settings", "--progress-bar", "--log",
        "--cache-dir", "--trusted-host", "--proxy", "--timeout", "--retries", "--report",
    }
)  # fmt: skip


def _installed_directories(name: str | None, args: list[_Word]) -> list[_Word]:
    """The words naming a directory that ``name args`` installs as a Python package:
    ``pip install [-e] DIR`` (also ``python -m pip``, ``pip3``) and ``python setup.py
    install|develop`` (its directory). Requirement names are not directories."""
    words = [w.literal() for w in args]
    program = posixpath.basename(name or "")
    if re.fullmatch(r"python[0-9.]*", program) and words[:2] == ["-m", "pip"]:
        program, args, words = "pip", args[2:], words[2:]
    if re.fullmatch(r"python[0-9.]*", program) and words and words[0] is not None:
        setup = words[0]
        if posixpath.basename(setup) == "setup.py" and {"install", "develop"} & set(words[1:]):
            directory = posixpath.dirname(setup) or "."
            return [_literal_word(directory, args[0].line)]
        return []
    if not re.fullmatch(r"pip[0-9.]*", program) or "install" not in words:
        return []
    found: list[_Word] = []
    rest = list(zip(args, words, strict=True))[words.index("install") + 1 :]
    takes_value = False
    for word, text in rest:
        if takes_value:
            takes_value = False
            continue
        if text is not None and text.startswith("-"):
            flag = text.split("=", 1)[0]
            takes_value = flag in _PIP_VALUE_OPTIONS and "=" not in text
            if flag in ("-e", "--editable") and "=" in text:
                found.append(_tail(word, len(flag) + 1))
            continue
        # A directory, not a requirement: ".", "./x", "x/y", "$REPO_DIR", ".[extra]".
        if text is None or text.startswith((".", "/", "~")) or "/" in text:
            found.append(_strip_extras(word))
    return found


def _strip_extras(word: _Word) -> _Word:
    """``.[dev]`` -> ``.``: the directory, without pip's extras."""
    text = word.literal()
    if text is not None and text.endswith("]") and "[" in text:
        return _literal_word(text[: text.index("[")], word.line)
    return word


def _literal_word(text: str, line: int) -> _Word:
    word = _Word(line)
    word.add("lit", text, True)
    return word


def _path_like(text: str) -> bool:
    """A literal that reads as a path: a slash, a dot-extension, a hidden name, a wildcard."""
    if text in ("", ".", ".."):
        return False
    last = text.rstrip("/").rsplit("/", 1)[-1]
    return (
        "/" in text
        or bool(_GLOB.search(text))
        or (last.startswith(".") and len(last) > 1)
        or bool(re.search(r"[A-Za-z0-9_-]\.[A-Za-z0-9]+$", last))
    )


# --- Python and R: string literals -----------------------------------------------------------


def _python(text: str) -> list[Ref]:
    import io
    import tokenize

    lines = text.split("\n")
    refs: list[Ref] = []
    statement: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                refs.extend(_python_statement(statement, lines, _literal))
                statement = []
            elif tok.type not in (
                tokenize.COMMENT,
                tokenize.NL,
                tokenize.INDENT,
                tokenize.DEDENT,
            ):
                statement.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        refs.extend(_python_statement(statement, lines, _literal))
    return refs


def _literal(source: str) -> object:
    """A Python string literal's value (a bad escape is the script's business, not ours)."""
    import ast
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.literal_eval(source)


def _python_statement(
    tokens: Sequence[object], lines: list[str], literal_eval: Callable[[str], object]
) -> list[Ref]:
    import tokenize

    toks = [t for t in tokens if isinstance(t, tokenize.TokenInfo)]
    strings = [t for t in toks if t.type == tokenize.STRING]
    if not strings or len(strings) == len(toks):
        return []  # a docstring (or a bare string statement) is not code
    if toks[0].type == tokenize.NAME and toks[0].string in ("print", "raise", "assert"):
        return []  # text shown to a person, not a file read
    names = {t.string for t in toks if t.type == tokenize.NAME}
    anchor = SCRIPT if "__file__" in names else ROOT
    values = []
    for t in strings:
        try:
            v = literal_eval(t.string)
        except (ValueError, SyntaxError):
            continue  # an f-string: computed, not read
        if isinstance(v, str):
            values.append((t.start[0], v))
    joined = bool(names & {"join", "Path", "PurePath"}) or any(
        t.type == tokenize.OP and t.string == "/" for t in toks
    )
    return _literal_refs(values, anchor, joined, lines)


_R_TOKEN = re.compile(r"#|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"")


def _r(text: str) -> list[Ref]:
    lines = text.split("\n")
    refs: list[Ref] = []
    for number, raw in enumerate(lines, start=1):
        values = []
        code = raw
        for m in _R_TOKEN.finditer(raw):
            if m.group(0) == "#":
                code = raw[: m.start()]
                break
            values.append((number, m.group(0)[1:-1]))
        if re.match(r"\s*(print|cat|message|warning|stop)\s*\(", code):
            continue
        joined = "file.path" in code or "paste" in code
        refs.extend(_literal_refs(values, ROOT, joined, lines))
    return refs


def _literal_refs(
    values: list[tuple[int, str]], anchor: str, joined: bool, lines: list[str]
) -> list[Ref]:
    """String literals as paths; with ``joined`` (os.path.join, Path /, file.path) also all of
    the statement's literals joined by ``/``."""
    candidates = [(line, v) for line, v in values if v]
    if joined and len(candidates) >= 2:
        candidates.append((candidates[0][0], "/".join(v for _line, v in candidates)))
    refs = []
    for line, value in candidates:
        if value.startswith("/") or value in (".", ".."):
            continue
        where = anchor
        if value == "~" or value.startswith("~/"):
            where, value = ROOT, value[1:]
        elif anchor == ROOT and not _path_like(value):
            continue  # a bare word is far more often text than a file
        text = lines[line - 1].strip() if line <= len(lines) else ""
        refs.append(Ref(line, text, where, normalise(value), bool(_GLOB.search(value))))
    return _unique(refs)
