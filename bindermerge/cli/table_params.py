"""typer parameters generated from the options table, for every command that merges.

``bindermerge merge`` and ``bindermerge basebox`` take the table's options (and ``--config``
/ ``--no-config``) with the table's spellings and help, and hand on only the values given on
the command line: the config file fills in the rest. No ``from __future__ import
annotations``: typer reads these annotations at run time.
"""

import inspect
from collections.abc import Callable, Iterable
from typing import Annotated, Any

import typer

from bindermerge.config import CONFIG_FLAG, NO_CONFIG_FLAG, PYPROJECT, STANDALONE, TABLE
from bindermerge.options import Option

CONFIG_HELP = (
    f"The config file to read (default: {STANDALONE} or {PYPROJECT} with [{TABLE}] in this "
    "directory or the nearest parent up to the root of the git work tree). Options given "
    "here override its keys."
)
NO_CONFIG_HELP = "Read no config file."


def annotation(option: Option) -> Any:
    """The typer annotation of one option, from its table entry."""
    decls = list(option.flags)
    info: Any
    if option.kind == "bool":
        if option.opposite is not None:  # --strict/--no-strict: the parameter is the value
            on, off = (
                (option.opposite, option.flag) if option.negate else (option.flag, option.opposite)
            )
            info = typer.Option(f"{on}/{off}", help=option.help, show_default=False)
        else:
            info = typer.Option(*decls, help=option.help)
        return Annotated[bool, info]
    if option.kind == "list":
        info = typer.Option(*decls, help=option.help, metavar=option.metavar, show_default=False)
        return Annotated[list[str] | None, info]
    if option.kind == "choice":
        info = typer.Option(*decls, help=option.help, metavar="|".join(option.choices))
        return Annotated[str, info]
    info = typer.Option(*decls, help=option.help, metavar=option.metavar, show_default=False)
    return Annotated[str | None, info]


def option_parameters(options: Iterable[Option]) -> list[inspect.Parameter]:
    """One keyword parameter per option, with the table's default."""
    params = []
    for option in options:
        # A one-way flag that turns something off would be False until given.
        default = option.default
        if option.kind == "bool" and option.opposite is None and option.negate:
            default = not option.default
        if option.kind == "list":
            default = None
        params.append(
            inspect.Parameter(
                option.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=default,
                annotation=annotation(option),
            )
        )
    return params


def source_parameters(help: str) -> list[inspect.Parameter]:
    """The click context (to tell given options from defaults) and the optional sources."""
    return [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
        inspect.Parameter(
            "sources",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=None,
            annotation=Annotated[
                list[str] | None,
                typer.Argument(help=help, show_default=False, metavar="[SRC]..."),
            ],
        ),
    ]


def config_parameters() -> list[inspect.Parameter]:
    """``--config FILE`` and ``--no-config``, as ``config_file`` and ``no_config``."""
    return [
        inspect.Parameter(
            "config_file",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                str | None,
                typer.Option(CONFIG_FLAG, help=CONFIG_HELP, metavar="FILE", show_default=False),
            ],
        ),
        inspect.Parameter(
            "no_config",
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[bool, typer.Option(NO_CONFIG_FLAG, help=NO_CONFIG_HELP)],
        ),
    ]


def given(
    ctx: typer.Context, values: dict[str, Any], options: Iterable[Option]
) -> dict[str, object]:
    """The option values the command line gave (the table's meaning: ``--no-fold`` gives
    ``fold=False``), leaving out every default so the config file can fill it in."""
    found: dict[str, object] = {}
    for option in options:
        # By name: typer may carry its own copy of click, and with it of the enum.
        source = ctx.get_parameter_source(option.name)
        if source is None or source.name != "COMMANDLINE":
            continue
        value = values[option.name]
        if option.kind == "bool" and option.opposite is None and option.negate:
            value = not value
        found[option.name] = value
    return found


def with_signature(
    command: Callable[..., None], params: list[inspect.Parameter]
) -> Callable[..., None]:
    """``command`` with ``params`` as the signature typer reads."""
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    return command
