"""The typer application: the command line's arguments, options and help.

No ``from __future__ import annotations`` here: typer reads the annotations of the
commands at run time. Imported only when the command line really needs to parse.
"""

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from bindermerge.cli.main import _explain_impl, _merge_impl


def _version_callback(value: bool) -> None:
    if value:
        from bindermerge._version import __version__

        print(f"bindermerge {__version__}")
        raise typer.Exit(0)


def build_app(*, subcommand: bool) -> typer.Typer:
    """The typer app for ``bindermerge SRC... -o DIR`` or, with ``subcommand``, ``bindermerge explain``."""
    app = typer.Typer(
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        help="Compose several Binder / repo2docker configuration directories into one.",
    )
    if subcommand:
        app.command("explain")(explain_command)
    else:
        app.command()(merge_command)
    return app


def merge_command(
    sources: Annotated[List[str], typer.Argument(help="Source directories, merged in this order.", show_default=False)],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Output directory (for example binder).")] = None,
    on_conflict: Annotated[str, typer.Option(help="fail: write nothing; first/last: that source wins, with a warning.")] = "fail",
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as failures (exit 1).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report on stdout.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if the output is out of date.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff of the output against what would be generated.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be written; write nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an output directory bindermerge did not generate.")] = False,
    name: Annotated[Optional[str], typer.Option("--name", help="Name of the merged conda environment.")] = None,
    no_fold: Annotated[bool, typer.Option("--no-fold", help="Keep requirements.txt/runtime.txt beside environment.yml.")] = False,
    lock: Annotated[bool, typer.Option("--lock", help="Solve the merged environment and pin it (conda-lock files).")] = False,
    platform: Annotated[Optional[List[str]], typer.Option("--platform", help="Platform to lock for (repeatable; default linux-64).")] = None,
    lock_backend: Annotated[str, typer.Option("--lock-backend", help="auto, conda-lock (your conda/mamba/micromamba) or rattler.")] = "auto",
    lock_pip: Annotated[str, typer.Option("--lock-pip", help="Pin pip entries from the package index: auto (when it answers), yes or no.")] = "auto",
    version: Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version.")] = False,
) -> None:
    """Merge binder directories: bindermerge SRC... -o binder."""
    raise SystemExit(
        _merge_impl(
            sources, output, on_conflict, strict, as_json, check, diff, dry_run, force, name, no_fold,
            lock_platforms=(tuple(platform or ("linux-64",)) if lock else None), platforms=tuple(platform or ()),
            lock_backend=lock_backend, lock_pip=lock_pip,
        )
    )

def explain_command(
    directory: Annotated[Path, typer.Argument(help="A repository (with binder/ or .binder/) or a binder directory.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Say which buildpack repo2docker picks for DIRECTORY and which files it uses or ignores."""
    raise SystemExit(_explain_impl(directory, as_json))

