"""One launch link from everything a caller may ask for: the library API of ``bindermerge
link`` (and of the base-box README, which renders the same links).

:func:`launch_url` picks the form: a plain BinderHub link, an nbgitpuller link through a
BinderHub (``content``), or the JupyterHub form of the nbgitpuller link (``jupyterhub``).
"""

from __future__ import annotations

from bindermerge.links.apps import APPS, DEFAULT_APP, app_urlpath, relative_path
from bindermerge.links.binderhub import DEFAULT_HUB, Environment, binder_url
from bindermerge.links.content import Content
from bindermerge.links.nbgitpuller import (
    binder_git_pull_url,
    content_urlpath,
    jupyterhub_git_pull_url,
)


def launch_url(
    env: Environment | None,
    *,
    hub: str | None = None,
    app: str | None = None,
    path: str | None = None,
    urlpath: str | None = None,
    content: Content | None = None,
    jupyterhub: str | None = None,
    server: str | None = None,
) -> str:
    """The URL that launches ``env`` (on ``hub``, default mybinder.org) and opens ``path``.

    ``path`` is a file or folder of the environment's repository, or with ``content`` of the
    content repository, opened in ``app`` (default JupyterLab; see
    :mod:`bindermerge.links.apps`); ``urlpath`` replaces both. With ``content`` the link
    pulls that repository with nbgitpuller. With ``jupyterhub`` (and optionally a named
    ``server``) it is the JupyterHub form of the nbgitpuller link: the hub's own environment,
    so ``env`` is not part of it and ``content`` is required.

    Raises :class:`~bindermerge.errors.UsageError` for options that do not fit together.
    """
    from bindermerge.errors import UsageError
    from bindermerge.links.urls import has_control

    if app is not None and app not in APPS:
        raise UsageError(f"--app must be one of {', '.join(APPS)}, got {app!r}")
    if urlpath is not None and (path is not None or app is not None):
        raise UsageError("--urlpath replaces --path and --app: give one or the other")
    if urlpath is not None and has_control(urlpath):
        raise UsageError(f"--urlpath {urlpath!r} holds control characters")
    if server is not None and jupyterhub is None:
        raise UsageError("--server names a server of a JupyterHub: it needs --jupyterhub")
    if server is not None and (not server or "/" in server or has_control(server)):
        raise UsageError(f"--server {server!r} is not a server name")
    if jupyterhub is not None and hub is not None:
        raise UsageError("--hub is a BinderHub and --jupyterhub a JupyterHub: give one")
    chosen_app = app or DEFAULT_APP
    where = relative_path(path) if path is not None else None

    def pulled(content: Content) -> str:
        return urlpath if urlpath is not None else content_urlpath(content, chosen_app, where or "")

    if jupyterhub is not None:
        if content is None:
            raise UsageError("--jupyterhub makes an nbgitpuller link: it needs --content")
        return jupyterhub_git_pull_url(jupyterhub, content, urlpath=pulled(content), server=server)
    if env is None:
        raise UsageError("a BinderHub link needs an environment (ENV)")
    hub = DEFAULT_HUB if hub is None else hub
    if content is not None:
        return binder_git_pull_url(env, content, hub=hub, urlpath=pulled(content))
    if urlpath is None and (where is not None or app is not None):
        urlpath = app_urlpath(chosen_app, where or "")
    return binder_url(env, hub=hub, urlpath=urlpath)
