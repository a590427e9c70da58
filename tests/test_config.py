"""The project's config file: discovery, precedence over the command line, and every error.

Each run is the real command line (in-process, or a real process where imports are counted),
from a directory inside a git work tree built in tmp_path.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_process, tree_bytes, write_tree

from bindermerge import config
from bindermerge.options import BY_CONFIG_KEY

DB = {"apt.txt": "postgresql\n", "requirements.txt": "psycopg2-binary\n"}
REFINE = {"apt.txt": "openjdk-17-jre-headless\n", "requirements.txt": "jupyter-server-proxy\n"}
# Two blocks that disagree: on-conflict decides.
PIN_A = {"requirements.txt": "numpy==1.26\n"}
PIN_B = {"requirements.txt": "numpy==2.0\n"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree holding two blocks; the current directory is its root."""
    root = tmp_path / "project"
    write_tree(root / "blocks" / "db", DB)
    write_tree(root / "blocks" / "refine", REFINE)
    write_tree(root / "blocks" / "pin-a", PIN_A)
    write_tree(root / "blocks" / "pin-b", PIN_B)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.chdir(root)
    return root


def apt(out: Path) -> list[str]:
    lines = (out / "apt.txt").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


# --- discovery ------------------------------------------------------------------------------


def test_bare_command_runs_the_merge_of_bindermerge_toml(cli, project):
    (project / "bindermerge.toml").write_text(
        'sources = ["blocks/db", "blocks/refine"]\noutput = "binder"\n'
    )
    r = cli()
    assert r.code == 0, r.err
    assert apt(project / "binder") == ["postgresql", "openjdk-17-jre-headless"]


def test_pyproject_table_is_found_from_a_subdirectory_and_paths_stay_the_files(
    cli, project, monkeypatch
):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.bindermerge]\n'
        'sources = ["blocks/refine", "blocks/db"]\noutput = "binder"\n'
    )
    deep = project / "notebooks" / "deep"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    r = cli()
    assert r.code == 0, r.err
    # Relative to the config file's directory, not to where the command ran.
    assert apt(project / "binder") == ["openjdk-17-jre-headless", "postgresql"]
    assert not (deep / "binder").exists()
    # The check from the subdirectory agrees with the merge from the root.
    monkeypatch.chdir(project)
    assert cli("--check").code == 0
    monkeypatch.chdir(deep)
    assert cli("--check").code == 0


def test_a_pyproject_without_the_table_is_not_a_config(cli, project):
    (project / "pyproject.toml").write_text('[project]\nname = "bindermerge-user"\n')
    assert config.find() is None
    r = cli()
    assert r.code == 2
    assert r.err.strip() == f"usage error: {config.NO_SOURCES}"


def test_discovery_stops_at_the_root_of_the_work_tree(cli, tmp_path, monkeypatch):
    write_tree(tmp_path / "blocks" / "db", DB)
    (tmp_path / "bindermerge.toml").write_text('sources = ["blocks/db"]\noutput = "binder"\n')
    inner = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(inner)], check=True)
    (inner / "sub").mkdir()
    monkeypatch.chdir(inner / "sub")
    assert config.find() is None  # the file above the work tree belongs to something else
    monkeypatch.chdir(tmp_path)  # outside any work tree: this directory only
    assert config.find() == "bindermerge.toml"
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert config.find() is None


def test_a_git_file_marks_the_root_of_a_worktree_too(project, monkeypatch):
    (project / "bindermerge.toml").write_text('sources = ["blocks/db"]\n')
    linked = project / "linked"
    (linked / "sub").mkdir(parents=True)
    (linked / ".git").write_text("gitdir: /elsewhere/.git/worktrees/linked\n")
    monkeypatch.chdir(linked / "sub")
    assert config.find() is None


def test_the_nearest_config_wins(project, monkeypatch):
    (project / "bindermerge.toml").write_text('sources = ["blocks/db"]\n')
    (project / "blocks" / "bindermerge.toml").write_text('sources = ["db"]\n')
    monkeypatch.chdir(project / "blocks" / "db")
    assert config.find() == str(Path("..") / "bindermerge.toml")


# --- precedence -----------------------------------------------------------------------------


def test_command_line_options_override_the_file(cli, project):
    (project / "bindermerge.toml").write_text(
        'sources = ["blocks/pin-a", "blocks/pin-b"]\noutput = "binder"\non-conflict = "first"\n'
    )
    assert cli().code == 0
    assert "numpy==1.26" in (project / "binder" / "requirements.txt").read_text()
    r = cli("--on-conflict", "last")
    assert r.code == 0, r.err
    assert "numpy==2.0" in (project / "binder" / "requirements.txt").read_text()
    assert cli("--on-conflict=fail", "--check").code == 1  # the command line's fail stands
    assert cli("-o", "other").code == 0
    assert (project / "other" / "requirements.txt").is_file()


def test_every_true_or_false_key_can_be_set_back_on_the_command_line(cli, project):
    (project / "bindermerge.toml").write_text(
        'sources = ["blocks/pin-a", "blocks/pin-b"]\noutput = "binder"\nstrict = true\n'
        'on-conflict = "first"\nfold = false\nlock = true\nfold-ignored = true\n'
    )
    _, values, _ = config.resolve([], {"strict": False, "fold": True, "lock": False})
    assert (values["strict"], values["fold"], values["lock"]) == (False, True, False)
    # Both readers know the opposite flags: the fast one, and typer's (merge).
    r = cli("--no-strict", "--fold", "--no-lock", "--no-fold-ignored")
    assert r.code == 0, r.err  # strict would fail on the resolved conflict's warning
    assert (
        cli("merge", "--no-strict", "--fold", "--no-lock", "--no-fold-ignored", "--check").code == 0
    )
    r = cli("--no-lock")
    assert r.code == 1 and "warnings under --strict" in r.err


def test_command_line_sources_replace_the_files_list(cli, project):
    (project / "bindermerge.toml").write_text(
        'sources = ["blocks/db", "blocks/refine"]\noutput = "binder"\n'
    )
    r = cli("blocks/refine")
    assert r.code == 0, r.err
    assert apt(project / "binder") == ["openjdk-17-jre-headless"]


def test_no_config_ignores_the_file_and_config_names_one(cli, project, tmp_path):
    (project / "bindermerge.toml").write_text('sources = ["blocks/db"]\noutput = "binder"\n')
    r = cli("--no-config")
    assert (r.code, r.err.strip()) == (2, f"usage error: {config.NO_SOURCES}")
    assert cli("--no-config", "blocks/refine", "-o", "b2").code == 0
    assert apt(project / "b2") == ["openjdk-17-jre-headless"]
    conf = 'sources = ["../project/blocks/refine"]\noutput = "b3"\n'
    elsewhere = write_tree(tmp_path / "conf", {"refine.toml": conf})
    r = cli("--config", elsewhere / "refine.toml")
    assert r.code == 0, r.err
    # Relative to the named file: its sources and its output both.
    assert apt(tmp_path / "conf" / "b3") == ["openjdk-17-jre-headless"]
    # A file below the current directory: its paths are shown from here.
    write_tree(project / "configs", {"db.toml": 'sources = ["../blocks/db"]\noutput = "db-only"\n'})
    r = cli("--config", "configs/db.toml")
    assert r.code == 0, r.err
    assert "wrote configs/db-only/ from 1 source" in r.err


def test_every_option_key_is_read_with_the_meaning_of_its_flag(cli, project):
    (project / "bindermerge.toml").write_text(
        'sources = ["blocks/db"]\noutput = "binder"\nname = "merged-env"\nfold = false\n'
        "strict = true\nfold-ignored = true\n"
    )
    _, values, found = config.resolve([], {})
    assert found is not None and found.path == "bindermerge.toml"
    assert values == {
        "output": "binder",
        "name": "merged-env",
        "fold": False,
        "strict": True,
        "fold_ignored": True,
    }
    (project / "bindermerge.toml").write_text(
        'sources = ["blocks/db"]\nlock = true\nplatforms = ["linux-64", "osx-arm64"]\n'
        'lock-backend = "rattler"\nlock-pip = "no"\non-conflict = "last"\n'
    )
    _, values, _ = config.resolve([], {"on_conflict": "first"})
    assert values == {
        "lock": True,
        "platforms": ["linux-64", "osx-arm64"],
        "lock_backend": "rattler",
        "lock_pip": "no",
        "on_conflict": "first",
    }
    # Every option with a config key is one the file may set; the issue's list is there.
    assert {"output", "on-conflict", "strict", "name", "fold", "lock", "platforms",
            "lock-backend", "lock-pip"} <= set(BY_CONFIG_KEY)  # fmt: skip


def test_a_key_needing_lock_is_fine_when_the_command_line_locks(project):
    (project / "bindermerge.toml").write_text(
        'sources = ["blocks/db"]\nplatforms = ["linux-64", "osx-64"]\n'
    )
    _, values, _ = config.resolve([], {"lock": True})
    assert values == {"platforms": ["linux-64", "osx-64"], "lock": True}
    with pytest.raises(config.ConfigError, match="'platforms' needs lock = true"):
        config.resolve([], {})


def test_merge_subcommand_reads_the_config_like_the_bare_command(cli, project):
    (project / "bindermerge.toml").write_text(
        'sources = ["blocks/pin-a", "blocks/pin-b"]\noutput = "binder"\non-conflict = "last"\n'
    )
    r = cli("merge", "--json")
    assert r.code == 0, r.err
    assert "numpy==2.0" in (project / "binder" / "requirements.txt").read_text()
    r = cli("merge", "--on-conflict", "first", "--no-config", "blocks/db", "-o", "b2")
    assert r.code == 0, r.err
    assert "--config FILE" in cli("merge", "--help").out


# --- errors ---------------------------------------------------------------------------------

ERRORS = [
    # (file, text, the one line printed)
    ("bindermerge.toml", 'sources = ["blocks/db"]\noutptu = "binder"\n',
     "error: bindermerge.toml:2: unknown key 'outptu'; did you mean 'output'?"),
    ("bindermerge.toml", 'sources = ["blocks/db"]\non_conflict = "first"\n',
     "error: bindermerge.toml:2: unknown key 'on_conflict'; did you mean 'on-conflict'?"),
    ("bindermerge.toml", 'sources = ["blocks/db"]\ncolour = true\n',
     "error: bindermerge.toml:2: unknown key 'colour'; the keys are " + ", ".join(config.KEYS)),
    ("pyproject.toml", '[tool.bindermerge]\nsources = ["blocks/db"]\n\nlokc = true\n',
     "error: pyproject.toml:4: unknown key 'lokc' in [tool.bindermerge]; did you mean 'lock'?"),
    ("bindermerge.toml", 'sources = "blocks/db"\n',
     "error: bindermerge.toml:1: 'sources' must be a list of strings, not 'blocks/db'"),
    ("bindermerge.toml", 'sources = ["blocks/db", 3]\n',
     "error: bindermerge.toml:1: 'sources' must be a list of strings, not int 3"),
    ("bindermerge.toml", 'sources = ["blocks/db", " "]\n',
     "error: bindermerge.toml:1: 'sources' holds an empty string"),
    ("bindermerge.toml", 'sources = ["blocks/db"]\nstrict = "yes"\n',
     "error: bindermerge.toml:2: 'strict' must be true or false, not 'yes'"),
    ("bindermerge.toml", 'sources = ["blocks/db"]\n\non-conflict = "second"\n',
     "error: bindermerge.toml:3: 'on-conflict' must be 'fail', 'first' or 'last', not 'second'"),
    ("bindermerge.toml", 'sources = ["blocks/db"]\nname = 7\n',
     "error: bindermerge.toml:2: 'name' must be a string, not int 7"),
    ("bindermerge.toml", 'sources = ["blocks/db"]\noutput = ""\n',
     "error: bindermerge.toml:2: 'output' must not be empty"),
    ("bindermerge.toml", 'sources = ["blocks/db"]\nplatforms = "linux-64"\n',
     "error: bindermerge.toml:2: 'platforms' must be a list of strings, not 'linux-64'"),
    ("bindermerge.toml", 'sources = ["blocks/db"]\n[lock]\nyes = 1\n',
     "error: bindermerge.toml:2: 'lock' must be true or false, not a table"),
    ("pyproject.toml", '[tool]\nbindermerge = ["blocks/db"]\n',
     "error: pyproject.toml:2: tool.bindermerge must be a table"),
    ("bindermerge.toml", 'sources = ["blocks/db"\n',
     "error: bindermerge.toml:1: invalid TOML: Unclosed array (at the end of the file)"),
    ("bindermerge.toml", 'sources = ["blocks/db"]\nname = \n',
     "error: bindermerge.toml:2: invalid TOML: Invalid value (column 8)"),
    ("bindermerge.toml", b'name = "\xff"\n',
     "error: bindermerge.toml: not UTF-8 text (invalid start byte at byte 8)"),
    ("bindermerge.toml", 'sources = ["blocks/db"]\nplatforms = ["osx-64"]\n',
     "error: bindermerge.toml:2: 'platforms' needs lock = true (or --lock)"),
    ("bindermerge.toml", 'output = "binder"\n',
     "usage error: bindermerge.toml lists no sources: add sources = [...] to it, or name them "
     "on the command line (bindermerge SRC... -o binder)"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "line"), ERRORS, ids=[e[2][:48] for e in ERRORS])
def test_a_bad_config_is_one_line_exit_2_and_nothing_written(cli, project, name, text, line):
    out = project / "binder"
    assert cli("blocks/db", "-o", out, "--no-config").code == 0
    before = tree_bytes(out)
    path = project / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    r = cli("-o", out)
    assert r.code == 2
    assert r.err.strip() == line
    assert "Traceback" not in r.err
    assert tree_bytes(out) == before


def test_both_kinds_in_one_directory_say_which_to_keep(cli, project):
    (project / "pyproject.toml").write_text('[tool.bindermerge]\nsources = ["blocks/db"]\n')
    (project / "bindermerge.toml").write_text('sources = ["blocks/refine"]\n')
    r = cli("-o", "binder")
    assert r.code == 2
    assert r.err.strip() == (
        "error: pyproject.toml ([tool.bindermerge]) and bindermerge.toml both configure "
        "bindermerge: keep one (remove [tool.bindermerge] from pyproject.toml, or delete "
        "bindermerge.toml)"
    )
    assert not (project / "binder").exists()


def test_config_flag_errors(cli, project):
    r = cli("--config", "missing.toml")
    assert (r.code, r.err.strip()) == (
        2,
        "error: missing.toml: cannot read the config file: No such file or directory",
    )
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    r = cli("--config", "pyproject.toml")
    assert (r.code, r.err.strip()) == (2, "error: pyproject.toml: has no [tool.bindermerge] table")
    r = cli("--config", "pyproject.toml", "--no-config")
    assert (r.code, r.err.strip()) == (
        2,
        "usage error: --config and --no-config exclude each other",
    )


def test_no_sources_anywhere_says_how_to_name_them(cli, project):
    r = cli()
    assert r.code == 2
    assert "bindermerge SRC... -o binder" in r.err and "bindermerge.toml" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_a_bad_config_with_json_is_json(cli, project):
    import json

    (project / "bindermerge.toml").write_text('sources = ["blocks/db"]\nstrict = 1\n')
    r = cli("--json")
    assert r.code == 2
    doc = json.loads(r.out)
    assert doc["error"]["path"] == "bindermerge.toml" and doc["error"]["line"] == 2


# --- the regenerating run and the fast path ------------------------------------------------


def test_exit_non_zero_on_write_is_1_when_written_and_0_when_up_to_date(cli, project):
    (project / "bindermerge.toml").write_text('sources = ["blocks/db"]\noutput = "binder"\n')
    r = cli("--exit-non-zero-on-write")
    assert r.code == 1 and "wrote binder/" in r.err
    r = cli("--exit-non-zero-on-write")
    assert r.code == 0 and "up to date" in r.err
    (project / "blocks" / "db" / "apt.txt").write_text("postgresql\npostgis\n")
    assert cli("--exit-non-zero-on-write").code == 1
    assert apt(project / "binder") == ["postgresql", "postgis"]
    (project / "binder" / "apt.txt").write_text("edited\n")  # a hand edit is put right, loudly
    assert cli("--exit-non-zero-on-write", "--force").code == 1
    assert cli("--exit-non-zero-on-write").code == 0


def test_an_up_to_date_merge_writes_nothing_even_on_the_full_path(cli, project):
    (project / "bindermerge.toml").write_text('sources = ["blocks/db"]\noutput = "binder"\n')
    assert cli().code == 0
    stamp = {p: p.stat().st_mtime_ns for p in (project / "binder").rglob("*")}
    r = cli("--json")  # --json always takes the full merge
    assert r.code == 0
    assert '"written": false' in r.out
    assert {p: p.stat().st_mtime_ns for p in (project / "binder").rglob("*")} == stamp


def test_configured_check_stays_on_the_fast_path(project):
    (project / "pyproject.toml").write_text(
        '[tool.bindermerge]\nsources = ["blocks/db", "blocks/refine"]\noutput = "binder"\n'
    )
    assert run_process(cwd=project).code == 0
    probe = (
        "import sys\n"
        "from bindermerge.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
        "heavy = [m for m in ('typer', 'click', 'ruamel', 'packaging', 'rattler', 'jinja2',"
        " 'bindermerge.pipeline') if m in sys.modules]\n"
        "print(code, heavy)\n"
    )
    for args in (["--check"], [], ["--exit-non-zero-on-write"]):
        proc = subprocess.run(
            [sys.executable, "-c", probe, *args], cwd=project, capture_output=True, text=True
        )
        assert proc.stdout.strip() == "0 []", (args, proc.stdout, proc.stderr)


# --- the parsed-config cache ----------------------------------------------------------------

PROBE_TOMLLIB = (
    "import sys\n"
    "from bindermerge.cli import main\n"
    "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
    "print(code, 'tomllib' in sys.modules)\n"
)


def _probe(project: Path, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE_TOMLLIB, *args], cwd=project, capture_output=True, text=True
    )
    return proc.stdout.strip()


def test_an_unchanged_config_is_read_without_tomllib(project):
    import os

    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.bindermerge]\nsources = ["blocks/db"]\noutput = "binder"\n'
    )
    assert _probe(project) == "0 True"  # the first read parses, and keeps the table
    assert _probe(project, "--check") == "0 False"
    entries = list((Path(os.environ["XDG_CACHE_HOME"]) / "bindermerge" / "config").iterdir())
    assert len(entries) == 1
    # A changed file is another entry: its values, never the old ones.
    (project / "pyproject.toml").write_text(
        '[tool.bindermerge]\nsources = ["blocks/refine"]\noutput = "binder"\n'
    )
    assert _probe(project, "--check") == "1 True"
    assert _probe(project) == "0 False"  # parsed once, by the check
    assert apt(project / "binder") == ["openjdk-17-jre-headless"]
    # An entry that does not read back is parsed again (and put right).
    for entry in (Path(os.environ["XDG_CACHE_HOME"]) / "bindermerge" / "config").iterdir():
        entry.write_text('{"table": ')
    assert _probe(project, "--check") == "0 True"
    assert _probe(project, "--check") == "0 False"


def test_a_config_json_cannot_hold_is_parsed_each_time(project):
    (project / "bindermerge.toml").write_text(
        'sources = ["blocks/db"]\noutput = "binder"\nwhen = 2024-01-01\n'
    )
    r = _probe(project)
    assert r == "2 True"  # 'when' is no key: the error, from a fresh parse ...
    assert _probe(project) == "2 True"  # ... every time (a date does not survive JSON)
