"""The typer application: every command, its arguments and its help.

One application with subcommands: ``merge`` (the default: ``bindermerge SRC... -o DIR`` is
``bindermerge merge SRC... -o DIR``) and ``explain``; later ``link``, ``basebox``, ``stamp``.
The merge command's options are generated from :data:`bindermerge.options.OPTIONS`, so the
help, the fast argument reader (:mod:`.argv`) and the config file cannot disagree.

Imported only when the command line really needs typer: help, a subcommand, or arguments the
fast reader does not accept (typer then reports the mistake). No ``from __future__ import
annotations``: typer reads the annotations of the commands at run time.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, List

import typer
from typer.core import TyperGroup

from bindermerge.cli.basebox_command import basebox_command, expand_push
from bindermerge.cli.link_commands import link_command, stamp_command
from bindermerge.cli.table_params import (
    config_parameters,
    given,
    option_parameters,
    source_parameters,
    with_signature,
)
from bindermerge.config import PYPROJECT, STANDALONE, TABLE
from bindermerge.options import OPTIONS, expand_bare

HELP = (
    "Compose several Binder / repo2docker configuration directories into one.\n\n"
    "Run bindermerge SRC... -o binder to merge (merge is the default command), or "
    "bindermerge alone to run the merge the project's config file describes; a source "
    "named like a command is given as ./explain, or after merge."
)
SOURCES_HELP = (
    "Sources, merged in this order: directories, or git repositories spelled "
    "gh:OWNER/REPO[@REF][#SUBDIR], gl:OWNER/REPO[@REF][#SUBDIR] or git+URL[@REF][#SUBDIR] "
    "(REF: a branch, tag or commit; SUBDIR: a folder of the repository; pip's "
    "#subdirectory=SUBDIR is read too). Without any, the "
    f"sources of the config file ([{TABLE}] in {PYPROJECT}, or {STANDALONE}); given, they "
    "replace its list."
)


class DefaultMergeGroup(TyperGroup):
    """A group whose default command is ``merge``: a first word that names no command (or an
    option other than help) is the start of ``merge``'s arguments."""

    def resolve_command(self, ctx: Any, args: List[str]) -> Any:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["merge", *args]
        if args and args[0] in ("merge", "basebox"):
            args = expand_bare(args)  # --update alone: the table's bare value, as argv reads it
        if args and args[0] == "basebox":
            args = expand_push(args)
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
    app.command("basebox")(basebox_command())
    return app


def _merge_command() -> Callable[..., None]:
    """The merge command, with one parameter per entry of the options table."""

    def merge_command(ctx: typer.Context, **values: Any) -> None:
        """Merge binder directories: bindermerge SRC... -o binder (or the config file's)."""
        from bindermerge.cli.main import run_request

        raise SystemExit(
            run_request(
                list(values["sources"] or ()),
                given(ctx, values, OPTIONS),
                config_file=values["config_file"],
                no_config=values["no_config"],
            )
        )

    params = [
        *source_parameters(SOURCES_HELP),
        *config_parameters(),
        *option_parameters(OPTIONS),
    ]
    return with_signature(merge_command, params)


def explain_command(
    directory: Annotated[
        Path, typer.Argument(help="A repository (with binder/ or .binder/) or a binder directory.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Say which buildpack repo2docker picks for DIRECTORY and which files it uses or ignores."""
    from bindermerge.cli.main import run_explain

    raise SystemExit(run_explain(str(directory), as_json))
