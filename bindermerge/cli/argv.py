"""Reading ``bindermerge SRC... -o OUT [options]`` without typer, from the options table.

A pre-commit hook runs the same well-formed command on every commit; importing typer (and
click) to read it would cost more than the merge. This reader understands exactly the flags in
:data:`bindermerge.options.OPTIONS` (with their opposites, ``--no-strict``) and ``--config``
/ ``--no-config``, and answers None for anything else (``--help``, a subcommand, an unknown
flag, a missing value, a bad choice): then typer parses, and explains.
Both readers derive from the same table, so they cannot disagree on what a flag means.
Standard library only.
"""

from __future__ import annotations

from bindermerge.config import CONFIG_FLAG, NO_CONFIG_FLAG
from bindermerge.options import BY_FLAG, BY_OPPOSITE, expand_bare

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast path avoids importing typing
if TYPE_CHECKING:
    from collections.abc import Sequence

# First words that are never a source: subcommands and the flags typer answers itself.
NOT_A_MERGE = frozenset(
    {"-h", "--help", "--version", "merge", "explain", "link", "stamp", "basebox"}
)


class Request:
    """A parsed main command: the sources as typed (none: the config file's), the option
    values given, and which config file to read (``config_file``, or none with
    ``no_config``; neither: the one :func:`bindermerge.config.find` finds)."""

    __slots__ = ("sources", "values", "config_file", "no_config")

    def __init__(
        self,
        sources: list[str],
        values: dict[str, object],
        config_file: str | None = None,
        no_config: bool = False,
    ) -> None:
        self.sources = sources
        self.values = values
        self.config_file = config_file
        self.no_config = no_config


def parse(argv: Sequence[str]) -> Request | None:
    """The sources and options of a plain merge command, or None when typer must parse it."""
    args = expand_bare(argv)  # --update SOURCE / --update alone, spelled --update=VALUE
    if args and args[0] in NOT_A_MERGE:
        return None
    sources: list[str] = []
    values: dict[str, object] = {}
    request = Request(sources, values)
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            sources += args[i + 1 :]
            break
        if not a.startswith("-") or a == "-":
            sources.append(a)
            i += 1
            continue
        key, value = a, None
        if a.startswith("--") and "=" in a:
            key, value = a.split("=", 1)
        elif not a.startswith("--") and len(a) > 2:  # -oDIR
            key, value = a[:2], a[2:]
        if key == NO_CONFIG_FLAG and value is None:
            request.no_config = True
            i += 1
            continue
        if key == CONFIG_FLAG:
            if value is None:
                i += 1
                if i >= len(args):
                    return None
                value = args[i]
            request.config_file = value
            i += 1
            continue
        if key in BY_OPPOSITE and value is None:  # --no-strict, --fold: back to the default
            values[BY_OPPOSITE[key].name] = BY_OPPOSITE[key].negate
            i += 1
            continue
        option = BY_FLAG.get(key)
        if option is None:
            return None
        if option.takes_value:
            if value is None:
                i += 1
                if i >= len(args):
                    return None
                value = args[i]
            if option.check(value) is not None:
                return None
            if option.kind == "list":
                previous = values.get(option.name, ())
                values[option.name] = (*(previous if isinstance(previous, tuple) else ()), value)
            else:
                values[option.name] = value
        else:
            if value is not None:
                return None
            values[option.name] = not option.negate
        i += 1
    # No sources is still a merge: the config file names them (or the merge says how to).
    return request
