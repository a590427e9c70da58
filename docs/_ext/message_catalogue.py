"""Every conflict and warning bindermerge reports, each with a message it really printed.

``docs/reference/messages.toml`` lists small examples: a few sources written as files (and
options), and the finding each is the example of (a conflict of one kind, or a warning
code). :func:`run` merges each example with the library, as ``bindermerge`` does, and returns
what it reported; the ``bindermerge-messages`` directive shows the findings as tables, and
``tests/test_docs.py`` checks that every warning code and every place that records a conflict
in ``bindermerge/`` has an example here (so a new one cannot go undocumented).

Warnings of ``--lock`` come from a real lock: the examples that lock solve with py-rattler
against a small local channel (``tests/helpers/conda_channel.py``) standing in for the
channels they name, so no network is needed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

from bindermerge.model import Conflict, MergeWarning
from bindermerge.options import MergeOptions

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "docs" / "reference" / "messages.toml"


@dataclasses.dataclass(frozen=True)
class Example:
    """One example: what it shows (``conflict`` of ``kind``, or ``warning`` ``code``), when
    that happens (``about``), and the sources, options and repository that show it."""

    shows: str
    about: str
    sources: Mapping[str, Mapping[str, str]]
    kind: str = ""
    key: str = ""
    code: str = ""
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    lock: Mapping[str, Any] | None = None
    repository: Mapping[str, str] | None = None
    number: int = 0

    @property
    def label(self) -> str:
        return f"example {self.number} ({self.code or self.kind})"


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What merging one example reported, with the scratch directory taken out of paths."""

    example: Example
    conflicts: tuple[Conflict, ...]
    warnings: tuple[MergeWarning, ...]
    shown_conflict: Conflict | None
    shown_warning: MergeWarning | None


@dataclasses.dataclass(frozen=True)
class Unexampled:
    """A warning code the catalogue cannot show happening, and why."""

    code: str
    about: str
    why: str


class CatalogueError(ValueError):
    """An example that does not show what it says it shows."""


def load(path: Path = CATALOGUE) -> list[Example]:
    """The examples of the catalogue, in file order."""
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    examples = []
    for number, raw in enumerate(doc.get("example", []), start=1):
        try:
            example = Example(number=number, **raw)
        except TypeError as exc:
            raise CatalogueError(f"{path.name}: example {number}: {exc}") from None
        if example.shows not in ("conflict", "warning"):
            raise CatalogueError(f"{example.label}: shows must be 'conflict' or 'warning'")
        if (example.shows == "conflict") != bool(example.kind) or (
            example.shows == "warning"
        ) != bool(example.code):
            raise CatalogueError(f"{example.label}: a conflict names its kind, a warning its code")
        examples.append(example)
    return examples


def load_unexampled(path: Path = CATALOGUE) -> list[Unexampled]:
    """The codes listed without an example, with the reason."""
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Unexampled(**raw) for raw in doc.get("unexampled", [])]


def cli_line(finding: Conflict | MergeWarning) -> str:
    """The line ``bindermerge`` prints on stderr for one finding (its own reporter's)."""
    from types import SimpleNamespace

    from bindermerge.cli.report import Reporter

    if isinstance(finding, Conflict):
        result = SimpleNamespace(conflicts=[finding], warnings=[])
    else:
        result = SimpleNamespace(conflicts=[], warnings=[finding])
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        Reporter(as_json=False).findings(result)  # type: ignore[arg-type]
    return err.getvalue().rstrip("\n")


def _write(root: Path, files: Mapping[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))  # as written: CRLF and BOM examples stay so
        if text.startswith("#!"):
            path.chmod(0o755)


def _scrub(text: str, root: Path) -> str:
    return text.replace(f"{root}/", "").replace(str(root), ".")


def _scrub_all(
    found: tuple[Conflict, ...], warnings: tuple[MergeWarning, ...], root: Path
) -> tuple[tuple[Conflict, ...], tuple[MergeWarning, ...]]:
    def origin(o: Any) -> Any:
        return dataclasses.replace(o, path=_scrub(o.path, root), text=_scrub(o.text, root))

    conflicts = tuple(
        dataclasses.replace(
            c,
            sides=tuple(origin(o) for o in c.sides),
            reason=_scrub(c.reason, root),
            resolution=None if c.resolution is None else origin(c.resolution),
        )
        for c in found
    )
    scrubbed = tuple(
        dataclasses.replace(
            w, message=_scrub(w.message, root), origins=tuple(origin(o) for o in w.origins)
        )
        for w in warnings
    )
    return conflicts, scrubbed


@contextlib.contextmanager
def local_channel() -> Iterator[str]:
    """A ``file://`` channel of small real packages (the test suite's), while it is used."""
    tests = str(REPO / "tests")
    added = tests not in sys.path
    if added:
        sys.path.insert(0, tests)
    try:
        from helpers.conda_channel import build_channel  # type: ignore[import-not-found]

        with tempfile.TemporaryDirectory(prefix="bindermerge-channel-") as tmp:
            yield build_channel(Path(tmp)).url
    finally:
        if added:
            sys.path.remove(tests)


@contextlib.contextmanager
def _locking_against(channel: str) -> Iterator[None]:
    """``--lock`` solves with rattler against ``channel`` instead of the channels named."""
    import bindermerge.lock as lock

    real = lock.lock_environment

    def stand_in(spec: Any, **kwargs: Any) -> Any:
        kwargs.update(backend="rattler", channel_override=[channel])
        return real(spec, **kwargs)

    lock.lock_environment = stand_in
    try:
        yield
    finally:
        lock.lock_environment = real


def run_one(example: Example, channel: str | None = None) -> Outcome:
    """Merge one example (and lock it, when it says so) and pick the finding it shows."""
    from bindermerge.pipeline import merge

    with tempfile.TemporaryDirectory(prefix="bindermerge-example-") as tmp:
        root = Path(tmp).resolve()
        for name, files in example.sources.items():
            _write(root / name, files)
        options = dict(example.options)
        if example.repository is not None:
            _write(root / "repo", example.repository)
            options["output"] = str(root / "repo" / "binder")
        result = merge([str(root / name) for name in example.sources], MergeOptions(**options))
        warnings = tuple(result.warnings)
        if example.lock is not None:
            if channel is None:
                raise CatalogueError(f"{example.label}: locking needs the local channel")
            from bindermerge.lock.apply import lock_result

            with _locking_against(channel):
                locked = lock_result(result, root / "out", **example.lock)
            warnings = tuple(locked.warnings)
        conflicts, warnings = _scrub_all(tuple(result.conflicts), warnings, root)
    shown_conflict = next(
        (
            c
            for c in conflicts
            if c.kind == example.kind and (not example.key or c.key == example.key)
        ),
        None,
    )
    shown_warning = next((w for w in warnings if w.code == example.code), None)
    if example.shows == "conflict" and shown_conflict is None:
        raise CatalogueError(
            f"{example.label}: no {example.kind} conflict"
            + (f" on {example.key!r}" if example.key else "")
            + f"; found {[(c.kind, c.key) for c in conflicts]}"
        )
    if example.shows == "warning" and shown_warning is None:
        raise CatalogueError(
            f"{example.label}: no {example.code} warning; found {[w.code for w in warnings]}"
        )
    return Outcome(example, conflicts, warnings, shown_conflict, shown_warning)


def run(examples: list[Example] | None = None) -> list[Outcome]:
    """Run every example (the local channel is built once, when an example locks)."""
    examples = load() if examples is None else examples
    if not any(e.lock is not None for e in examples):
        return [run_one(e) for e in examples]
    with local_channel() as channel:
        return [run_one(e, channel) for e in examples]
