"""The ``basebox`` command: merge the sources and commit the result onto a base-box branch.

Its merge options are the options table's (and ``--config``/``--no-config``), generated as for
``merge``; the rest say where the branch is and what its README links to. The launch URL is
the last line of stdout; messages go to stderr. No ``from __future__ import annotations``:
typer reads these annotations at run time.
"""

import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from bindermerge.basebox.build import DEFAULT_REMOTE
from bindermerge.cli.table_params import (
    config_parameters,
    given,
    option_parameters,
    source_parameters,
    with_signature,
)
from bindermerge.options import OPTIONS

# What a basebox run writes is a commit: the options about writing a directory do not apply.
NOT_FOR_BASEBOX = frozenset(
    {"output", "check", "diff", "dry_run", "json", "exit_non_zero_on_write"}
)
BASEBOX_OPTIONS = tuple(o for o in OPTIONS if o.name not in NOT_FOR_BASEBOX)
PUSH_TO_REMOTE = "\0remote"  # --push given alone: push to --remote (no argv word holds NUL)

SOURCES_HELP = (
    "Sources, merged in this order (directories or gh:/gl:/git+ repositories, as for merge); "
    "without any, the config file's."
)


def _option(flag: str, help: str, metavar: str | None = None) -> Any:
    return Annotated[str | None, typer.Option(flag, help=help, metavar=metavar,
                                                 show_default=False)]  # fmt: skip


# The command's own parameters: (name, annotation, default).
OWN: tuple[tuple[str, Any, object], ...] = (
    ("branch", Annotated[str, typer.Option("--branch", metavar="NAME",
                                           help="The branch to commit the environment to.")],
     inspect.Parameter.empty),
    ("repo", _option("--repo", "The git repository (default: the one holding the current "
                     "directory).", "DIR"), None),
    ("content", _option("--content", "The content repository nbgitpuller pulls in: adds "
                        "nbgitpuller to the environment and the link to the README.", "REPO_URL"),
     None),
    ("content_branch", _option("--content-branch", "The content repository's branch.", "BRANCH"),
     None),
    ("target_path", _option("--target-path", "The folder nbgitpuller clones the content into.",
                            "DIR"), None),
    ("binder_repo", _option("--binder-repo", "The repository launch links name, "
                            "gh:OWNER/REPO (default: from --remote's URL).", "gh:OWNER/REPO"),
     None),
    ("remote", Annotated[str, typer.Option("--remote", metavar="NAME",
                                           help="The remote naming the repository.")],
     DEFAULT_REMOTE),
    ("templates", _option("--templates", "A folder with your own basebox-README.md.j2.",
                          "DIR"), None),
    ("push", Annotated[str | None, typer.Option(
        "--push", metavar="[REMOTE]", show_default=False,
        help="Push the branch: to --remote, or to REMOTE.")], None),
    ("hub", _option("--hub", "The BinderHub of the links (default https://mybinder.org).",
                    "URL"), None),
    ("app", _option("--app", "Where the links open: jupyterlab, classic, retrolab, shiny or "
                    "rstudio.", "APP"), None),
)  # fmt: skip


def expand_push(args: list[str]) -> list[str]:
    """``--push REMOTE`` and ``--push`` alone (last, or before an option: to ``--remote``)
    written ``--push=...``, as :func:`bindermerge.options.expand_bare` does ``--update``."""
    out: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        i += 1
        if word == "--":
            return out + args[i - 1 :]
        if word != "--push":
            out.append(word)
            continue
        if i < len(args) and not args[i].startswith("-"):
            out.append(f"--push={args[i]}")
            i += 1
        else:
            out.append(f"--push={PUSH_TO_REMOTE}")
    return out


def basebox_command() -> Callable[..., None]:
    """The basebox command, with the merge options of the options table."""

    def basebox(ctx: typer.Context, **values: Any) -> None:
        """Merge the sources and commit binder/ and a README onto branch NAME, without
        touching your checkout; prints the launch URL last."""
        from bindermerge.basebox.build import BaseboxRequest, run_basebox

        push = values["push"]
        request = BaseboxRequest(
            branch=values["branch"],
            sources=list(values["sources"] or ()),
            values=given(ctx, values, BASEBOX_OPTIONS),
            config_file=values["config_file"],
            no_config=values["no_config"],
            repo=values["repo"] or ".",
            content=values["content"],
            content_branch=values["content_branch"],
            target_path=values["target_path"],
            binder_repo=values["binder_repo"],
            remote=values["remote"],
            templates=values["templates"],
            push=values["remote"] if push == PUSH_TO_REMOTE else push,
            hub=values["hub"],
            app=values["app"],
        )
        raise SystemExit(run_basebox(request))

    params = [
        *source_parameters(SOURCES_HELP),
        *(
            inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=a)
            for n, a, d in OWN
        ),  # fmt: skip
        *config_parameters(),
        *option_parameters(BASEBOX_OPTIONS),
    ]
    return with_signature(basebox, params)
