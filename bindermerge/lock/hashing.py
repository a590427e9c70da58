"""The input hash of a lock, computed and read back with the standard library only.

A caller decides whether ``--lock`` must solve again by comparing the hash of its current
inputs with the one stored in the existing ``conda-lock.yml``. That check runs on every
invocation, so this module must import neither conda-lock nor py-rattler (together they
take about a second to import) and must not parse YAML.

The hash lives in the lock's ``metadata.custom_metadata`` mapping, which conda-lock's own
model carries through parsing and writing unchanged, under :data:`HASH_KEY`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence

HASH_KEY = "bindermerge_input_hash"
BACKEND_KEY = "bindermerge_backend"

# Bump when the rendered files change shape for the same inputs, so old locks are redone.
LOCK_FORMAT_VERSION = 1

# conda-lock writes the lock with PyYAML as block mappings:
#   metadata:
#     custom_metadata:
#       bindermerge_input_hash: 0123...
# A hex digest never needs quoting, but accept quotes in case a person re-saved the file.
_STORED = re.compile(
    rf"^[ \t]+{HASH_KEY}:[ \t]*(['\"]?)(?P<digest>[0-9a-f]{{64}})\1[ \t]*$", re.MULTILINE
)


def compute_input_hash(
    *,
    name: str,
    channels: Sequence[str],
    conda_deps: Sequence[str],
    pip_deps: Sequence[str],
    platforms: Sequence[str],
    backend: str,
    lock_pip: bool,
    pip_indexes: Sequence[str] = (),
    variables: Sequence[tuple[str, str]] = (),
) -> str:
    """sha256 (hex) of everything that decides the content of a lock.

    ``channels`` are the channels actually solved against (after any override) and
    ``backend`` is the backend as requested (``auto`` stays ``auto``), so the hash can be
    computed before any solver is looked for. Order matters for channels and dependencies
    (channel priority, and the position of ``python`` in the output); platforms are a set.
    ``pip_indexes`` (without credentials) are the indexes pip entries are pinned from: they
    decide which versions exist. They enter the hash only when given, so a lock that pins no
    pip entry keeps the hash it had before indexes were recorded. ``variables`` are not
    solved but written into the environment files, so a change must not reuse the old ones;
    likewise they enter only when there are some.
    """
    document = {
        "format": LOCK_FORMAT_VERSION,
        "name": name,
        "channels": list(channels),
        "conda": list(conda_deps),
        "pip": list(pip_deps),
        "platforms": sorted(set(platforms)),
        "backend": backend,
        "lock_pip": lock_pip,
    }
    if pip_indexes:
        document["pip_indexes"] = list(pip_indexes)
    if variables:
        document["variables"] = [list(pair) for pair in variables]
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def stored_input_hash(conda_lock_yml_text: str) -> str | None:
    """The input hash bindermerge stored in a ``conda-lock.yml``, or ``None``.

    ``None`` means "must solve": the file was written by someone else (plain conda-lock),
    by an older bindermerge, or was edited so the key is gone.
    """
    match = _STORED.search(conda_lock_yml_text)
    return match.group("digest") if match else None
