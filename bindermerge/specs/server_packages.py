"""Which packages work only when installed beside the notebook server, not the kernel.

Server extensions, JupyterLab extensions and proxies are loaded by the notebook server
process: installed into a kernel environment of their own (repo2docker's legacy Python
kernel, see :mod:`bindermerge.kinds.environment.kernel` and :mod:`bindermerge.kinds.runtime`)
they are there, importable by the kernel, and never loaded. This is a fact about Jupyter, not
about repo2docker; both kinds that can send packages to such a kernel ask it here. Standard
library only.

Names are compared in one spelling (lower case, ``_`` and ``.`` as ``-``): conda writes
``jupyter_server_proxy`` where PyPI writes ``jupyter-server-proxy``.
"""

from __future__ import annotations

import re

# Server-side packages whose names follow no pattern below.
SERVER_PACKAGES = frozenset(
    {
        "jupyterlab",
        "notebook",
        "nbclassic",
        "nbgitpuller",
        "nbdime",
        "voila",
        "jupytext",
        "widgetsnbextension",
    }
)
# jupyter-server-proxy, jupyter-resource-usage, jupyterlab-git, jupyter-rsession-proxy, ...
SERVER_PREFIXES = ("jupyter-", "jupyterlab-")
SERVER_SUFFIXES = ("-proxy",)
# Named like server packages but used by kernels and command lines: where they are installed
# changes nothing for the notebook server.
NOT_SERVER = frozenset(
    {"jupyter-client", "jupyter-core", "jupyter-console", "jupyter-book", "jupyter-cache"}
)


def spelling(name: str) -> str:
    """The one spelling names are compared in."""
    return re.sub(r"[-_.]+", "-", name).lower()


def is_server_side(name: str) -> bool:
    """Whether the package (a conda or PyPI name) must sit beside the notebook server."""
    n = spelling(name)
    if n in NOT_SERVER:
        return False
    return n in SERVER_PACKAGES or n.startswith(SERVER_PREFIXES) or n.endswith(SERVER_SUFFIXES)
