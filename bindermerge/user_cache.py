"""Where bindermerge keeps what it can always make again: ``$XDG_CACHE_HOME/bindermerge``.

The git sources' repositories (``git/``) and the parsed config files (``config/``) live there.
Standard library only: the fast ``--check`` path asks for it.
"""

from __future__ import annotations

import os


def user_cache() -> str:
    """``$XDG_CACHE_HOME/bindermerge`` (``~/.cache/bindermerge`` when unset or not absolute)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "bindermerge")
