"""The ``link`` and ``stamp`` commands: arguments in, library call, URL or report out.

``link`` prints the snippet asked for (``--format``) and then, as its last line, the URL
itself, so a script can take the last line whatever the format; notes go to stderr. Bad input
is one line on stderr and exit code 2; ``stamp --check`` exits 1 when a notebook's metadata
differs. No ``from __future__ import annotations``: typer reads these annotations at run time.
"""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

ENV_HELP = (
    "The environment: gh:OWNER/REPO[@REF], gl:OWNER/REPO[@REF] or git+URL[@REF] (REF "
    "defaults to HEAD, the default branch); or a NOTEBOOK.ipynb whose metadata.binder names it."
)


def link_command(
    env: Annotated[str, typer.Argument(metavar="ENV|NOTEBOOK.ipynb", help=ENV_HELP)],
    hub: Annotated[
        str | None,
        typer.Option("--hub", metavar="URL", help="BinderHub URL (default https://mybinder.org)."),
    ] = None,
    path: Annotated[
        str | None,
        typer.Option(
            "--path", metavar="PATH", help="File or folder to open (in the content repository)."
        ),
    ] = None,
    app: Annotated[
        str | None,
        typer.Option(
            "--app",
            metavar="jupyterlab|classic|retrolab|shiny|rstudio",
            help="Where it opens (default jupyterlab).",
        ),
    ] = None,
    urlpath: Annotated[
        str | None,
        typer.Option("--urlpath", metavar="U", help="Open this urlpath (replaces --path/--app)."),
    ] = None,
    content: Annotated[
        str | None,
        typer.Option("--content", metavar="REPO_URL", help="Pull this repository (nbgitpuller)."),
    ] = None,
    content_branch: Annotated[
        str | None,
        typer.Option("--content-branch", metavar="BRANCH", help="Branch of --content to pull."),
    ] = None,
    target_path: Annotated[
        str | None,
        typer.Option("--target-path", metavar="DIR", help="Folder to clone --content into."),
    ] = None,
    jupyterhub: Annotated[
        str | None,
        typer.Option(
            "--jupyterhub", metavar="URL", help="Make the JupyterHub form of the nbgitpuller link."
        ),
    ] = None,
    server: Annotated[
        str | None, typer.Option("--server", metavar="NAME", help="Named server on --jupyterhub.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", metavar="url|markdown|rst|html", help="Output form.")
    ] = "url",
) -> None:
    """Print a launch URL for an environment repository or for a notebook."""
    raise SystemExit(
        run_link(
            env,
            hub=hub,
            path=path,
            app=app,
            urlpath=urlpath,
            content=content,
            content_branch=content_branch,
            target_path=target_path,
            jupyterhub=jupyterhub,
            server=server,
            fmt=fmt,
        )
    )


def stamp_command(
    notebooks: Annotated[
        list[Path], typer.Argument(metavar="NOTEBOOK.ipynb...", help="Notebooks to stamp.")
    ],
    env: Annotated[str, typer.Option("--env", metavar="ENV", help=ENV_HELP.split("; or")[0])],
    hub: Annotated[
        str | None,
        typer.Option("--hub", metavar="URL", help="BinderHub URL (default https://mybinder.org)."),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if a notebook differs.")
    ] = False,
) -> None:
    """Write metadata.binder (the environment a notebook runs in) into notebooks."""
    raise SystemExit(run_stamp(notebooks, env, hub=hub, check=check))


def _is_notebook(text: str) -> bool:
    import os

    return text.lower().endswith(".ipynb") or os.path.isfile(text)


def run_link(env: str, *, fmt: str = "url", **options: Any) -> int:
    """``bindermerge link``: print the launch link; returns the exit code."""
    from bindermerge.cli.report import Reporter
    from bindermerge.errors import BinderMergeError, UsageError
    from bindermerge.links import FORMATS, badge

    rep = Reporter(as_json=False)
    notes: list[str] = []
    try:
        if fmt not in FORMATS:
            raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        if _is_notebook(env):
            from bindermerge.notebooks.launch import notebook_link

            found = notebook_link(
                Path(env),
                hub=options["hub"],
                app=options["app"],
                path=options["path"],
                urlpath=options["urlpath"],
                content_repo=options["content"],
                content_branch=options["content_branch"],
                target_path=options["target_path"],
                jupyterhub=options["jupyterhub"],
                server=options["server"],
            )
            url, notes = found.url, found.notes
        else:
            url = _environment_link(env, options, notes)
    except UsageError as exc:
        return rep.usage(str(exc))
    except BinderMergeError as exc:
        return rep.error(exc)
    if options["app"] == "rstudio" and options["path"] is not None:
        notes.append("RStudio opens its own start page: --path is not part of the link")
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if fmt != "url":
        print(badge(url, fmt))
    print(url)
    return 0


def _environment_link(env: str, options: dict[str, Any], notes: list[str]) -> str:
    """``link ENV``: a BinderHub link, or with ``--jupyterhub`` a JupyterHub one that pulls
    ``--content`` (or, without it, ENV's own repository)."""
    from bindermerge.errors import UsageError
    from bindermerge.links import launch_url
    from bindermerge.links.binderhub import environment
    from bindermerge.links.content import content as content_of

    pulled = None
    if options["content"] is not None:
        pulled = content_of(
            options["content"], branch=options["content_branch"], target_path=options["target_path"]
        )
    elif options["content_branch"] is not None or options["target_path"] is not None:
        if options["jupyterhub"] is None:
            raise UsageError("--content-branch and --target-path need --content")
    chosen = environment(env)
    if options["jupyterhub"] is not None:
        if pulled is None:
            branch, target = options["content_branch"], options["target_path"]
            pulled = content_of(env, branch=branch, target_path=target, what="ENV")
        else:
            notes.append(f"{env} is not part of a JupyterHub link: the hub's own image runs")
    return launch_url(
        None if options["jupyterhub"] is not None else chosen,
        hub=options["hub"],
        app=options["app"],
        path=options["path"],
        urlpath=options["urlpath"],
        content=pulled,
        jupyterhub=options["jupyterhub"],
        server=options["server"],
    )


def run_stamp(notebooks: list[Path], env: str, *, hub: str | None, check: bool) -> int:
    """``bindermerge stamp``: write or check metadata.binder; returns the exit code."""
    from bindermerge.cli.report import Reporter
    from bindermerge.errors import BinderMergeError, UsageError
    from bindermerge.links.binderhub import DEFAULT_HUB, environment
    from bindermerge.links.urls import base_url
    from bindermerge.notebooks.stamp import stamp_notebooks

    rep = Reporter(as_json=False)
    try:
        chosen = environment(env, what="--env")
        hub_url = base_url(hub if hub is not None else DEFAULT_HUB)
        report = stamp_notebooks(notebooks, chosen, hub=hub_url, check=check)
    except UsageError as exc:
        return rep.usage(str(exc))
    except BinderMergeError as exc:
        return rep.error(exc)
    for change in report.changed:
        verb = "differs" if check else "stamped"
        print(f"{change.path}: metadata.binder {verb}: {change.describe()}", file=sys.stderr)
    n_changed, n_same = len(report.changed), len(report.unchanged)
    if check:
        summary = (
            f"{n_changed} of {n_changed + n_same} notebook(s) differ from {chosen.spec}"
            if n_changed
            else f"{n_same} notebook(s) up to date with {chosen.spec}"
        )
    else:
        summary = f"stamped {n_changed} notebook(s) with {chosen.spec}, {n_same} already were"
    print(f"bindermerge: {summary}", file=sys.stderr)
    return 1 if check and n_changed else 0
