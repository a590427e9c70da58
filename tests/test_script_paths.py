"""Merged, every script finds the files it found alone, however it spelt their path.

Each test lays a block out alone in a sandbox repository and runs its postBuild and start as
repo2docker does; then merges it with other blocks, writes the merged directory as ``binder/``
into a fresh repository and runs that. The stubs (:mod:`helpers.script_sandbox`) record what
each command was given, a file standing for its contents: merged, the calls must be the calls
of every source alone, in source order, and HOME must hold what each left there. Where a path
cannot resolve for every source, the merge is a conflict naming the scripts' lines.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import run_process
from helpers import script_sandbox as sbx
from hypothesis import given, settings
from hypothesis import strategies as st

from bindermerge import registry
from bindermerge.options import MergeOptions
from bindermerge.pipeline import MergeResult, merge
from bindermerge.scripts import paths, placement
from bindermerge.sources.open import open_source

SHELLCHECK = Path(sys.executable).parent / "shellcheck"
SEED = "insert into t values (1);\n"
# A second block beside the one under test, with files of its own in the same spellings.
OTHER = {
    "binder/postBuild": "#!/bin/sh\nset -e\npsql -f binder/other.txt\ncd binder && psql -f o.txt\n",
    "binder/other.txt": "select 'other';\n",
    "binder/o.txt": "select 'o';\n",
    "binder/start": '#!/bin/sh\npsql -f "$(dirname "$0")/o.txt"\nexec "$@"\n',
}
COMMAND = ("jupyter", "notebook", "--ip=0.0.0.0")


@dataclass
class Run:
    """What the stubs saw during the build and during start, and what HOME holds after."""

    build: list[tuple[str, tuple[str, ...]]]
    start: list[tuple[str, tuple[str, ...]]]
    home: dict[str, bytes]


def _run(sb: sbx.Sandbox, config: str) -> Run:
    if (sb.root / config / "postBuild").exists():
        proc = sb.postbuild(config)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    build = sbx.found(sb.calls())
    if (sb.root / config / "start").exists():
        proc = sb.start(*COMMAND, config=config)
        assert proc.returncode == 0, proc.stderr
    return Run(build, sbx.found(sb.calls())[len(build) :], sb.home_files())


def run_alone(source: Path, base: Path) -> Run:
    """The source's postBuild and start, run alone as repo2docker runs them."""
    sb = sbx.alone(source, base)
    config = next((d for d in (".binder", "binder") if (sb.root / d).is_dir()), ".")
    return _run(sb, config)


def run_merged(result: MergeResult, base: Path) -> Run:
    assert result.ok, [c.message() for c in result.conflicts]
    return _run(sbx.merged(result, base), "binder")


def assert_same_as_alone(tmp_path: Path, sources: Sequence[Path], **options: object) -> MergeResult:
    """Merged, the stubs see what each source's run alone made them see, in source order, and
    HOME holds what each left there; the command runs once, after every start."""
    alone = [run_alone(s, tmp_path / f"alone-{i}") for i, s in enumerate(sources)]
    result = merge(sources, MergeOptions(**options))
    merged = run_merged(result, tmp_path / "merged")
    assert merged.build == [c for r in alone for c in r.build]
    command = sbx.found([sbx.Call(COMMAND[0], COMMAND[1:], "", {})])
    starts = [c for r in alone for c in r.start if [c] != command]
    assert merged.start == (starts + command if any(r.start for r in alone) else [])
    home: dict[str, bytes] = {}
    for r in alone:
        home.update(r.home)
    assert merged.home == home
    return result


@pytest.fixture
def block(make_source):
    def make(name: str, files: Mapping[str, str | bytes]) -> Path:
        return make_source(name, files)

    return make


# --- every spelling resolves ------------------------------------------------------------------

SPELLINGS = {
    "from the root": "psql -f binder/seed.sql",
    "from the root, dot-slash": "psql -f ./binder/seed.sql",
    "REPO_DIR": 'psql -f "${REPO_DIR}/binder/seed.sql"',
    "cd binder &&": "cd binder && psql -f seed.sql",
    "cd binder; ...; cd ..": "cd binder\npsql -f seed.sql\ncd ..\npsql -f binder/seed.sql",
    "subshell": "(cd binder && psql -f seed.sql)\npsql -f binder/seed.sql",
    "variable": "D=binder\npsql -f $D/seed.sql",
    "exported variable": 'export SEED="binder/seed.sql"\npsql -f "$SEED"',
    "dirname $0": 'psql -f "$(dirname "$0")/seed.sql"',
    "cd dirname && pwd": 'HERE="$(cd "$(dirname "$0")" && pwd)"\npsql -f "$HERE/seed.sql"',
    "BASH_SOURCE": 'psql -f "${BASH_SOURCE%/*}/seed.sql"',
    "option=value": "psql --file=binder/seed.sql",
    "glob": 'for f in binder/*.sql; do psql -f "$f"; done',
    "redirect": "psql < binder/seed.sql",
    "test then use": "if [ -f binder/seed.sql ]; then psql -f binder/seed.sql; fi",
    "function": "load() {\n  psql -f binder/seed.sql\n}\nload",
    "parent of the script's directory": 'cd "$(dirname "$0")/.."\npsql -f binder/seed.sql',
}


@pytest.mark.parametrize("spelling", list(SPELLINGS.values()), ids=list(SPELLINGS))
def test_each_spelling_finds_its_file_merged(tmp_path, block, spelling):
    src = block(
        "db",
        {
            "binder/postBuild": f"#!/bin/bash\nset -euo pipefail\n{spelling}\n",
            "binder/seed.sql": SEED,
            "binder/more.sql": "insert into t values (2);\n",
        },
    )
    other = block("other", OTHER)
    assert_same_as_alone(tmp_path, [src, other])
    assert_same_as_alone(tmp_path / "reversed", [other, src])


def test_python_script_beside_its_files(tmp_path, block):
    post = (
        "#!/usr/bin/env python3\n"
        '"""Loads binder/ignored.sql? No: a docstring is not code."""\n'
        "import os, subprocess\n"
        "here = os.path.dirname(os.path.abspath(__file__))\n"
        "subprocess.run(['psql', '-f', os.path.join(here, 'seed.sql')], check=True)\n"
        "subprocess.run(['psql', '-f', 'binder/seed.sql'], check=True)\n"
    )
    src = block("py", {"binder/postBuild": post, "binder/seed.sql": SEED})
    result = assert_same_as_alone(tmp_path, [src, block("other", OTHER)])
    assert result.file("seed.sql") is not None and result.file("ignored.sql") is None


def test_dot_binder_path_cannot_resolve_in_binder(tmp_path, block):
    post = (
        "#!/usr/bin/env python3\nimport subprocess\n"
        "subprocess.run(['psql', '-f', '.binder/seed.sql'])\n"
    )
    src = block("py", {".binder/postBuild": post, ".binder/seed.sql": SEED})
    result = merge([src, block("other", OTHER)])
    (c,) = result.conflicts
    assert c.key == ".binder/seed.sql" and not c.resolved
    assert [(o.source, o.line) for o in c.sides] == [("py", 3)]
    assert "os.path.join(os.path.dirname(__file__), 'seed.sql')" in c.reason
    # written as .binder/, the output is what the script looks for
    other = block("other2", {"binder/apt.txt": "git\n"})
    result = merge([src, other], MergeOptions(output=str(tmp_path / ".binder")))
    assert result.ok and result.file("seed.sql") is not None


def test_helper_script_run_through_the_root_path_finds_its_neighbours(tmp_path, block):
    src = block(
        "db",
        {
            "binder/postBuild": "#!/bin/sh\nset -e\nsh binder/load.sh\n",
            "binder/load.sh": '#!/bin/sh\npsql -f "$(dirname "$0")/seed.sql"\n',
            "binder/seed.sql": SEED,
        },
    )
    result = assert_same_as_alone(tmp_path, [src, block("other", OTHER)])
    # load.sh runs as binder/load.sh, so its "$(dirname "$0")" is binder/: seed.sql is there too
    assert result.file("load.sh") and result.file("seed.sql")


# --- files at the repository root ---------------------------------------------------------------


def test_root_files_of_a_binder_dir_source_travel_and_are_put_in_place(tmp_path, block):
    src = block(
        "mongo",
        {
            ".mongo_version": "7.0.14\n",
            "init_db": "#!/bin/sh\necho init\n",
            "README.md": "# not used by any script\n",
            "notebooks/a.ipynb": "{}",
            "binder/postBuild": (
                "#!/bin/sh\nset -e\n"
                "V=$(cat .mongo_version)\n"
                'curl -o "$HOME/mongo.tgz" "https://example.org/mongo-$V.tgz"\n'
                'mkdir -p "$HOME/bin"\nmv init_db "$HOME/bin/init_db"\n'
                'cat "$(dirname "$0")/../.mongo_version" > "$HOME/version"\n'
            ),
            "binder/start": (
                '#!/bin/sh\nexport V="$(cat .mongo_version)"\npsql -f .mongo_version\nexec "$@"\n'
            ),
        },
    )
    (src / "init_db").chmod(0o755)
    result = assert_same_as_alone(tmp_path, [block("other", OTHER), src])
    paths_out = {f.path for f in result.files}
    assert ".bindermerge-root/mongo/.mongo_version" in paths_out
    assert ".bindermerge-root/mongo/init_db" in paths_out
    assert not any("README" in p or "notebooks" in p for p in paths_out)
    assert result.file(".bindermerge-root/mongo/init_db").mode == 0o755
    # "$(dirname "$0")/../.mongo_version" is binder/.mongo_version merged: a copy is there
    assert result.file(".mongo_version").content == b"7.0.14\n"


def test_root_files_when_only_start_uses_them(tmp_path, block):
    src = block(
        "ver",
        {".version": "1.2\n", "binder/start": '#!/bin/sh\npsql -f .version\nexec "$@"\n'},
    )
    result = assert_same_as_alone(tmp_path, [src])
    post = result.file("postBuild")  # written to put .version in place
    assert post is not None and b"run_step" not in post.content
    result.write(tmp_path / "out" / "binder")
    _shellcheck(tmp_path / "out" / "binder" / "postBuild")


def test_source_given_as_its_binder_directory_brings_its_root_files(tmp_path, block):
    src = block("repo", {"init_db": "x\n", "binder/postBuild": "#!/bin/sh\ncat init_db\n"})
    result = merge([src / "binder"])
    origin = result.values["auxiliary"].origins[".bindermerge-root/repo/init_db"]
    assert (origin.source, origin.file, origin.path) == ("repo", "../init_db", str(src / "init_db"))


def test_root_links_follow_the_source_rules(tmp_path, block):
    import os

    from bindermerge.errors import UnsafePathError

    secret = tmp_path / "secret"
    secret.write_text("top secret\n")
    src = block("repo", {"binder/postBuild": "#!/bin/sh\ncat init_db\n"})
    os.symlink(secret, src / "unused")  # not used by any script: never read
    assert merge([src]).ok
    os.symlink(secret, src / "init_db")
    with pytest.raises(UnsafePathError, match="init_db.*outside"):
        merge([src])


def test_a_repository_file_of_the_same_name_stops_the_build(tmp_path, block):
    src = block("ver", {".version": "1.2\n", "binder/postBuild": "#!/bin/sh\npsql -f .version\n"})
    result = merge([src])
    same = sbx.merged(result, tmp_path / "same", {".version": "1.2\n"})
    assert same.postbuild().returncode == 0
    other = sbx.merged(result, tmp_path / "other", {".version": "9.9\n"})
    proc = other.postbuild()
    assert proc.returncode == 1
    assert "source ver needs its own .version at the repository root" in proc.stderr
    assert other.calls() == []  # stopped before the source's postBuild ran


def test_a_repository_file_of_the_same_name_is_a_conflict_when_the_output_is_known(
    tmp_path, block, cli
):
    src = block("ver", {".version": "1.2\n", "binder/postBuild": "#!/bin/sh\npsql -f .version\n"})
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".version").write_text("9.9\n")
    r = cli(src, "-o", repo / "binder")
    assert r.code == 1 and ".version of its own" in r.err and not (repo / "binder").exists()
    (repo / ".version").write_text("1.2\n")
    assert cli(src, "-o", repo / "binder").code == 0


def test_root_source_bare_names_and_what_stays_behind(tmp_path, block):
    src = block(
        "bokeh",
        {
            "postBuild": (
                "jupyter serverextension enable --sys-prefix jupyter_server_proxy\n"
                'mkdir -p "$HOME/site"\n'
                'mv bokehserverextension.py "$HOME/site/"\n'
                'psql -f "$(dirname "$0")/data/seed.sql"\n'
            ),
            "requirements.txt": "bokeh\n",
            "bokehserverextension.py": "def load(): pass\n",
            "data/seed.sql": SEED,
            "index.ipynb": "{}",
            "mypkg/__init__.py": "",
            "README.md": "hi\n",
        },
    )
    result = assert_same_as_alone(tmp_path, [src, block("other", OTHER)])
    out = {f.path for f in result.files}
    assert {"bokeh/bokehserverextension.py", "bokeh/data/seed.sql"} <= out
    assert not {"bokeh/index.ipynb", "bokeh/mypkg/__init__.py", "bokeh/README.md"} & out
    (w,) = [w for w in result.warnings if w.code == "source-files-left-behind"]
    assert "3 file(s) stay behind: README.md, index.ipynb, mypkg/__init__.py" in w.message


# --- conflicts ----------------------------------------------------------------------------------


def test_two_sources_needing_different_files_at_one_path_conflict(tmp_path, block, cli):
    a = block(
        "a", {"binder/postBuild": "#!/bin/sh\npsql -f binder/seed.sql\n", "binder/seed.sql": "a\n"}
    )
    b = block(
        "b",
        {"binder/postBuild": "#!/bin/sh\ncd binder\npsql -f seed.sql\n", "binder/seed.sql": "b\n"},
    )
    result = merge([a, b])
    (c,) = result.conflicts
    assert (c.file, c.key) == ("postBuild", "binder/seed.sql")
    assert [(o.source, o.line) for o in c.sides] == [("a", 2), ("b", 3)]
    out = tmp_path / "out" / "binder"
    r = cli(a, b, "-o", out)
    assert r.code == 1 and "binder/seed.sql" in r.err and not out.exists()
    # the same bytes are no conflict
    c2 = block(
        "c", {"binder/postBuild": "#!/bin/sh\npsql -f binder/seed.sql\n", "binder/seed.sql": "a\n"}
    )
    assert merge([a, c2]).ok
    # --on-conflict last: b's file is there, and b's postBuild finds it
    result = merge([a, b], on_conflict="last")
    assert result.ok and result.file("seed.sql").content == b"b\n"
    run = run_merged(result, tmp_path / "last")
    assert run.build == [("psql", ("-f", "file:b\n"))] * 2


def test_root_files_of_the_same_name_conflict(block):
    a = block("a", {"init_db": "a\n", "binder/postBuild": "#!/bin/sh\nmv init_db /tmp/x\n"})
    b = block("b", {"init_db": "b\n", "binder/start": '#!/bin/sh\ncat init_db\nexec "$@"\n'})
    (c,) = merge([a, b]).conflicts
    assert c.key == "init_db" and [o.source for o in c.sides] == ["a", "b"]
    assert "repository root" in c.reason


@pytest.mark.parametrize(
    "files, file, says",
    [
        (
            {".binder/postBuild": "#!/bin/sh\npip install -r .binder/requirements.txt\n",
             ".binder/requirements.txt": "six\n"},
            ".binder/requirements.txt",
            "does not create a second one (.binder/)",
        ),
        (
            {"binder/postBuild": "#!/bin/sh\ncp \"$(dirname \"$0\")/requirements.txt\" /tmp\n",
             "binder/requirements.txt": "six\n", "binder/environment.yml": "dependencies: [pip]\n"},
            "binder/db/requirements.txt",
            "is merged into the merged directory's own",
        ),
        (
            {"binder/install.R": 'source("helpers.R")\n', "helpers.R": "1\n",
             "binder/runtime.txt": "r-2024-01-01\n", "binder/seed.sql": "x"},
            "helpers.R",
            "install.R runs before postBuild",
        ),
        (
            {"binder/postBuild": "#!/bin/sh\nfor f in binder/*.txt; do psql -f \"$f\"; done\n",
             "binder/a.txt": "a\n"},
            "binder/*.txt",
            "also matches binder/o.txt, binder/other.txt",
        ),
    ],
    ids=["dot-binder", "merged config file", "install.R root file", "wildcard"],
)  # fmt: skip
def test_paths_that_cannot_resolve_are_conflicts(block, files, file, says):
    src = block("db", files)
    result = merge([src, block("other", OTHER)])
    assert not result.ok
    (c,) = [c for c in result.conflicts if c.key == file]
    assert says in c.reason and c.sides[0].source == "db" and c.sides[0].line is not None


def test_reading_the_merged_file_is_one_warning(block):
    post = (
        "#!/bin/sh\ncat binder/requirements.txt\nwc -l binder/requirements.txt\n# binder/seed.sql\n"
    )
    src = block(
        "db", {"binder/postBuild": post, "binder/requirements.txt": "six\n", "binder/seed.sql": "x"}
    )
    result = merge([src, block("other", {**OTHER, "binder/requirements.txt": "numpy\n"})])
    assert result.ok
    (w,) = [w for w in result.warnings if w.code == "script-reads-merged-file"]
    assert w.origins[0].line == 2
    # a path in a comment is not a reference: no copy, no warning
    assert result.file("seed.sql") is None
    assert not [w for w in result.warnings if "seed.sql" in w.message]


@pytest.mark.parametrize(
    "line",
    ['cp -r binder "$HOME/backup"', "ls binder", 'find binder -name "*.sql" | xargs cat',
     "du -sh binder/"],
)  # fmt: skip
def test_whole_binder_dir_is_a_conflict_beside_other_sources(block, line):
    """Merged, binder/ holds every source's files: listing, copying or walking it would see
    the others' too (find binder -name '*.sql' would load their SQL). Alone it is a warning:
    besides its own files the script sees only bindermerge's."""
    src = block("db", {"binder/postBuild": f"#!/bin/sh\n{line}\n", "binder/x.sql": "1"})
    other = block("other", {"binder/seed.sql": "2", "binder/apt.txt": "git\n"})
    (w,) = [w for w in merge([src]).warnings if w.code == "script-uses-whole-binder-dir"]
    assert w.origins[0].line == 2
    result = merge([src, other])
    (c,) = result.conflicts
    assert (c.file, c.key, c.sides[0].line) == ("postBuild", "binder", 2)
    assert "names binder/ as a whole" in c.reason and "binder/db/" in c.reason
    assert not [w for w in result.warnings if w.code == "script-uses-whole-binder-dir"]


@pytest.mark.parametrize(
    "line",
    ["pip install -e .", "python -m pip install .", "pip install --no-deps ./",
     "python3 setup.py develop", 'pip install "$REPO_DIR"', "pip install .[dev]",
     "cd binder && cd .. && pip install ."],
)  # fmt: skip
def test_installing_the_whole_repository_is_a_conflict(block, line):
    """The block's repository does not travel: merged, ``pip install .`` would install the
    merged repository instead (issue 9 item 4)."""
    src = block(
        "tool",
        {
            "binder/postBuild": f"#!/bin/sh\nset -e\n{line}\n",
            "pyproject.toml": '[project]\nname = "tool"\n',
            "setup.py": "",
        },
    )
    (c,) = merge([src]).conflicts
    assert (c.kind, c.file, c.key, c.sides[0].line) == ("postbuild", "postBuild", ".", 3)
    assert "installs tool's whole repository as a Python package" in c.reason


def test_installing_a_folder_of_the_repository_carries_it(block, tmp_path):
    src = block(
        "tool",
        {
            "binder/postBuild": "#!/bin/sh\nset -e\npip install ./pkg -r binder/r.txt\n",
            "binder/r.txt": "six\n",
            "pkg/pyproject.toml": "[project]\n",
        },
    )
    result = merge([src])
    assert result.conflicts == []
    out = tmp_path / "out"
    result.write(out)
    assert (out / ".bindermerge-root" / "tool" / "pkg" / "pyproject.toml").exists()


# --- the generated postBuild --------------------------------------------------------------------


def test_generated_postbuild_with_copies_passes_shellcheck(tmp_path, block):
    src = block(
        "v",
        {".v": "1\n", "d/x y.txt": "2\n", "binder/postBuild": "#!/bin/sh\ncat .v 'd/x y.txt'\n"},
    )
    result = merge([src])
    out = tmp_path / "binder"
    result.write(out)
    text = (out / "postBuild").read_text()
    assert "place v .bindermerge-root/v/.v .v" in text
    assert "place v '.bindermerge-root/v/d/x y.txt' 'd/x y.txt'" in text
    _shellcheck(out / "postBuild")


def _shellcheck(path: Path) -> None:
    subprocess.run(["bash", "-n", str(path)], check=True)
    if SHELLCHECK.exists():
        proc = subprocess.run(
            [str(SHELLCHECK), "--shell=sh", str(path)], capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stdout


# --- the digest covers the root files ------------------------------------------------------------


def test_root_files_enter_the_digest_and_the_fast_check(tmp_path, block):
    src = block("v", {".v": "1\n", "README.md": "a\n", "binder/postBuild": "#!/bin/sh\ncat .v\n"})
    before = open_source(str(src)).digest()
    (src / "README.md").write_text("b\n")  # not used by the scripts: the output cannot change
    assert open_source(str(src)).digest() == before
    out = tmp_path / "binder"
    assert run_process(src, "-o", out).code == 0
    assert run_process(src, "-o", out, "--check").code == 0
    (src / ".v").write_text("2\n")
    assert open_source(str(src)).digest() != before
    from bindermerge.cli import fastcheck

    assert not fastcheck.up_to_date([str(src), "-o", str(out), "--check"])
    assert run_process(src, "-o", out, "--check").code == 1
    # a merge digests the same bytes as the fast path
    opened = open_source(str(src))
    opened.files()
    assert opened.digest() == open_source(str(src)).digest()


def test_fast_check_of_root_files_imports_nothing_heavy(tmp_path, block):
    src = block("v", {".v": "1\n", "binder/postBuild": "#!/usr/bin/env python3\nopen('.v')\n"})
    out = tmp_path / "binder"
    assert run_process(src, "-o", out).code == 0
    code = (
        "import sys\nfrom bindermerge.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
        "heavy = [m for m in ('packaging', 'ruamel', 'typer', 'jinja2', 'rattler',"
        " 'bindermerge.pipeline') if m in sys.modules]\nprint(code, heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(src), "-o", str(out), "--check"],
                          capture_output=True, text=True)  # fmt: skip
    assert proc.stdout.strip() == "0 []", proc.stderr


# --- declarations and laws -----------------------------------------------------------------------


def test_the_placing_kinds_declare_what_they_read():
    for name in ("postbuild", "root_files", "auxiliary"):
        assert set(placement.READS) <= set(registry.BY_NAME[name].reads), name


def test_the_root_files_folder_is_never_a_source_folder():
    from bindermerge.kinds.start import HANDOFF
    from bindermerge.render.layout import RESERVED, ROOT_FILES, source_folders

    assert HANDOFF in RESERVED
    assert ROOT_FILES not in source_folders([ROOT_FILES, "-" + ROOT_FILES[1:]]).values()


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab/.$(){}\"'` \n#=*;&|<>\\~-_0"))),
    st.sampled_from(["shell", "python", "r"]),
)
def test_reading_any_text_never_fails(text, family):
    for ref in paths.scan(text, family):
        assert ref.anchor in (paths.ROOT, paths.SCRIPT) and not ref.path.startswith("/")


def test_scan_spellings():
    def refs(text: str, family: str = "shell") -> list[tuple[str, str]]:
        return [(r.anchor, r.path) for r in paths.scan(text, family)]

    assert refs("cd binder && psql -f seed.sql") == [("root", "binder/seed.sql")]
    assert refs('D=binder; psql -f "$D/x"') == [("root", "binder/x")]
    assert refs('psql -f "$(dirname "$0")/x.sql"') == [("script", "x.sql")]
    assert refs("mv init_db ~/.local/bin") == [("root", "init_db"), ("root", ".local/bin")]
    assert refs("cat <<EOF\nbinder/in_heredoc.txt\nEOF\n") == []
    assert refs("# psql -f binder/x.sql\necho see binder/x.sql") == []
    assert refs("pg_ctl start\nls data") == []  # words of a command, not files
    assert refs('"""binder/doc.json"""\nopen("binder/x.json")', "python") == [
        ("root", "binder/x.json")
    ]
    assert refs('source("binder/p.R")  # "binder/no.R"', "r") == [("root", "binder/p.R")]


def test_existing_examples_keep_their_layout(tmp_path):
    from helpers import EXAMPLES

    result = merge([EXAMPLES / "binder_db", EXAMPLES / "binder_openrefine"])
    assert result.ok and not [w for w in result.warnings if w.code == "source-files-left-behind"]
    assert {f.path for f in result.files} >= {
        "binder_db/seed.sql",
        "binder_openrefine/jupyter_server_config.py",
    }
