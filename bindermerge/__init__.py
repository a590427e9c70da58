"""bindermerge: compose several Binder / repo2docker configuration directories into one.

The library's entry point is :func:`merge`::

    import bindermerge
    result = bindermerge.merge(["binder_db", "binder_openrefine"])
    if result.ok:
        result.write("binder")

Names are imported lazily so that ``import bindermerge`` stays cheap for the command line.
"""

from __future__ import annotations

from bindermerge._version import __version__

# Not ``typing.TYPE_CHECKING``: importing typing costs the fast --check path several ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from bindermerge.errors import BinderMergeError, InputError, OutputError
    from bindermerge.model import Conflict, MergeWarning, Origin, OutputFile
    from bindermerge.pipeline import MergeResult, merge

__all__ = [
    "__version__",
    "merge",
    "MergeResult",
    "Conflict",
    "MergeWarning",
    "Origin",
    "OutputFile",
    "BinderMergeError",
    "InputError",
    "OutputError",
]

_LAZY = {
    "merge": "pipeline",
    "MergeResult": "pipeline",
    "Conflict": "model",
    "MergeWarning": "model",
    "Origin": "model",
    "OutputFile": "model",
    "BinderMergeError": "errors",
    "InputError": "errors",
    "OutputError": "errors",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
