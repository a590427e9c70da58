"""Where a link opens: the ``urlpath`` of each app, as nbgitpuller's link generator writes it.

The mapping is that of ``apps`` in nbgitpuller's ``docs/_static/link_gen/link.js``: the
classic notebook ``tree/``, RetroLab ``retro/tree/``, JupyterLab ``lab/tree/``, Shiny
``shiny/`` with a trailing slash forced (jupyter-shiny-proxy needs it) and RStudio
``rstudio/``, which opens its own start page whatever the path.
"""

from __future__ import annotations

APPS = ("jupyterlab", "classic", "retrolab", "shiny", "rstudio")
DEFAULT_APP = "jupyterlab"
_PREFIXES = {"jupyterlab": "lab/tree/", "classic": "tree/", "retrolab": "retro/tree/"}


def app_urlpath(app: str, path: str) -> str:
    """The ``urlpath`` that opens ``path`` (a file or folder of the server) in ``app``."""
    if app in _PREFIXES:
        return _PREFIXES[app] + path
    if app == "shiny":
        return "shiny/" + (path if path.endswith("/") else path + "/")
    if app == "rstudio":
        return "rstudio/"
    raise ValueError(f"unknown app {app!r}; the apps are {', '.join(APPS)}")


def uses_path(app: str) -> bool:
    """False for an app that opens the same page whatever the path (RStudio)."""
    return app != "rstudio"


def relative_path(text: str, what: str = "--path") -> str:
    """A path inside a repository as a link names it: no leading ``/`` or ``./``, no ``..``.

    A trailing ``/`` (a folder) is kept. Raises :class:`~bindermerge.errors.UsageError`
    naming ``what`` for a path that leaves the repository or is not text a URL can carry.
    """
    from bindermerge.errors import UsageError
    from bindermerge.links.urls import has_control

    if has_control(text):
        raise UsageError(f"{what} {text!r} holds control characters")
    parts = text.split("/")
    while parts and parts[0] in ("", ".") and len(parts) > 1:
        parts.pop(0)
    if parts == ["."]:
        parts = [""]
    if ".." in parts:
        raise UsageError(f"{what} {text!r} must stay inside the repository (no '..')")
    return "/".join(parts)
