"""The command line: parse arguments, call the library, print, choose the exit code.

Exit codes: 0 merged (warnings allowed), or nothing to do; 1 an unresolved conflict, an output
that is out of date (``--check``) or differs (``--diff``), an unsatisfiable lock, a warning
under ``--strict``, or anything written under ``--exit-non-zero-on-write`` (the regenerating
pre-commit hook); 2 bad input or usage. Bad input never shows a traceback.

:func:`main` takes three roads, cheapest first: an up-to-date output (``--check``, an
unchanged ``--lock``, a merge with nothing to do) is answered by :mod:`.fastcheck` from the
manifest; a well-formed ``bindermerge [SRC...] [options]`` is read by :mod:`.argv` from the
options table, laid over the project's config file (:mod:`bindermerge.config`) and merged
without importing typer; everything else (``--help``, subcommands, mistakes) goes to the
typer application in :mod:`.app`, which reports usage errors and calls back in here.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: see bindermerge/__init__.py
if TYPE_CHECKING:
    from collections.abc import Sequence

    from bindermerge.options import MergeOptions

EXIT_OK, EXIT_CONFLICT, EXIT_BAD_INPUT = 0, 1, 2
UP_TO_DATE = "is up to date with its inputs; nothing to do"


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point (``bindermerge`` and ``python -m bindermerge``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    code: str | int | None = EXIT_OK
    try:
        _main(args)
    except SystemExit as exc:
        code = exc.code
    except BrokenPipeError:  # the reader went away (``--json | head``): not our failure
        _quiet_stdout()
        raise SystemExit(EXIT_CONFLICT) from None
    try:
        sys.stdout.flush()  # here, not at exit, where a closed pipe prints a traceback
    except BrokenPipeError:
        _quiet_stdout()
    raise SystemExit(code)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that nothing more is written to the closed pipe."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _main(args: list[str]) -> None:
    from bindermerge.cli.argv import parse

    request = parse(args)
    if request is None:  # help, a subcommand or a mistake: typer reads and explains
        from bindermerge.cli.app import build_app

        build_app()(args=args, prog_name="bindermerge")
        return
    from bindermerge.cli.fastcheck import up_to_date

    output = up_to_date(request)
    if output is not None:
        # --check and --diff say nothing when nothing differs; a merge or --lock run does
        if not request.values.get("check") and not request.values.get("diff"):
            print(f"bindermerge: {output} {UP_TO_DATE}", file=sys.stderr)
        raise SystemExit(EXIT_OK)
    raise SystemExit(
        run_request(
            request.sources,
            request.values,
            config_file=request.config_file,
            no_config=request.no_config,
        )
    )


def run_request(
    sources: Sequence[str],
    values: dict[str, object],
    *,
    config_file: str | None = None,
    no_config: bool = False,
) -> int:
    """Merge as the command line and the project's config file say; returns the exit code.

    ``values`` holds the options given on the command line only: they override the config
    file's, and ``sources`` given there replace its list.
    """
    from bindermerge.cli.report import Reporter
    from bindermerge.config import resolve
    from bindermerge.errors import BinderMergeError, UsageError
    from bindermerge.options import MergeOptions

    rep = Reporter(as_json=bool(values.get("json")))
    try:
        chosen, merged, _config = resolve(
            sources, values, config_file=config_file, no_config=no_config
        )
        opts = MergeOptions(**merged)
    except UsageError as exc:
        return rep.usage(str(exc))
    except BinderMergeError as exc:  # a config file that cannot be used: one line, exit 2
        return rep.error(exc)
    except ValueError as exc:  # values that do not fit the options table
        return rep.usage(str(exc))
    return run_merge(chosen, opts)


def run_merge(sources: Sequence[str], opts: MergeOptions) -> int:
    """Merge ``sources`` as ``opts`` say and report; returns the exit code."""
    from pathlib import Path

    from bindermerge.cli.report import Reporter
    from bindermerge.errors import BinderMergeError, OutputError
    from bindermerge.output.location import location_problem
    from bindermerge.output.manifest import Manifest, ManifestError
    from bindermerge.pipeline import merge
    from bindermerge.sources.open import open_sources

    rep = Reporter(as_json=opts.json)
    if opts.output is None:
        return rep.usage('missing option -o/--output DIR (or output = "binder" in the config file)')
    problem = opts.misplaced()
    if problem:
        return rep.usage(problem)
    output = Path(opts.output)
    try:
        recorded = Manifest.read(output)
    except (ManifestError, OSError):
        recorded = None  # not bindermerge's: writing refuses it, and nothing is pinned
    try:
        # A git source whose spec is unchanged keeps the commit the output was made from
        # (--update re-resolves): merges are reproducible and need no network when cached.
        pins = recorded.git_pins() if recorded is not None else {}
        opened = open_sources(sources, pins=pins, update=opts.update)
        roots = [s.local_root for s in opened if s.local_root is not None]
        where = location_problem(output, roots)
        if where is None and any(s.kind == "git" for s in opened):
            from bindermerge.sources.git.cache import cache_root, inside_cache

            if inside_cache(str(output)):
                where = f"lies inside bindermerge's cache ({cache_root()}); name another folder"
        if where:
            return rep.error(OutputError(f"{output}: {where}"))
        result = merge(opened, opts)
    except BinderMergeError as exc:  # InputError and the rest: one line, exit 2
        return rep.error(exc)

    if opts.lock and result.ok:
        from bindermerge.lock import UnsatisfiableError
        from bindermerge.lock.apply import StaleLock, lock_result

        try:
            result = lock_result(
                result,
                output,
                platforms=opts.platforms,
                backend=opts.lock_backend,
                lock_pip=opts.lock_pip,
                solve=not opts.check,
            )
        except StaleLock as exc:
            rep.findings(result)
            return rep.finish(result, EXIT_CONFLICT, f"out of date: {exc}")
        except UnsatisfiableError as exc:
            rep.findings(result)
            by = f"; packages asked for by {', '.join(exc.sources)}" if exc.sources else ""
            return rep.finish(
                result,
                EXIT_CONFLICT,
                f"the merged environment cannot be solved for {exc.platform}{by}:\n"
                f"{exc.explanation}",
            )
        except BinderMergeError as exc:  # bad input, unreachable channel, no solver: exit 2
            return rep.error(exc)

    rep.findings(result)
    if not result.ok:
        return rep.finish(result, EXIT_CONFLICT, "unresolved conflicts: nothing written")
    if opts.strict and result.strict_findings:
        written = "" if opts.check or opts.diff else ": nothing written"
        return rep.finish(result, EXIT_CONFLICT, f"warnings under --strict{written}")

    if opts.check or opts.diff:
        from bindermerge.output import compare

        differences = compare.compare(output, result)
        if opts.diff:
            rep.diff(compare.unified_diff(output, result))
        if opts.check and differences:
            summary = "; ".join(d.text() for d in differences[:3])
            more = f" (+{len(differences) - 3} more)" if len(differences) > 3 else ""
            rep.stale([d.to_json() for d in differences])
            return rep.finish(result, EXIT_CONFLICT, f"{output} is out of date: {summary}{more}")
        if opts.check:
            return rep.finish(result, EXIT_OK, f"{output} is up to date")
        # --diff alone: like diff(1) and git diff --exit-code, 1 when there is a difference
        return rep.finish(result, EXIT_CONFLICT if differences else EXIT_OK, None)
    if opts.dry_run:
        from bindermerge.output.write import planned_files

        rep.plan(output, planned_files(result))
        return rep.finish(result, EXIT_OK, None)
    from bindermerge.output import compare

    if output.is_dir() and not compare.compare(output, result):
        # Byte for byte what is there already (manifest included): rewriting would only
        # touch modification times, and a hook must be able to tell "nothing changed".
        return rep.finish(result, EXIT_OK, f"{output} {UP_TO_DATE}")
    if not opts.lock and recorded is not None:
        from bindermerge.lock.render import CONDA_LOCK_YML

        if CONDA_LOCK_YML in recorded.files:  # a lock the user may not mean to drop
            rep.warn_about_run(
                f"{output} was locked and this run does not lock: its lock files go and "
                "environment.yml is written unpinned (add --lock, or lock = true in the config "
                "file, to keep it locked)"
            )
    try:
        result.write(output, force=opts.force)
    except BinderMergeError as exc:
        return rep.error(exc)
    except OSError as exc:
        return rep.error(OutputError(f"{output}: cannot write: {exc.strerror}"))
    paths = ", ".join(f.path for f in result.files if "/" not in f.path)
    n = len(result.sources)
    summary = f"wrote {output}/ from {n} source{'s' if n != 1 else ''}: {paths}"
    if opts.exit_non_zero_on_write:
        return rep.finish(
            result, EXIT_CONFLICT, f"{summary} (exit 1: add the regenerated files)", written=True
        )
    return rep.finish(result, EXIT_OK, summary, written=True)


def run_explain(directory: str, as_json: bool) -> int:
    """``bindermerge explain DIR``: print what repo2docker will do with DIR."""
    import os

    from bindermerge.repo2docker.explain import explain

    if not os.path.isdir(directory):
        print(f"error: {directory}: not a directory", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = explain(directory)
    if as_json:
        import json

        print(json.dumps(result.to_json(), indent=2, sort_keys=True))
    else:
        print(result.render_text())
    return EXIT_OK if result.error is None else EXIT_CONFLICT
