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
    from bindermerge.errors import (
        BinderMergeError,
        InputError,
        OutputError,
        ParseError,
        RefusedFileError,
        SourceError,
        UnreachableSourceError,
        UnsafePathError,
        UsageError,
    )
    from bindermerge.model import Conflict, MergeWarning, Origin, OutputFile
    from bindermerge.options import MergeOptions
    from bindermerge.pipeline import MergeResult, merge
    from bindermerge.sources.base import Source, SourceFile
    from bindermerge.sources.open import open_source

_LAZY = {
    "merge": "pipeline",
    "MergeResult": "pipeline",
    "MergeOptions": "options",
    "Conflict": "model",
    "MergeWarning": "model",
    "Origin": "model",
    "OutputFile": "model",
    "Source": "sources.base",
    "SourceFile": "sources.base",
    "open_source": "sources.open",
    "BinderMergeError": "errors",
    "UsageError": "errors",
    "InputError": "errors",
    "ParseError": "errors",
    "RefusedFileError": "errors",
    "UnsafePathError": "errors",
    "SourceError": "errors",
    "UnreachableSourceError": "errors",
    "OutputError": "errors",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"bindermerge.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
