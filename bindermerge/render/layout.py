"""Where each source's own files go inside the output directory.

Each source's binder directory goes to its own folder (:func:`source_folders`); the files of a
source's repository root that its scripts use go to ``ROOT_FILES/<folder>/`` (the generated
postBuild copies them to the repository root, see :mod:`bindermerge.scripts.placement`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from bindermerge.repo2docker.constants import CONFIG_FILES, ROOT_ONLY_FILES

# Names repo2docker gives a meaning to in a binder directory, and the files bindermerge itself
# writes next to them: never use one as a folder.
RESERVED = frozenset(
    (
        *CONFIG_FILES,
        *ROOT_ONLY_FILES,
        "constraints.txt",
        "environment.unlocked.yml",
        "conda-lock.yml",
        ".bindermerge.json",
        "_start-handoff",  # kinds/start.py HANDOFF
    )
)
# The folder of the output holding each source's repository-root files. A source's folder can
# never have this name: sanitise() drops leading dots.
ROOT_FILES = ".bindermerge-root"


def sanitise(name: str) -> str:
    """A file-system-safe, shell-inert folder name for a source name.

    Letters and digits of any script survive (NFC: ``données`` stays ``données``), as do
    ``.``, ``_`` and ``-``; everything else (quotes, spaces, ``$``, backticks, slashes,
    control characters) becomes ``_``; leading dots, dashes and underscores are dropped so the
    folder is neither hidden, nor mistaken for an option, nor one of bindermerge's own names.
    """
    name = unicodedata.normalize("NFC", name)
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    safe = re.sub(r"_+", "_", safe).lstrip(".-_")
    return safe or "source"


def source_folders(names: Sequence[str]) -> dict[str, str]:
    """One distinct folder per source name, in source order (``db``, ``db-2``, ...)."""
    folders: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        base = sanitise(name)
        if base in RESERVED or (base.startswith("conda-") and base.endswith(".lock")):
            base = f"{base}-source"
        folder, n = base, 1
        while folder.lower() in used:
            n += 1
            folder = f"{base}-{n}"
        used.add(folder.lower())
        folders[name] = folder
    return folders
