"""Is a Python package index reachable? Decides whether ``--lock-pip auto`` pins pip entries.

conda-lock pins pip entries with its vendored Poetry, which asks the index's simple API; on
some mirrors the per-version JSON endpoint is missing, so the simple index is named
explicitly (``POETRY_REPOSITORIES_PYPISIMPLE_URL``, see ../shared/LOCKING.md).
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request

DEFAULT_INDEX = "https://pypi.org/simple"
POETRY_ENV = "POETRY_REPOSITORIES_PYPISIMPLE_URL"


def index_url() -> str:
    """The simple index pip entries are pinned from: Poetry's setting, pip's, or PyPI."""
    return (os.environ.get(POETRY_ENV) or os.environ.get("PIP_INDEX_URL") or DEFAULT_INDEX).rstrip("/")


def reachable(url: str, timeout: float = 3.0) -> bool:
    """True when ``url``'s simple page for pip answers within ``timeout`` seconds."""
    try:
        with urllib.request.urlopen(f"{url}/pip/", timeout=timeout) as response:  # noqa: S310
            return 200 <= response.status < 400
    except (urllib.error.URLError, OSError, ValueError):
        return False
