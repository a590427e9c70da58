"""The command line: parse arguments, call the library, print, choose the exit code.

Exit codes: 0 merged (warnings allowed), 1 unresolved conflict or ``--check`` out of date
(or a warning under ``--strict``), 2 bad input or usage. Bad input never shows a traceback.

Argument parsing lives in :mod:`bindermerge.typer_app`; this module imports nothing heavy
at load time, so that an up-to-date ``--check`` (a pre-commit hook's common case) is answered
by :mod:`bindermerge.fastcheck` before typer or the merge machinery is imported.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: see bindermerge/__init__.py
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Sequence

EXIT_OK, EXIT_CONFLICT, EXIT_BAD_INPUT = 0, 1, 2
SUBCOMMANDS = ("explain",)


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point (``bindermerge`` and ``python -m bindermerge``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--check" in args or "--lock" in args:
        from bindermerge.cli.fastcheck import up_to_date

        if up_to_date(args):
            if "--check" not in args:  # a --lock run with nothing changed: no solve, no write
                print("bindermerge: output is up to date with its inputs; nothing to do", file=sys.stderr)
            raise SystemExit(EXIT_OK)
    from bindermerge.cli.app import build_app

    if args and args[0] in SUBCOMMANDS:
        # A one-command typer app takes no command name: drop it from the arguments.
        build_app(subcommand=True)(args=args[1:], prog_name=f"bindermerge {args[0]}")
    build_app(subcommand=False)(args=args, prog_name="bindermerge")


def _merge_impl(
    sources: list[str],
    output: Path | None,
    on_conflict: str,
    strict: bool,
    as_json: bool,
    check: bool,
    diff: bool,
    dry_run: bool,
    force: bool,
    name: str | None,
    no_fold: bool,
    *,
    lock_platforms: tuple[str, ...] | None = None,
    platforms: tuple[str, ...] = (),
    lock_backend: str = "auto",
    lock_pip: str = "auto",
) -> int:
    from bindermerge.output import write as out
    from bindermerge.errors import BinderMergeError
    from bindermerge.pipeline import merge
    from bindermerge.cli.report import Reporter

    rep = Reporter(as_json=as_json)
    if output is None:
        return rep.usage("missing option -o/--output DIR")
    if on_conflict not in ("fail", "first", "last"):
        return rep.usage(f"--on-conflict must be fail, first or last, not {on_conflict!r}")
    if lock_backend not in ("auto", "conda-lock", "rattler"):
        return rep.usage(f"--lock-backend must be auto, conda-lock or rattler, not {lock_backend!r}")
    if lock_pip not in ("auto", "yes", "no"):
        return rep.usage(f"--lock-pip must be auto, yes or no, not {lock_pip!r}")
    if name is not None and not name.strip():
        return rep.usage("--name must not be empty")
    if lock_platforms is None and (platforms or lock_backend != "auto" or lock_pip != "auto"):
        return rep.usage("--platform, --lock-backend and --lock-pip need --lock")
    where = out.location_problem(output, sources)
    if where:
        return rep.error(BinderMergeError(f"{output}: {where}"))
    try:
        result = merge(sources, on_conflict=on_conflict, name=name, fold=not no_fold)  # type: ignore[arg-type]
    except BinderMergeError as exc:  # InputError and the rest: one line, exit 2
        return rep.error(exc)

    if lock_platforms is not None and result.ok:
        from bindermerge.lock import UnsatisfiableError
        from bindermerge.lock.apply import StaleLock, lock_result, sources_of

        try:
            result = lock_result(
                result, output, platforms=lock_platforms, backend=lock_backend,
                lock_pip=lock_pip, solve=not check,
            )
        except StaleLock as exc:
            rep.findings(result)
            return rep.finish(result, EXIT_CONFLICT, f"out of date: {exc}")
        except UnsatisfiableError as exc:
            env = result.file("environment.yml")
            who = sources_of(env.content.decode() if env else "", exc.specs, exc.explanation)
            rep.findings(result)
            by = f"; packages asked for by {', '.join(who)}" if who else ""
            return rep.finish(
                result, EXIT_CONFLICT,
                f"the merged environment cannot be solved for {exc.platform}{by}:\n{exc.explanation}",
            )
        except BinderMergeError as exc:  # bad input, unreachable channel, no solver: exit 2
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
        result, EXIT_OK, f"wrote {output}/ from {len(result.sources)} source{'s' if len(result.sources) != 1 else ''}: {paths}", written=True
    )


def _explain_impl(directory: Path, as_json: bool) -> int:
    from bindermerge.repo2docker.rules import explain

    if not directory.is_dir():
        print(f"error: {directory}: not a directory", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = explain(directory)
    if as_json:
        import json

        print(json.dumps(result.to_json(), indent=2, sort_keys=True))
    else:
        print(result.render_text())
    return EXIT_OK if result.error is None else EXIT_CONFLICT
