"""Which kinds exist and the order they run in: the one list to touch when adding a kind.

Order matters twice: the first kind that recognises a file parses it, and a kind that folds
others into itself (environment.yml folds requirements.txt and runtime.txt) runs before them.
The fallback kind takes every file no other kind recognised.
"""

from __future__ import annotations

from bindermerge.kinds import FileKind, apt, auxiliary, refused, requirements, runtime
from bindermerge.kinds import install_r, julia_project, postbuild, root_files, start
from bindermerge.kinds import environment

KINDS: dict[str, FileKind] = {
    refused.NAME: refused,  # type: ignore[dict-item]
    apt.NAME: apt,  # type: ignore[dict-item]
    environment.NAME: environment,  # type: ignore[dict-item]
    requirements.NAME: requirements,  # type: ignore[dict-item]
    runtime.NAME: runtime,  # type: ignore[dict-item]
    postbuild.NAME: postbuild,  # type: ignore[dict-item]
    start.NAME: start,  # type: ignore[dict-item]
    install_r.NAME: install_r,  # type: ignore[dict-item]
    julia_project.NAME: julia_project,  # type: ignore[dict-item]
    root_files.NAME: root_files,  # type: ignore[dict-item]
    auxiliary.NAME: auxiliary,  # type: ignore[dict-item]
}
FALLBACK = auxiliary.NAME
