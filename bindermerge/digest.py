"""The input digest: one sha256 over everything that decides the output.

The bindermerge version, the digested options (:meth:`MergeOptions.digest_items`) and, for each
source in order, its name and :meth:`Source.digest`. Recorded in the manifest; the fast
``--check`` recomputes it from the sources without merging. Standard library only.
"""

from __future__ import annotations

import hashlib

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast --check path avoids typing
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


def input_digest(
    version: str, options: Mapping[str, object], sources: Iterable[tuple[str, str]]
) -> str:
    """Digest of ``version``, ``options`` and ``(source name, source digest)`` pairs."""
    h = hashlib.sha256(f"bindermerge {version}\n".encode())
    for key in sorted(options):
        h.update(f"option {key}={options[key]!r}\n".encode())
    for name, digest in sources:
        h.update(f"source {name} {digest}\n".encode("utf-8", "surrogateescape"))
    return "sha256:" + h.hexdigest()


def lock_digest(base: str, lock_options: Mapping[str, object]) -> str:
    """The input digest of a locked merge: the merge's digest plus the lock's options."""
    h = hashlib.sha256(f"{base}\n".encode())
    for key in sorted(lock_options):
        h.update(f"lock {key}={lock_options[key]!r}\n".encode())
    return "sha256:" + h.hexdigest()


class FileDigest:
    """sha256 over a source's files: each one's path, executable bit, size and bytes."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def file(self, rel: str, executable: bool, data: bytes) -> None:
        # surrogateescape: file names that are not UTF-8 still digest, byte for byte.
        head = f"file {rel} {int(executable)} {len(data)}\n"
        self._h.update(head.encode("utf-8", "surrogateescape"))
        self._h.update(data)

    def hexdigest(self) -> str:
        return "sha256:" + self._h.hexdigest()
