"""What repo2docker did with each source alone, asked of the repo2docker table.

The merge must do for each source what repo2docker did with that source alone. Which of a
source's files repo2docker used, and where their packages went, is the table's answer
(:func:`bindermerge.repo2docker.explain.explain`) for the source's own files; nothing here
restates a rule of repo2docker's.

* :func:`files_of` records, when an environment file is parsed, the config files of its
  source (:class:`~.model.SourceFiles`);
* :class:`Alone` answers, per source, "was this file used?" and "which environment did its
  packages go to?", calling ``explain`` once per source and only when asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bindermerge.kinds.environment.model import EnvFragment, SourceFiles
from bindermerge.kinds.runtime import Runtime
from bindermerge.model import Origin
from bindermerge.repo2docker.constants import (
    CONFIG_FILES,
    REQUIREMENTS_TXT,
    ROOT_ONLY_FILES,
    RUNTIME_TXT,
)
from bindermerge.repo2docker.facts import READ_CONTENT

if TYPE_CHECKING:
    from bindermerge.kinds import SourceView
    from bindermerge.repo2docker.explain import Explanation
    from bindermerge.sources.base import SourceFile

# What a source's files may be called for repo2docker (and so for its table).
_LOOKED_FOR = tuple(dict.fromkeys((*CONFIG_FILES, *ROOT_ONLY_FILES)))


def files_of(file: SourceFile, view: SourceView | None) -> SourceFiles | None:
    """The config files of ``file``'s source as repo2docker looks for them (None: no view)."""
    if view is None:
        return None
    found: list[tuple[str, bytes | None]] = []
    for name in _LOOKED_FOR:
        other = view.get(name)
        if other is not None:
            found.append((name, other.data if name in READ_CONTENT else None))
    return SourceFiles(tuple(found), file.origin.in_binder_dir)


class Alone:
    """repo2docker's answers for each source built alone, computed once per source on demand.

    A source with an environment file is explained from its own files (its fragment's
    :class:`~.model.SourceFiles`); a source without one from the requirements.txt and
    runtime.txt the merge was given (the only files of it the environment kind folds).
    """

    def __init__(self, fragments: Sequence[EnvFragment], runtimes: Sequence[Runtime]) -> None:
        self._files: dict[str, SourceFiles | None] = {}
        for f in fragments:
            if not f.ignored:
                self._files.setdefault(f.origin.source, f.alone)
        self._runtimes = {r.origin.source: r for r in runtimes}
        self._explained: dict[str, Explanation | None] = {}

    def has_environment_file(self, source: str) -> bool:
        """Whether the source has an environment file of its own."""
        return source in self._files

    def explanation(self, source: str) -> Explanation | None:
        """The table's explanation of the source alone; None when it cannot tell which files
        were used (the source was parsed without its files, or repo2docker fails before
        reading any)."""
        if source not in self._explained:
            self._explained[source] = self._explain(source)
        return self._explained[source]

    def used(self, origin: Origin) -> bool:
        """Whether repo2docker used the file at ``origin`` when it built its source alone.

        A source without an environment file was built by the Python (or R) buildpack,
        which reads requirements.txt and runtime.txt; when the table cannot tell, the file
        counts as used (bindermerge folded such files before it asked).
        """
        if not self.has_environment_file(origin.source):
            return True
        exp = self.explanation(origin.source)
        return exp is None or _path(exp, origin.file) in exp.used

    def environment(self, origin: Origin) -> str | None:
        """The environment (:data:`bindermerge.repo2docker.table.ENVIRONMENTS` key) the
        packages of the file at ``origin`` went to when its source was built alone; None when
        that file installed nothing there. Unknown counts as the shared ``"notebook"`` one."""
        exp = self.explanation(origin.source)
        if exp is None:
            return "notebook"
        return exp.environment_of(_path(exp, origin.file))

    def _explain(self, source: str) -> Explanation | None:
        from bindermerge.repo2docker.explain import explain

        if source in self._files:
            files = self._files[source]
            if files is None:
                return None
            mapping = files.mapping()
        else:
            # No environment file: requirements.txt (its content does not change what is read)
            # and the runtime.txt that chose the Python.
            mapping = {"binder/": None, f"binder/{REQUIREMENTS_TXT}": None}
            runtime = self._runtimes.get(source)
            if runtime is not None:
                mapping[f"binder/{RUNTIME_TXT}"] = runtime.text.encode()
        exp = explain(mapping)
        if exp.error is not None and not exp.used:
            return None
        return exp


def _path(exp: Explanation, name: str) -> str:
    """A name relative to the config directory as the explanation spells it."""
    return f"{exp.binder_dir}/{name}" if exp.binder_dir else name
