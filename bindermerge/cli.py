"""The command line: parse arguments, call the library, print, choose the exit code.

Exit codes: 0 merged (warnings allowed), 1 unresolved conflict or ``--check`` out of date
(or a warning under ``--strict``), 2 bad input or usage. Bad input never shows a traceback.
"""

# No "from __future__ import annotations": typer reads the annotations of the commands
# built in _commands(), which must be evaluated where typer is in scope.

import json
import sys
from pathlib import Path
from typing import List, Optional, Sequence

EXIT_OK, EXIT_CONFLICT, EXIT_BAD_INPUT = 0, 1, 2
SUBCOMMANDS = ("explain",)


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point (``bindermerge`` and ``python -m bindermerge``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--check" in args:
        # Answer an unchanged tree without importing the merge machinery (pre-commit hooks).
        from .fastcheck import up_to_date

        if up_to_date(args):
            raise SystemExit(EXIT_OK)
    app = _build_app(subcommand=bool(args) and args[0] in SUBCOMMANDS)
    app(args=args, prog_name="bindermerge")


def _build_app(*, subcommand: bool):  # -> typer.Typer, imported lazily
    import typer

    app = typer.Typer(
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        help="Compose several Binder / repo2docker configuration directories into one.",
    )
    merge_command, explain_command = _commands()
    if subcommand:
        app.command("explain")(explain_command)
    else:
        app.command()(merge_command)
    return app


def _version_callback(value: bool) -> None:
    if value:
        from ._version import __version__

        print(f"bindermerge {__version__}")
        raise SystemExit(EXIT_OK)


def _merge_impl(
    sources: list[str],
    output: Optional[Path],
    on_conflict: str,
    strict: bool,
    as_json: bool,
    check: bool,
    diff: bool,
    dry_run: bool,
    force: bool,
    name: Optional[str],
    no_fold: bool,
) -> int:
    from . import output as out
    from .errors import BinderMergeError, InputError
    from .pipeline import merge
    from .report import Reporter

    rep = Reporter(as_json=as_json)
    if output is None:
        return rep.usage("missing option -o/--output DIR")
    try:
        result = merge(sources, on_conflict=on_conflict, name=name, fold=not no_fold)  # type: ignore[arg-type]
    except InputError as exc:
        return rep.error(exc)
    except BinderMergeError as exc:
        return rep.error(exc)

    rep.findings(result)
    if not result.ok:
        return rep.finish(result, EXIT_CONFLICT, "unresolved conflicts: nothing written")
    if strict and (result.warnings or result.conflicts):
        return rep.finish(result, EXIT_CONFLICT, "warnings under --strict: nothing written")

    if check or diff:
        differences = out.compare(output, result)
        if diff:
            rep.diff(out.unified_diff(output, result))
        if check:
            if differences:
                summary = "; ".join(d.text() for d in differences[:3])
                more = f" (+{len(differences) - 3} more)" if len(differences) > 3 else ""
                return rep.finish(result, EXIT_CONFLICT, f"{output} is out of date: {summary}{more}")
            return rep.finish(result, EXIT_OK, f"{output} is up to date")
        return rep.finish(result, EXIT_OK, None)
    if dry_run:
        rep.plan(output, out.planned_files(result))
        return rep.finish(result, EXIT_OK, None)
    try:
        result.write(output, force=force)
    except BinderMergeError as exc:
        return rep.error(exc)
    except OSError as exc:
        return rep.error(BinderMergeError(f"{output}: cannot write: {exc.strerror}"))
    paths = ", ".join(f.path for f in result.files if "/" not in f.path)
    return rep.finish(
        result, EXIT_OK, f"wrote {output}/ from {len(result.sources)} sources: {paths}", written=True
    )


def _commands():  # -> (merge_command, explain_command)
    """The commands with typer-annotated signatures, built when typer is imported."""
    import typer
    from typing import Annotated

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
        version: Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version.")] = False,
    ) -> None:
        """Merge binder directories: bindermerge SRC... -o binder."""
        if on_conflict not in ("fail", "first", "last"):
            raise typer.BadParameter("must be fail, first or last", param_hint="--on-conflict")
        raise SystemExit(
            _merge_impl(sources, output, on_conflict, strict, as_json, check, diff, dry_run, force, name, no_fold)
        )

    def explain_command(
        directory: Annotated[Path, typer.Argument(help="A repository (with binder/ or .binder/) or a binder directory.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Say which buildpack repo2docker picks for DIRECTORY and which files it uses or ignores."""
        raise SystemExit(_explain_impl(directory, as_json))

    return merge_command, explain_command


def _explain_impl(directory: Path, as_json: bool) -> int:
    try:
        from .repo2docker_rules import explain
    except ImportError:  # pragma: no cover - the table lands with the scripts issue
        print("bindermerge: explain is not available in this build", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not directory.is_dir():
        print(f"error: {directory}: not a directory", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = explain(directory)
    if as_json:
        print(json.dumps(result.to_json(), indent=2, sort_keys=True))
    else:
        print(result.render_text())
    return EXIT_OK if result.error is None else EXIT_CONFLICT
