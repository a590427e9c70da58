"""Which kinds exist and the order they run in: the one list to touch when adding a kind.

Order matters twice: the first kind that recognises a file parses it, and a kind that folds
others into itself (environment.yml folds requirements.txt and runtime.txt) runs before them.
The fallback kind takes every file no other kind recognised.
"""

from __future__ import annotations

from .kinds import FileKind, apt, auxiliary, refused, requirements, runtime

KINDS: dict[str, FileKind] = {
    refused.NAME: refused,  # type: ignore[dict-item]
    apt.NAME: apt,  # type: ignore[dict-item]
    requirements.NAME: requirements,  # type: ignore[dict-item]
    runtime.NAME: runtime,  # type: ignore[dict-item]
    auxiliary.NAME: auxiliary,  # type: ignore[dict-item]
}
FALLBACK = auxiliary.NAME
