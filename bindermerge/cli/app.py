"""The typer application: every command, its arguments and its help.

One application with subcommands: ``merge`` (the default: ``bindermerge SRC... -o DIR`` is
``bindermerge merge SRC... -o DIR``) and ``explain``; later ``link``, ``basebox``, ``stamp``.
The merge command's options are generated from :data:`bindermerge.options.OPTIONS`, so the
help, the fast argument reader (:mod:`.argv`) and the config file cannot disagree.

Imported only when the command line really needs typer: help, a subcommand, or arguments the
fast reader does not accept (typer then reports the mistake). No ``from __future__ import
annotations``: typer reads the annotations of the commands at run time.
"""

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, List, Optional

import typer
from typer.core import TyperGroup

from bindermerge.cli.link_commands import link_command, stamp_command
from bindermerge.config import CONFIG_FLAG, NO_CONFIG_FLAG, PYPROJECT, STANDALONE, TABLE
from bindermerge.options import OPTIONS, Option, expand_bare

HELP = (
    "Compose several Binder / repo2docker configuration directories into one.\n\n"
    "Run bindermerge SRC... -o binder to merge (merge is the default command), or "
    "bindermerge alone to run the merge the project's config file describes; a source "
    "named like a command is given as ./explain, or after merge."
)
SOURCES_HELP = (
    "Sources, merged in this order: directories, or git repositories spelled "
    "gh:OWNER/REPO[@REF][#SUBDIR], gl:OWNER/REPO[@REF][#SUBDIR] or git+URL[@REF][#SUBDIR] "
    "(REF: a branch, tag or commit; SUBDIR: a folder of the repository). Without any, the "
    f"sources of the config file ([{TABLE}] in {PYPROJECT}, or {STANDALONE}); given, they "
    "replace its list."
)
CONFIG_HELP = (
    f"The config file to read (default: {STANDALONE} or {PYPROJECT} with [{TABLE}] in this "
    "directory or the nearest parent up to the root of the git work tree). Options given "
    "here override its keys."
)
NO_CONFIG_HELP = "Read no config file."


class DefaultMergeGroup(TyperGroup):
    """A group whose default command is ``merge``: a first word that names no command (or an
    option other than help) is the start of ``merge``'s arguments."""

    def resolve_command(self, ctx: Any, args: List[str]) -> Any:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["merge", *args]
        if args and args[0] == "merge":
            args = expand_bare(args)  # --update alone: the table's bare value, as argv reads it
        return super().resolve_command(ctx, args)


def _version_callback(value: bool) -> None:
    if value:
        from bindermerge._version import __version__

        print(f"bindermerge {__version__}")
        raise typer.Exit(0)


def build_app() -> typer.Typer:
    """The typer application for ``bindermerge``."""
    app = typer.Typer(
        cls=DefaultMergeGroup,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # help text is plain: "bindermerge[lock]" is not markup
        no_args_is_help=True,
        context_settings={"help_option_names": ["-h", "--help"]},
        help=HELP,
    )

    @app.callback()
    def root(
        version: Annotated[
            bool,
            typer.Option(
                "--version", callback=_version_callback, is_eager=True, help="Show the version."
            ),
        ] = False,
    ) -> None:
        """Compose several Binder / repo2docker configuration directories into one."""

    app.command("merge")(_merge_command())
    app.command("explain")(explain_command)
    app.command("link")(link_command)
    app.command("stamp")(stamp_command)
    return app


def _annotation(option: Option) -> Any:
    """The typer annotation of one option, from its table entry."""
    decls = list(option.flags)
    info: Any
    if option.kind == "bool":
        info = typer.Option(*decls, help=option.help)
        return Annotated[bool, info]
    if option.kind == "list":
        info = typer.Option(*decls, help=option.help, metavar=option.metavar, show_default=False)
        return Annotated[Optional[List[str]], info]
    if option.kind == "choice":
        info = typer.Option(*decls, help=option.help, metavar="|".join(option.choices))
        return Annotated[str, info]
    info = typer.Option(*decls, help=option.help, metavar=option.metavar, show_default=False)
    return Annotated[Optional[str], info]


def _merge_command() -> Callable[..., None]:
    """The merge command, with one parameter per entry of the options table."""

    def merge_command(ctx: typer.Context, **values: Any) -> None:
        """Merge binder directories: bindermerge SRC... -o binder (or the config file's)."""
        from bindermerge.cli.main import run_request

        given = {}
        for option in OPTIONS:
            # Only what the command line says: the config file fills in the rest. By name:
            # typer may carry its own copy of click, and with it of the enum.
            source = ctx.get_parameter_source(option.name)
            if source is None or source.name != "COMMANDLINE":
                continue
            value = values[option.name]
            if option.kind == "bool":
                value = (not value) if option.negate else value
            given[option.name] = value
        raise SystemExit(
            run_request(
                list(values["sources"] or ()),
                given,
                config_file=values["config_file"],
                no_config=values["no_config"],
            )
        )

    params = [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
        inspect.Parameter(
            "sources",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=None,
            annotation=Annotated[
                Optional[List[str]],
                typer.Argument(help=SOURCES_HELP, show_default=False, metavar="[SRC]..."),
            ],
        ),
        inspect.Parameter(
            "config_file",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                Optional[str],
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
    for option in OPTIONS:
        # A flag that turns something off (--no-fold) is False until given.
        default = (not option.default) if option.negate else option.default
        if option.kind == "list":
            default = None
        params.append(
            inspect.Parameter(
                option.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=default,
                annotation=_annotation(option),
            )
        )
    merge_command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    merge_command.__annotations__ = {p.name: p.annotation for p in params}
    return merge_command


def explain_command(
    directory: Annotated[
        Path, typer.Argument(help="A repository (with binder/ or .binder/) or a binder directory.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Say which buildpack repo2docker picks for DIRECTORY and which files it uses or ignores."""
    from bindermerge.cli.main import run_explain

    raise SystemExit(run_explain(str(directory), as_json))
