"""Every option of a merge, once: its default, its command-line flag, its config-file key, and
what it is part of.

:data:`OPTIONS` is the one table. The command line (typer and the fast argument reader), the
fast ``--check``, the manifest and the input digest all derive from it, and the config file
(:mod:`bindermerge.config`) reads its keys from it: adding an option is one entry here (plus
its typed attribute on :class:`MergeOptions`) and its use.

``scope`` says what an option decides:

* ``merge`` — what the merge writes; it enters the input digest;
* ``lock`` — what ``--lock`` writes; it enters the lock's digest (only when locking);
* ``run`` — how this run behaves (where to write, whether to write at all): never digested.

Standard library only, without dataclasses or typing at run time: the fast ``--check`` path of
a pre-commit hook imports this module to read its arguments.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs the fast path
if TYPE_CHECKING:
    from collections.abc import Iterable


class Option:
    """One option: the attribute ``name`` on :class:`MergeOptions`, and how it is spelled.

    ``kind`` is ``"bool"`` (a flag; with ``negate`` the flag turns the value off, as
    ``--no-fold`` does ``fold``; a configurable one also has its :attr:`opposite`),
    ``"choice"`` (one of ``choices``), ``"str"``, ``"path"`` or ``"list"`` (a repeatable flag
    collecting values). ``flags`` are the command-line spellings, the long one first;
    ``config_key`` is the key in ``[tool.bindermerge]`` / bindermerge.toml (None: not
    configurable). ``requires`` names a bool option this one is meaningless without. ``bare``
    is the value a value-taking flag stands for when no value follows it (``--update`` alone,
    or before another option); see :func:`~bindermerge.options.expand_bare`.
    """

    __slots__ = (
        "name", "default", "kind", "flags", "config_key", "scope", "choices", "negate", "help",
        "metavar", "requires", "bare",
    )  # fmt: skip

    def __init__(
        self,
        name: str,
        default: object,
        kind: str,
        flags: tuple[str, ...],
        *,
        scope: str,
        help: str,
        config_key: str | None = None,
        choices: tuple[str, ...] = (),
        negate: bool = False,
        metavar: str | None = None,
        requires: str | None = None,
        bare: str | None = None,
    ) -> None:
        self.name = name
        self.default = default
        self.kind = kind
        self.flags = flags
        self.config_key = config_key
        self.scope = scope
        self.choices = choices
        self.negate = negate
        self.help = help
        self.metavar = metavar
        self.requires = requires
        self.bare = bare

    @property
    def flag(self) -> str:
        """The long flag (``--on-conflict``)."""
        return self.flags[0]

    @property
    def takes_value(self) -> bool:
        return self.kind != "bool"

    @property
    def opposite(self) -> str | None:
        """The flag that sets a configurable bool back (``--no-strict``, ``--fold``), so the
        command line can override a config file's ``strict = true``; None for the rest."""
        if self.kind != "bool" or self.config_key is None:
            return None
        if self.negate:
            return "--" + self.flag.removeprefix("--no-")
        return "--no-" + self.flag.removeprefix("--")

    def check(self, value: object) -> str | None:
        """Why ``value`` is not valid for this option, or None."""
        if self.kind == "choice" and value not in self.choices:
            return f"{self.flag} must be {_or(self.choices)}, not {value!r}"
        if self.kind == "str" and value is not None and not str(value).strip():
            return f"{self.flag} must not be empty"
        return None

    def __repr__(self) -> str:
        return f"Option({self.name!r})"


def _or(choices: Iterable[str]) -> str:
    items = list(choices)
    return ", ".join(items[:-1]) + f" or {items[-1]}" if len(items) > 1 else items[0]


ON_CONFLICT_CHOICES = ("fail", "first", "last")
LOCK_BACKEND_CHOICES = ("auto", "conda-lock", "rattler")
LOCK_PIP_CHOICES = ("auto", "yes", "no")
DEFAULT_PLATFORMS = ("linux-64",)
UPDATE_ALL = "*"  # --update given alone: every git source

OPTIONS: tuple[Option, ...] = (
    # -- what the merge writes (digested)
    Option("on_conflict", "fail", "choice", ("--on-conflict",), scope="merge",
           config_key="on-conflict", choices=ON_CONFLICT_CHOICES,
           help="fail: write nothing on a conflict; first/last: that source wins, with a warning."),
    Option("name", None, "str", ("--name",), scope="merge", config_key="name", metavar="NAME",
           help="Name of the merged conda environment (default: the first source's)."),
    Option("fold", True, "bool", ("--no-fold",), scope="merge", config_key="fold", negate=True,
           help="Fold requirements.txt/runtime.txt into environment.yml (the default), or "
           "keep them apart with --no-fold (repo2docker then ignores them)."),
    Option("fold_ignored", False, "bool", ("--fold-ignored",), scope="merge",
           config_key="fold-ignored",
           help="Also fold the requirements.txt/runtime.txt that repo2docker ignored next to "
           "their own source's environment.yml."),
    # -- what --lock writes (digested when locking)
    Option("lock", False, "bool", ("--lock",), scope="lock", config_key="lock",
           help="Solve the merged environment and pin it "
           "(conda-lock files; needs bindermerge[lock])."),
    Option("platforms", DEFAULT_PLATFORMS, "list", ("--platform",), scope="lock",
           config_key="platforms", metavar="PLATFORM", requires="lock",
           help="Platform to lock for (repeatable; default linux-64)."),
    Option("lock_backend", "auto", "choice", ("--lock-backend",), scope="lock",
           config_key="lock-backend", choices=LOCK_BACKEND_CHOICES, requires="lock",
           help="auto, conda-lock (your conda/mamba/micromamba) or rattler."),
    Option("lock_pip", "auto", "choice", ("--lock-pip",), scope="lock", config_key="lock-pip",
           choices=LOCK_PIP_CHOICES, requires="lock",
           help="Pin pip entries from the package index: auto (when it answers), yes or no."),
    # -- how this run behaves (never digested)
    Option("output", None, "path", ("--output", "-o"), scope="run", config_key="output",
           metavar="DIR", help="Output directory (for example binder)."),
    Option("strict", False, "bool", ("--strict",), scope="run", config_key="strict",
           help="Treat warnings as failures (exit 1, nothing written)."),
    Option("check", False, "bool", ("--check",), scope="run",
           help="Write nothing; exit 1 if the output is out of date."),
    Option("diff", False, "bool", ("--diff",), scope="run",
           help="Print a unified diff of the output against what would be generated; "
           "exit 1 when they differ."),
    Option("dry_run", False, "bool", ("--dry-run",), scope="run",
           help="List what would be written; write nothing."),
    Option("force", False, "bool", ("--force",), scope="run",
           help="Replace an output directory bindermerge did not generate."),
    Option("json", False, "bool", ("--json",), scope="run", help="Print a JSON report on stdout."),
    Option("exit_non_zero_on_write", False, "bool", ("--exit-non-zero-on-write",), scope="run",
           help="Exit 1 when anything was written (a pre-commit hook then stops the commit, "
           "so the regenerated files can be added); 0 when the output was up to date."),
    Option("update", (), "list", ("--update",), scope="run", metavar="[SOURCE]",
           bare=UPDATE_ALL,
           help="Resolve git sources to the newest commit of their REF again (without it, "
           "the commit recorded in the output is kept): --update alone for all, --update SOURCE "
           "(repeatable; the source as typed or its name) for one."),
)  # fmt: skip

BY_NAME: dict[str, Option] = {o.name: o for o in OPTIONS}
BY_FLAG: dict[str, Option] = {f: o for o in OPTIONS for f in o.flags}
BY_OPPOSITE: dict[str, Option] = {o.opposite: o for o in OPTIONS if o.opposite}
BY_CONFIG_KEY: dict[str, Option] = {o.config_key: o for o in OPTIONS if o.config_key}


class MergeOptions:
    """The value of every option of one run: immutable, comparable, hashable.

    ``MergeOptions(on_conflict="first")`` takes the table's defaults for the rest;
    :meth:`replace` gives a changed copy. Unknown names and invalid values raise
    :class:`ValueError` with the flag's spelling in the message.
    """

    __slots__ = tuple(o.name for o in OPTIONS)

    # The typed view of the table's entries (mypy reads these; values live in the slots).
    on_conflict: str
    name: str | None
    fold: bool
    fold_ignored: bool
    lock: bool
    platforms: tuple[str, ...]
    lock_backend: str
    lock_pip: str
    output: str | None
    strict: bool
    check: bool
    diff: bool
    dry_run: bool
    force: bool
    json: bool
    exit_non_zero_on_write: bool
    update: tuple[str, ...]

    def __init__(self, **values: object) -> None:
        unknown = sorted(set(values) - set(BY_NAME))
        if unknown:
            raise ValueError(f"unknown option {unknown[0]!r}")
        for option in OPTIONS:
            value = values.get(option.name, option.default)
            if option.kind == "list":
                value = tuple(dict.fromkeys(_strings(value)))  # repeated values count once
            elif option.kind == "path" and value is not None:
                value = str(value)
            problem = option.check(value)
            if problem:
                raise ValueError(problem)
            object.__setattr__(self, option.name, value)

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError("MergeOptions is immutable: use .replace()")

    def replace(self, **changes: object) -> MergeOptions:
        """A copy with ``changes`` applied."""
        return MergeOptions(**{**self.as_dict(), **changes})

    def as_dict(self) -> dict[str, object]:
        return {o.name: getattr(self, o.name) for o in OPTIONS}

    def given(self) -> list[Option]:
        """The options whose value differs from the default."""
        return [o for o in OPTIONS if getattr(self, o.name) != _default(o)]

    def digest_items(self) -> dict[str, object]:
        """The options as they enter the input digest (a change in any of them is a change)."""
        return {o.name: getattr(self, o.name) for o in OPTIONS if o.scope == "merge"}

    def lock_items(self) -> dict[str, object]:
        """The lock's options, as they enter the lock's digest."""
        return {o.name: getattr(self, o.name) for o in OPTIONS if o.scope == "lock"}

    def misplaced(self) -> str | None:
        """Why these options do not fit together, or None (``--platform`` without ``--lock``)."""
        for option in OPTIONS:
            if option.requires and not getattr(self, option.requires):
                if getattr(self, option.name) != _default(option):
                    needs = BY_NAME[option.requires].flag
                    return f"{option.flag} needs {needs}"
        return None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MergeOptions) and self.as_dict() == other.as_dict()

    def __hash__(self) -> int:
        return hash(tuple(self.as_dict().items()))

    def __repr__(self) -> str:
        given = ", ".join(f"{o.name}={getattr(self, o.name)!r}" for o in self.given())
        return f"MergeOptions({given})"


def expand_bare(args: Iterable[str]) -> list[str]:
    """``args`` with every flag that has a ``bare`` value written ``--flag=VALUE``, so that
    both argument readers see one spelling: the next word is its value (``--update
    postgres-block``) unless there is none or it is an option (``--update -o binder``, or
    ``--update`` last), when the flag stands for its bare value. The value of another flag
    (``--name --update``) and everything after ``--`` are left as they are.

    A word after ``--update`` is never a source: ``bindermerge --update SOURCE`` with the
    sources in a config file updates SOURCE and merges the file's sources, and a mistaken
    ``--update gh:a gh:b`` names no git source among ``gh:b`` and fails loudly."""
    out: list[str] = []
    words = list(args)
    i = 0
    while i < len(words):
        word = words[i]
        out.append(word)
        i += 1
        if word == "--":
            out.extend(words[i:])
            break
        option = BY_FLAG.get(word)
        if option is None:
            continue
        if option.bare is not None:
            nxt = words[i] if i < len(words) else None
            if nxt is not None and not nxt.startswith("-"):
                out[-1] = f"{word}={nxt}"
                i += 1
            else:
                out[-1] = f"{word}={option.bare}"
        elif option.takes_value and i < len(words):
            out.append(words[i])
            i += 1
    return out


def _default(option: Option) -> object:
    return tuple(_strings(option.default)) if option.kind == "list" else option.default


def _strings(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    raise ValueError(f"expected a list of strings, not {value!r}")
