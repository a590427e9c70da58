"""nbgitpuller links: an environment launched with a content repository pulled into it.

Built as nbgitpuller's own link generator (``docs/_static/link_gen/link.js``) builds them,
byte for byte: the ``git-pull`` query (``repo``, ``urlpath``, ``branch``, ``targetPath``, in
that order, empty ones left out) is serialised with ``URLSearchParams``; in the Binder form
that whole query is the value of BinderHub's ``urlpath``, so its values end up encoded twice
(``https://mybinder.org/v2/gh/OWNER/REPO/REF?urlpath=git-pull%3Frepo%3Dhttps%253A...``). The
JupyterHub form is ``<hub>/hub/user-redirect/[<server>/]git-pull?<query>``.

The folder in ``urlpath`` is the one nbgitpuller really clones into (``targetPath``, else
the last segment of the repository URL, as its handlers decide). link.js agrees for a
repository URL without ``.git`` and no ``targetPath``; for the others it names a folder that
does not exist (it drops ``.git`` in the Binder form and ignores ``targetPath``).
"""

from __future__ import annotations

from bindermerge.links.apps import app_urlpath
from bindermerge.links.binderhub import DEFAULT_HUB, Environment, binder_url
from bindermerge.links.content import Content, clone_directory
from bindermerge.links.urls import base_url, encode_path_segment, form_urlencode


def content_urlpath(content: Content, app: str, path: str = "") -> str:
    """The ``urlpath`` opening ``path`` (inside the content repository) in ``app``."""
    return app_urlpath(app, clone_directory(content) + "/" + path)


def git_pull_query(content: Content, urlpath: str | None) -> str:
    """The query of nbgitpuller's ``git-pull`` endpoint, encoded once."""
    pairs = [("repo", content.repo)]
    if urlpath:
        pairs.append(("urlpath", urlpath))
    if content.branch:
        pairs.append(("branch", content.branch))
    if content.target_path:
        pairs.append(("targetPath", content.target_path))
    return form_urlencode(pairs)


def binder_git_pull_url(
    env: Environment, content: Content, *, hub: str = DEFAULT_HUB, urlpath: str | None = None
) -> str:
    """Launch ``env`` on the BinderHub ``hub``, pull ``content``, open ``urlpath``."""
    return binder_url(env, hub=hub, urlpath="git-pull?" + git_pull_query(content, urlpath))


def jupyterhub_git_pull_url(
    hub: str, content: Content, *, urlpath: str | None = None, server: str | None = None
) -> str:
    """Pull ``content`` into the user's server on the JupyterHub ``hub`` (a named server
    when ``server``), then open ``urlpath``."""
    path = "hub/user-redirect/"
    if server:
        path += encode_path_segment(server) + "/"
    return base_url(hub, "--jupyterhub") + path + "git-pull?" + git_pull_query(content, urlpath)
