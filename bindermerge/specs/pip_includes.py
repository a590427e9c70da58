"""Where a requirements file's ``-r``/``-c`` includes point, as pip resolves them.

pip resolves ``-r other.txt`` against the including file's folder, and ``-r file:other.txt``
(a ``file:`` URL with a relative path) against its working directory, which under repo2docker
is the repository root (``pip install -r binder/requirements.txt`` runs from there). Either can
reach a file outside the binder directory (``-r ../requirements.txt``): such a file is still
part of the block when the user gave its repository, so the source contributes it like the
root files its scripts use (:func:`bindermerge.sources.walk.used_root_files`).

Standard library only: the fast ``--check`` digests a source's root files with this. The
requirement parser (:mod:`bindermerge.specs.pip`) resolves includes with :func:`target` too, so
both agree on which file an include names.
"""

from __future__ import annotations

import posixpath

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast --check path avoids typing
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

FILE_URL = "file:"
_FLAGS = {"-r": False, "--requirement": False, "-c": True, "--constraint": True}


def includes(text: str) -> Iterator[tuple[str, bool]]:
    """Every ``(target, is_constraint)`` that ``text``'s ``-r``/``-c`` lines name, in order."""
    for line in text.splitlines():
        words = line.split()
        for i, word in enumerate(words):
            if word.startswith("#"):
                break
            for flag, constraint in _FLAGS.items():
                if word == flag and i + 1 < len(words):
                    yield words[i + 1], constraint
                elif word.startswith(flag + "=") and flag.startswith("--"):
                    yield word[len(flag) + 1 :], constraint
                elif len(flag) == 2 and word.startswith(flag) and len(word) > 2:
                    if not word.startswith("--"):  # -rother.txt
                        yield word[2:], constraint


def target(including: str, spelled: str, *, in_binder_dir: bool) -> str | None:
    """The file ``spelled`` names, relative to the binder directory (``../x`` for a file of
    the repository root), from the file ``including`` (also relative to the binder
    directory). None when it names no local file inside the repository (an absolute path, a
    ``file://host/`` URL, a path above the root)."""
    if spelled.startswith(FILE_URL):
        path = spelled[len(FILE_URL) :]
        if path.startswith("/"):  # file:///abs, file://host/...: outside any source
            return None
        # relative to pip's working directory: the repository root
        rel = posixpath.normpath(path)
        rel = posixpath.normpath("../" + rel) if in_binder_dir else rel
    else:
        if spelled.startswith(("/", "~")):
            return None
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(including), spelled))
    parts = rel.split("/")
    ups = len(parts) - len([p for p in parts if p != ".."])
    if ups > (1 if in_binder_dir else 0) or rel == "..":
        return None
    return rel


def root_included(
    starts: list[str], read: Callable[[str], bytes | None], *, in_binder_dir: bool
) -> list[str]:
    """Files outside the binder directory (``../x``) reached through includes from the
    requirement files ``starts``, following includes in the files they reach; ``read`` gives
    a file's bytes by that name, or None when it is missing."""
    seen: set[str] = set()
    found: set[str] = set()
    todo = list(starts)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        data = read(name)
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        for spelled, _constraint in includes(text):
            rel = target(name, spelled, in_binder_dir=in_binder_dir)
            if rel is None:
                continue
            if rel.startswith("../"):
                found.add(rel)
            todo.append(rel)
    return sorted(f for f in found if read(f) is not None)
