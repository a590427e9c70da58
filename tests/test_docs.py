"""The documentation is checked like code.

* Every shell example of the docs is a ``bindermerge-console`` block, and every block runs here
  exactly as written, page by page, in the session the Sphinx build runs it in (the build then
  shows what the same commands printed). Blocks that need conda-forge run against a local
  channel standing in for it.
* The catalogue of conflicts and warnings has an example of every warning code and of every
  place in ``bindermerge/`` that records a conflict, and each example shows what it says.
* The generated reference tables cover what they are generated from.

The Sphinx build itself (``sphinx-build -W``) runs in ``.ci/run``, not here: it runs the same
examples again, and the test suite should not need the docs extra.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from helpers import REPO
from helpers.conda_channel import PACKAGES, FixturePackage, build_channel
from helpers.finding_sites import conflict_sites, warning_codes
from markdown_it import MarkdownIt

DOCS = REPO / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import console_sessions as cs  # noqa: E402 - from docs/_ext, put on the path above
import message_catalogue as catalogue  # noqa: E402

# Fences that hold shell examples; they must be bindermerge-console blocks instead.
SHELL_LANGUAGES = {"console", "sh", "bash", "shell", "shell-session", "zsh", "sh-session"}
# The conda packages the docs' examples ask conda-forge for, as the stand-in channel has them
# (noarch, so any platform's solve finds them); python and pip come from the fixture channel.
STAND_IN_PACKAGES = {
    "pandas": "2.2.2",
    "sqlalchemy": "2.0.30",
    "psycopg2": "2.9.9",
    "jupysql": "0.10.12",
    "polars": "1.2.1",
}


def pages_with_consoles() -> list[Path]:
    return [p for p in cs.pages(DOCS) if cs.blocks_in(p.read_text(encoding="utf-8"))]


def fences(path: Path) -> Iterator[tuple[str, str, int]]:
    """``(info, content, line)`` of every fenced or indented code block of a page."""
    tokens = MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8"))
    for token in tokens:
        if token.type in ("fence", "code_block"):
            line = token.map[0] + 1 if token.map else 0
            yield token.info.strip(), token.content, line


# --- the blocks ------------------------------------------------------------------------------


def test_a_block_holds_commands_and_continuations_only():
    block = cs.parse_block(
        [":returncode: 1", "$ cat > f <<'EOF'", "> a", ">", "> EOF", "$ false"], line=10
    )
    assert block.commands == ("cat > f <<'EOF'\na\n\nEOF", "false")
    assert block.returncode == 1 and block.needs is None
    assert cs.shown(block.commands[0]) == "$ cat > f <<'EOF'\n> a\n> \n> EOF"
    with pytest.raises(cs.ConsoleError, match="line 12: not a command"):
        cs.parse_block(["$ ls", "binder"], line=11)  # output is never written by hand
    with pytest.raises(cs.ConsoleError, match="continuation before any command"):
        cs.parse_block(["> x"])
    with pytest.raises(cs.ConsoleError, match="unknown option :exit:"):
        cs.parse_block([":exit: 1", "$ ls"])
    with pytest.raises(cs.ConsoleError, match=":needs: must be one of"):
        cs.parse_block([":needs: internet", "$ ls"])
    with pytest.raises(cs.ConsoleError, match="without a command"):
        cs.parse_block([":returncode: 0"])


def test_blocks_are_found_in_page_order_with_their_lines():
    text = "# t\n\n```{bindermerge-console}\n$ ls\n```\n\ntext\n\n````{bindermerge-console}\n"
    text += ":needs: conda-forge\n$ bindermerge a -o b --lock\n````\n"
    first, second = cs.blocks_in(text)
    assert (first.commands, first.line) == (("ls",), 4)
    assert (second.commands, second.needs) == (("bindermerge a -o b --lock",), "conda-forge")
    with pytest.raises(cs.ConsoleError, match="never closed"):
        cs.blocks_in("```{bindermerge-console}\n$ ls\n")


def test_a_command_that_exits_otherwise_than_the_block_says_fails(tmp_path):
    session = cs.Session(tmp_path / "s")
    try:
        assert session.run_block(cs.parse_block(["$ ls examples"]))[0].output.split() == [
            "binder_db",
            "binder_openrefine",
        ]
        with pytest.raises(cs.ConsoleError, match="exited 1, not 0"):
            session.run_block(cs.parse_block(["$ false", "$ true"]))
        with pytest.raises(cs.ConsoleError, match="exited 0, not 2"):
            session.run_block(cs.parse_block([":returncode: 2", "$ true"]))
        # the session's own HOME and caches, never the user's
        home = session.run(f"{sys.executable} -c 'import os; print(os.environ[\"HOME\"])'")
        assert home.output.strip() == str(session.home)
    finally:
        session.close()


def test_every_shell_example_is_a_console_block():
    offenders = []
    for page in cs.pages(DOCS):
        for info, content, line in fences(page):
            language = info.split()[0] if info else ""
            prompt = any(x.startswith("$ ") for x in content.splitlines())
            if language in SHELL_LANGUAGES or (language in ("", "text") and prompt):
                offenders.append(f"{page.relative_to(REPO)}:{line}: ```{info}")
    assert not offenders, "shell examples must be bindermerge-console blocks:\n" + "\n".join(
        offenders
    )


def test_the_tutorial_and_how_tos_have_examples_that_run():
    pages = {p.relative_to(DOCS).parts[0] for p in pages_with_consoles()}
    assert {"tutorial", "how-to"} <= pages


# --- every example runs as written -----------------------------------------------------------


def _stand_in_channel(root: Path) -> str:
    extra = tuple(
        FixturePackage(name, version, "pyhd8ed1ab_0", 0, "noarch", ("python >=3.9",), "python")
        for name, version in STAND_IN_PACKAGES.items()
    )
    return build_channel(root, PACKAGES + extra).url


def _use_stand_in(session: cs.Session, channel: str) -> None:
    """Every source environment.yml of the session names the local channel for conda-forge
    (outputs, which hold a manifest, are left alone: they are regenerated)."""
    outputs = {p.parent for p in session.root.rglob(".bindermerge.json")}
    for env in session.root.rglob("environment.y*ml"):
        if any(parent in outputs for parent in env.parents):
            continue
        text = env.read_text(encoding="utf-8")
        deps = yaml.safe_load(text).get("dependencies") or []
        names = {re.match(r"[A-Za-z0-9_.-]*", d)[0] for d in deps if isinstance(d, str)}
        missing = sorted(names - set(STAND_IN_PACKAGES) - {p.name for p in PACKAGES})
        assert not missing, f"{env}: add stand-ins for {missing} to STAND_IN_PACKAGES"
        env.write_text(text.replace("conda-forge", channel), encoding="utf-8")


@pytest.mark.parametrize(
    "page", pages_with_consoles(), ids=lambda p: p.relative_to(DOCS).as_posix()
)
def test_every_example_runs_as_written(page, tmp_path):
    session = cs.Session(tmp_path / "session")
    # Pinning pip entries asks the package index: offline it must refuse at once.
    session.env["PIP_INDEX_URL"] = "http://127.0.0.1:9/simple"
    channel: str | None = None
    try:
        for block in cs.blocks_in(page.read_text(encoding="utf-8")):
            if block.needs == "conda-forge" and channel is None:
                channel = _stand_in_channel(tmp_path / "conda-forge")
                _use_stand_in(session, channel)
            try:
                session.run_block(block)
            except cs.ConsoleError as exc:
                pytest.fail(f"{page.relative_to(REPO)}:{block.line}: {exc}")
        if channel is not None:
            locked = list(session.root.rglob("conda-lock.yml"))
            assert locked, "a block that needs conda-forge locked nothing"
    finally:
        session.close()


# --- the catalogue of conflicts and warnings -------------------------------------------------


@pytest.fixture(scope="module")
def catalogue_run():
    """Every example run once, with each place that recorded a conflict noted."""
    from bindermerge.context import MergeContext
    from bindermerge.scripts import placement

    recorded: list[tuple[str, int]] = []
    package = REPO / "bindermerge"

    def note_caller() -> None:
        frame = sys._getframe(2)
        path = Path(frame.f_code.co_filename)
        if package in path.parents:
            recorded.append((path.relative_to(REPO).as_posix(), frame.f_lineno))

    real_conflict = MergeContext.conflict
    real_path_conflict = placement.PathConflict

    def conflict(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        note_caller()
        return real_conflict(self, *args, **kwargs)

    def path_conflict(*args, **kwargs):  # type: ignore[no-untyped-def]
        note_caller()
        return real_path_conflict(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(MergeContext, "conflict", conflict)
        mp.setattr(placement, "PathConflict", path_conflict)
        outcomes = catalogue.run()
    return outcomes, recorded


def test_every_example_shows_what_it_says(catalogue_run):
    outcomes, _ = catalogue_run
    assert len(outcomes) == len(catalogue.load())
    for o in outcomes:
        if o.example.shows == "conflict":
            c = o.shown_conflict
            assert c is not None and c.kind == o.example.kind and not c.resolved
            assert catalogue.cli_line(c).startswith(f"conflict: {c.file}: conflict on ")
        else:
            w = o.shown_warning
            assert w is not None and w.code == o.example.code
            assert catalogue.cli_line(w).startswith("note: " if w.is_info else "warning: ")
        # the scratch directory never shows in a message
        for finding in (o.shown_conflict, o.shown_warning):
            if finding is not None:
                assert "bindermerge-example-" not in catalogue.cli_line(finding)


def test_every_warning_code_has_an_example():
    written = warning_codes(REPO / "bindermerge")
    examples = {e.code for e in catalogue.load() if e.code}
    unexampled = {u.code for u in catalogue.load_unexampled()}
    assert not examples & unexampled
    missing = {
        pattern: sites
        for pattern, sites in written.items()
        if not any(re.fullmatch(pattern, code) for code in examples | unexampled)
    }
    assert not missing, f"warning codes without an example in messages.toml: {missing}"
    stale = {c for c in examples | unexampled if not any(re.fullmatch(p, c) for p in written)}
    assert not stale, f"messages.toml lists codes bindermerge never writes: {stale}"


def test_every_place_that_records_a_conflict_has_an_example(catalogue_run):
    _, recorded = catalogue_run
    sites = conflict_sites(REPO / "bindermerge")
    assert len(sites) > 20  # the scan sees them (a broken scan would pass anything)
    missing = [s for s in sites if not any(s.contains(p, n) for p, n in recorded)]
    assert not missing, f"conflicts recorded here have no example in messages.toml: {missing}"


def test_every_kind_that_conflicts_is_in_the_registry(catalogue_run):
    from bindermerge.registry import BY_NAME

    outcomes, _ = catalogue_run
    assert {o.example.kind for o in outcomes if o.example.kind} <= set(BY_NAME)


# --- the generated reference -----------------------------------------------------------------


def test_the_exit_codes_page_gives_every_exit_code_a_meaning():
    from bindermerge.cli import main as cli_main_function  # noqa: F401 - the package's name

    module = sys.modules["bindermerge.cli.main"]
    defined = {n for n in vars(module) if n.startswith("EXIT_")}
    text = (DOCS / "reference" / "exit-codes.md").read_text(encoding="utf-8")
    block = text.split("```{bindermerge-exit-codes}", 1)[1].split("```", 1)[0]
    described = {line.split(":", 1)[0] for line in block.strip().splitlines()}
    assert described == defined and len(defined) == 3
