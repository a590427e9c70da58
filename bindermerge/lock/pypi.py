"""Which Python package index pip entries are pinned from, and whether it answers.

conda-lock pins pip entries with its vendored Poetry. Poetry is told the index explicitly, as a
conda-lock ``PipRepository`` in the ``LockSpecification`` (see :mod:`.render`): a
``LegacyRepository`` that reads the index's simple API, which every mirror serves (some
answer 404 on PyPI's per-version JSON API, which Poetry's default repository uses; see
../shared/LOCKING.md). The process environment is only read here, never written.
Standard library only.
"""

from __future__ import annotations

import base64
import os
import re
import urllib.parse
from collections.abc import Mapping

DEFAULT_INDEX = "https://pypi.org/simple"
POETRY_ENV = "POETRY_REPOSITORIES_PYPISIMPLE_URL"
# Poetry's own configuration of extra repositories through the environment
# (conda_lock/_vendor/poetry/config/config.py, ``_get_environment_repositories``).
_POETRY_REPOSITORY = re.compile(r"POETRY_REPOSITORIES_(?P<name>[A-Z_]+)_URL")


def index_url(environ: Mapping[str, str] | None = None) -> str:
    """The simple index pip entries are pinned from: Poetry's setting, pip's, or PyPI."""
    env = os.environ if environ is None else environ
    return (env.get(POETRY_ENV) or env.get("PIP_INDEX_URL") or DEFAULT_INDEX).rstrip("/")


def poetry_configured(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """The index URLs Poetry adds by itself, from ``POETRY_REPOSITORIES_<NAME>_URL``.

    Naming one of them again as an explicit repository would make Poetry ask it twice.
    """
    env = os.environ if environ is None else environ
    return frozenset(
        value.rstrip("/") for key, value in env.items() if _POETRY_REPOSITORY.fullmatch(key)
    )


def without_credentials(url: str) -> str:
    """``url`` without ``user:password@``: what may be hashed, logged or written."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def reachable(url: str, timeout: float = 3.0) -> bool:
    """True when ``url``'s simple page for pip answers within ``timeout`` seconds.

    Credentials in the URL (``https://user:token@host/simple``) are sent as HTTP basic
    authentication, as pip and Poetry send them; urllib would otherwise take them for the host.
    """
    # Imported here: http.client and email take ~15 ms, and only this check needs them.
    import urllib.error
    import urllib.request

    parts = urllib.parse.urlsplit(url)
    headers = {}
    if parts.username is not None:
        user, password = parts.username, parts.password or ""
        pair = f"{urllib.parse.unquote(user)}:{urllib.parse.unquote(password)}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    request = urllib.request.Request(
        f"{without_credentials(url).rstrip('/')}/pip/", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status: int = response.status
            return 200 <= status < 400
    except (urllib.error.URLError, OSError, ValueError):
        return False
