"""The launch link that opens one notebook in the environment its ``metadata.binder`` names.

The content repository and branch come from the caller (``--content``, ``--content-branch``)
or from the notebook's git checkout (its ``origin``, mapped to an https address, and its
branch); the path is the notebook's path in that repository (or ``--path``). When the
notebook's repository is the environment's own, at the same ref, the link opens the notebook
directly, without pulling a second copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bindermerge.links.binderhub import Environment
from bindermerge.links.content import Content


@dataclass
class NotebookLink:
    """The URL, and notes worth telling the person who asked for it."""

    url: str
    notes: list[str] = field(default_factory=list)


def _same_repository(env: Environment, content: Content) -> bool:
    def norm(url: str) -> str:
        url = url.rstrip("/").removesuffix(".git")
        return url.lower() if env.provider != "git" else url

    return norm(env.repository_url) == norm(content.repo)


def notebook_link(
    notebook: Path,
    *,
    hub: str | None = None,
    app: str | None = None,
    path: str | None = None,
    urlpath: str | None = None,
    content_repo: str | None = None,
    content_branch: str | None = None,
    target_path: str | None = None,
    jupyterhub: str | None = None,
    server: str | None = None,
) -> NotebookLink:
    """The URL opening ``notebook`` in its environment (see :func:`launch_url
    <bindermerge.links.launch.launch_url>` for the options).

    Raises :class:`~bindermerge.errors.InputError` naming the notebook (and key) when it
    cannot be read, has no usable ``metadata.binder``, or its content repository cannot be
    found; :class:`~bindermerge.errors.UsageError` for options that do not fit.
    """
    from bindermerge.errors import InputError
    from bindermerge.links.content import content, public_url
    from bindermerge.links.launch import launch_url
    from bindermerge.notebooks.document import read_notebook
    from bindermerge.notebooks.metadata import MetadataError, read_binder
    from bindermerge.notebooks.repository import REMOTE, locate

    where = str(notebook)
    document = read_notebook(notebook, "bindermerge link")
    try:
        meta = read_binder(document.node.metadata)
    except MetadataError as exc:
        raise InputError(str(exc), path=where) from None
    notes: list[str] = []
    given_path = path
    checkout = locate(notebook) if content_repo is None or path is None else None

    def missing(reason: str) -> InputError:
        return InputError(reason, path=where)

    if content_repo is not None:
        pulled = content(content_repo, branch=content_branch, target_path=target_path)
    else:
        if checkout is None:
            raise missing("not in a git repository (or git is not installed): give --content")
        if checkout.remote_url is None:
            raise missing(f"its repository has no {REMOTE} remote: give --content REPO_URL")
        address = public_url(checkout.remote_url)
        if address is None:
            raise missing(
                f"{REMOTE} ({checkout.remote_url}) is not an address a hub can clone: "
                "give --content REPO_URL"
            )
        branch = content_branch if content_branch is not None else checkout.branch
        if branch is None:
            raise missing("its checkout has a detached HEAD: give --content-branch")
        pulled = content(address, branch=branch, target_path=target_path)
    if path is None and urlpath is None:
        if checkout is None:
            raise missing("not in a git repository: give --path (its path in --content)")
        path = checkout.path
        if not checkout.tracked:
            notes.append(
                f"{where} is not committed in its repository: the link opens it once it "
                "is committed and pushed"
            )
    direct = (
        jupyterhub is None
        and pulled.target_path is None
        and _same_repository(meta.env, pulled)
        and (pulled.branch or "HEAD") == meta.env.ref
    )
    url = launch_url(
        meta.env,
        hub=hub if hub is not None or jupyterhub is not None else meta.hub,
        app=app,
        path=path if urlpath is None else given_path,
        urlpath=urlpath,
        content=None if direct else pulled,
        jupyterhub=jupyterhub,
        server=server,
    )
    return NotebookLink(url, notes)
