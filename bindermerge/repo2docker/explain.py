"""What repo2docker will do with a directory: :func:`explain` applies the table.

It gathers the directory's facts (:mod:`~bindermerge.repo2docker.facts`), picks the first row of
:data:`~bindermerge.repo2docker.table.BUILDPACKS` whose conditions hold, and reports the files
the row reads, the ones it ignores and why, its Python version, the checks that fail and the
notes worth knowing. Nothing here names a buildpack: what differs between them is in the table.

``tests/test_repo2docker_rules.py`` checks the result against the real repo2docker on many
generated directories. :func:`ignored_in_binder_dir` is the merge's use of it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from bindermerge.repo2docker.checks import BUILD_CHECKS, FILE_CHECKS, check_legacy_dockerfile
from bindermerge.repo2docker.constants import (
    CONFIG_FILES,
    DEFAULT_PYTHON,
    MAJOR_PYTHONS,
    REPO2DOCKER_VERSION,
    ROOT_ONLY_FILES,
    UNRECOGNISED,
)
from bindermerge.repo2docker.facts import (
    Facts,
    Unparsable,
    buildpack_python,
    gather,
    holds,
    python_x_y,
)
from bindermerge.repo2docker.table import (
    BUILDPACKS,
    CONDITIONS,
    DEFAULT_BUILDPACK,
    ENVIRONMENTS,
    EVERY_BUILDPACK_READS,
    IGNORED_AT_ROOT,
    IGNORED_BECAUSE,
    INSTALLED_INTO,
    ROOT_ONLY_IN_BINDER_DIR,
    BuildpackRule,
)

# Not typing.TYPE_CHECKING: importing typing costs the command line's fast path (as in __init__).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from bindermerge.repo2docker.facts import FileContent
    from bindermerge.repo2docker.table import Into


@dataclass(frozen=True)
class Explanation:
    """What repo2docker will do with a directory.

    ``buildpack`` is repo2docker's class name ("" when it fails before picking one);
    ``binder_dir`` is "binder", ".binder" or "" (the root); ``used`` and ``ignored`` hold
    repository-relative paths, ``used_for`` says why each used file is read; ``python_version``
    is the X.Y the files ask for (None: repo2docker's default, :data:`DEFAULT_PYTHON`, or no
    conda Python at all, see ``has_conda_python``) and ``python_source`` the file it comes
    from; ``error`` is the failure repo2docker will report, if any; ``notes`` are facts worth
    knowing that are not failures. ``environments`` says, for each used file that installs
    Python packages, which environment they go to (a
    :data:`~bindermerge.repo2docker.table.ENVIRONMENTS` key: ``"notebook"``, shared by the kernel
    and the notebook server, or, below Python 3.7, ``"kernel"`` or ``"server"``, apart);
    ``separate_kernel`` is True when the kernel has an environment of its own.
    """

    buildpack: str
    binder_dir: str
    used: tuple[str, ...]
    ignored: tuple[tuple[str, str], ...]
    error: str | None = None
    python_version: str | None = None
    python_source: str | None = None
    picked_because: str = ""
    used_for: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    has_conda_python: bool = False
    environments: tuple[tuple[str, str], ...] = ()
    separate_kernel: bool = False

    def environment_of(self, path: str) -> str | None:
        """The environment a used file's packages go to (see ``environments``), or None."""
        return dict(self.environments).get(path)

    def describe_environment(self, environment: str) -> str:
        """The sentence for an ``environments`` value, with this build's Python versions."""
        return ENVIRONMENTS[environment].format(
            python=self.python_version or DEFAULT_PYTHON, server=MAJOR_PYTHONS["3"]
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-serialisable dict (``bindermerge explain --json``).

        Each ``used`` entry has an ``environment`` (None for a file that installs no Python
        package) and ``environment_description``.
        """
        envs = dict(self.environments)
        return {
            "repo2docker_version": REPO2DOCKER_VERSION,
            "buildpack": self.buildpack,
            "picked_because": self.picked_because,
            "binder_dir": self.binder_dir,
            "python_version": self.python_version,
            "python_source": self.python_source,
            "separate_kernel_environment": self.separate_kernel,
            "used": [
                {
                    "path": p,
                    "purpose": why,
                    "environment": envs.get(p),
                    "environment_description": (
                        self.describe_environment(envs[p]) if p in envs else None
                    ),
                }
                for p, why in self.used_for
            ],
            "ignored": [{"path": p, "reason": why} for p, why in self.ignored],
            "error": self.error,
            "notes": list(self.notes),
        }

    def render_text(self) -> str:
        """A readable multi-line report, as printed by ``bindermerge explain DIR``."""
        lines = []
        if self.buildpack:
            lines.append(
                f"repo2docker {REPO2DOCKER_VERSION} picks {self.buildpack}: {self.picked_because}"
            )
        lines.append(
            f"config directory: {self.binder_dir + '/' if self.binder_dir else '(repository root)'}"
        )
        if self.python_version:
            lines.append(f"python: {self.python_version} (from {self.python_source})")
        elif self.has_conda_python:
            lines.append(f"python: repo2docker's default ({DEFAULT_PYTHON}); nothing pins it")
        width = max([len(p) for p, _ in self.used_for + self.ignored] + [8])
        if self.used_for:
            lines.append("used:")
            lines += [f"  {p:<{width}}  {why}" for p, why in self.used_for]
        if self.environments:
            lines.append("packages go to:")
            lines += [
                f"  {p:<{width}}  {self.describe_environment(env)}" for p, env in self.environments
            ]
        if self.ignored:
            lines.append("ignored:")
            lines += [f"  {p:<{width}}  {why}" for p, why in self.ignored]
        lines += [f"note: {n}" for n in self.notes]
        if self.error:
            lines.append(f"error: {self.error}")
        return "\n".join(lines) + "\n"


def explain(files: Mapping[str, FileContent] | str | os.PathLike[str]) -> Explanation:
    """Say which buildpack repo2docker picks and which files it uses or ignores.

    ``files`` is a repository directory (with an optional ``binder/`` or ``.binder/``) or a
    mapping of repository-relative paths (``"binder/apt.txt"``, ``"setup.py"``) to their
    content; ``None`` means "present, content unknown", and a key ending in ``/`` declares a
    directory (``{"binder/": None}`` is an empty binder directory). Content matters for
    runtime.txt, environment.yml, Pipfile(.lock), pyproject.toml, apt.txt and a root Dockerfile.
    Nothing is executed and nothing is fetched. Raises NotADirectoryError for a path that is
    not a directory.
    """
    return _explain(gather(files))


def ignored_in_binder_dir(names_with_content: Mapping[str, FileContent]) -> list[tuple[str, str]]:
    """For the merge: which files of an output ``binder/`` directory repo2docker would ignore.

    ``names_with_content`` maps names relative to the binder directory (``"apt.txt"``) to
    their content (or None). Returns ``(name, reason)`` pairs, names as given. Errors
    (an invalid runtime.txt, ...) are reported by :func:`explain`, not here.
    """
    exp = explain({"binder/": None, **{f"binder/{n}": c for n, c in names_with_content.items()}})
    return [(p[len("binder/") :], why) for p, why in exp.ignored if p.startswith("binder/")]


# --- applying the table ---------------------------------------------------------------------------


def _explain(facts: Facts) -> Explanation:
    def failed(message: str, rule: BuildpackRule | None = None, because: str = "") -> Explanation:
        return Explanation(
            rule.name if rule else "",
            facts.binder_dir,
            (),
            (),
            error=message,
            picked_because=because,
            notes=tuple(facts.notes),
            has_conda_python=rule.has_conda_python if rule else False,
        )

    # LegacyBinderDockerBuildPack is detected first, then binder_dir is looked up.
    try:
        check_legacy_dockerfile(facts)
    except ValueError as e:
        return failed(str(e))
    if facts.both_binder_dirs:
        return failed(
            "the repository contains both a 'binder' and a '.binder' directory; they are exclusive"
        )
    try:
        rule, because = _pick(facts)
    except Unparsable as e:  # a detect() read a file it cannot parse: nothing is picked
        return failed(str(e))
    facts.buildpack = rule.name
    try:
        return _apply(rule, because, facts)
    except Unparsable as e:  # the picked buildpack cannot even tell what it reads
        return failed(str(e), rule, because)


def _pick(facts: Facts) -> tuple[BuildpackRule, str]:
    for rule in BUILDPACKS:
        if any(holds(c, facts) for c in rule.unless):
            continue  # checked first, as detect() does: then the other files are not even read
        hit = next((c for c in rule.picked_when if holds(c, facts)), None)
        if hit is not None:
            return rule, _describe(hit, facts)
    rule = next(r for r in BUILDPACKS if r.name == DEFAULT_BUILDPACK)
    return rule, "no buildpack matched; repo2docker's default"


def _describe(condition: str, facts: Facts) -> str:
    kind, _, name = condition.partition(":")
    if kind in ("file", "root"):
        path = facts.cfg + name if kind == "file" else name
        return f"{path} exists" + (" (and there is no binder directory)" if kind == "root" else "")
    return CONDITIONS[condition]


def _apply(rule: BuildpackRule, because: str, facts: Facts) -> Explanation:
    """What the picked row reads, its Python version and the failures of its build."""
    cfg = facts.cfg
    error: str | None = None

    def record(message: str) -> None:
        nonlocal error
        if error is None:  # the first failure is the one repo2docker stops with
            error = message

    try:
        if rule.python_from is not None:
            facts.python_version, facts.python_source = buildpack_python(rule.python_from, facts)
            facts.python = python_x_y(facts.python_version or DEFAULT_PYTHON)
        for check in rule.checks:
            facts.notes += BUILD_CHECKS[check](facts)
    except Unparsable:
        raise
    except ValueError as e:
        record(str(e))

    used: dict[str, str] = {}
    into: dict[str, Into | None] = {}
    ignored: dict[str, str] = {}
    file_checks: dict[tuple[str, str], FileContent] = {}
    reads = rule.reads + (EVERY_BUILDPACK_READS if rule.every_buildpack_reads else ())
    for read in reads:
        present = facts.root if read.where == "root" else facts.config
        where = "" if read.where == "root" else cfg
        found = [n for n in read.names if n in present]
        if not found or not holds(read.when, facts):
            continue
        # setdefault: a row's own reads come before EVERY_BUILDPACK_READS and win
        used.setdefault(where + found[0], read.purpose)
        into.setdefault(where + found[0], read.into)
        if read.check is not None:
            file_checks.setdefault((read.check, where + found[0]), present[found[0]])
        for shadowed in found[1:]:
            ignored.setdefault(
                where + shadowed, f"shadowed by {where + found[0]}, which repo2docker reads first"
            )

    for note in rule.notes:
        path = next((cfg + n for n in note.names if n in facts.config), None)
        if path is not None:
            facts.notes.append(note.text.format(path=path))
    for (check, path), content in file_checks.items():
        try:
            facts.notes += FILE_CHECKS[check](facts, path, content)
        except ValueError as e:
            record(str(e))
    if rule.fails:
        record(f"{rule.name}: {rule.fails}")

    for name in facts.config:
        path = cfg + name
        if path in used or path in ignored:
            continue
        if name in UNRECOGNISED:
            ignored[path] = UNRECOGNISED[name]
        elif name in ROOT_ONLY_FILES and facts.binder_dir:
            ignored[path] = ROOT_ONLY_IN_BINDER_DIR.format(name=name)
        elif name in CONFIG_FILES or name in ROOT_ONLY_FILES:
            ignored[path] = _ignore_reason(name, rule.name, facts)
    if facts.binder_dir:
        for name in facts.root:
            if name in used or name in ignored:
                continue
            if name in CONFIG_FILES or name in ROOT_ONLY_FILES:
                reason = IGNORED_AT_ROOT.get(name, IGNORED_AT_ROOT["*"])
                ignored[name] = reason.format(cfg=cfg)
            elif name in UNRECOGNISED:
                ignored[name] = UNRECOGNISED[name]

    # KERNEL_PYTHON_PREFIX is a prefix of its own only below the cut-off (the table's words).
    legacy = rule.has_conda_python and holds("legacy-python", facts)
    environments = tuple(
        (path, INSTALLED_INTO[(target, legacy)])
        for path, target in sorted(into.items())
        if target is not None
    )
    ok = error is None
    return Explanation(
        buildpack=rule.name,
        binder_dir=facts.binder_dir,
        used=tuple(sorted(used)),
        ignored=tuple(sorted(ignored.items())),
        error=error,
        python_version=facts.python_version if ok else None,
        python_source=facts.python_source if ok else None,
        picked_because=because,
        used_for=tuple(sorted(used.items())),
        notes=tuple(facts.notes),
        has_conda_python=rule.has_conda_python,
        environments=environments if ok else (),
        separate_kernel=legacy and ok,
    )


def _ignore_reason(name: str, bp: str, facts: Facts) -> str:
    rt = facts.runtime_if_parsed()
    lang = rt.name if rt is not None else "?"
    for key in ((name, bp), (name, "*"), ("*", bp), ("*", "*")):
        if key in IGNORED_BECAUSE:
            return IGNORED_BECAUSE[key].format(bp=bp, lang=lang, name=name, dir=facts.binder_dir)
    raise AssertionError("unreachable: ('*', '*') is always there")
