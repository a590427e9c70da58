"""postBuild and start chains, executed for real in a repository laid out as repo2docker does.

The merged directory is written to ``<repo>/binder`` (or ``.binder``) and run the way
repo2docker runs it: ``./binder/postBuild`` from the repository root, ``binder/start CMD ARGS``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from bindermerge._version import __version__
from bindermerge.model import Origin
from bindermerge.pipeline import MergeResult, merge
from bindermerge.scripts import lint as scripts

GOLDEN = Path(__file__).parent / "golden" / "scripts"
SHELLCHECK = shutil.which("shellcheck") or str(Path(sys.executable).parent / "shellcheck")
PY = sys.executable
# A command that prints its arguments and the variables the starts export, as JSON.
SHOW = [
    PY,
    "-c",
    "import json, os, sys; "
    "print(json.dumps([sys.argv[1:], os.environ.get('A'), os.environ.get('B')]))",
]


def build_repo(
    tmp_path: Path, sources: Sequence[Path], binder: str = "binder"
) -> tuple[Path, MergeResult]:
    result = merge(sources)
    assert result.ok, [c.message() for c in result.conflicts]
    repo = tmp_path / "repo"
    repo.mkdir(exist_ok=True)
    result.write(repo / binder)
    return repo, result


def run(repo: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(repo), "LC_ALL": "C.UTF-8"}
    return subprocess.run(list(argv), cwd=repo, env=env, capture_output=True, text=True, timeout=60)


def codes(result: MergeResult) -> list[str]:
    return [w.code for w in result.warnings]


def static_checks(*paths: Path) -> None:
    """The generated scripts parse under bash and pass shellcheck as POSIX sh."""
    for p in paths:
        subprocess.run(["bash", "-n", str(p)], check=True)
        proc = subprocess.run([SHELLCHECK, "--shell=sh", str(p)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout


def appender(label: str, target: str = "order.txt") -> str:
    """A postBuild appending its label and working directory to a file in the working dir."""
    return f'#!/bin/bash\nset -e\necho "{label} $(pwd)" >> {target}\n'


# --- postBuild -----------------------------------------------------------------------------------


def test_postbuild_runs_each_source_in_order_from_the_root(tmp_path, make_source):
    srcs = [make_source(n, {"binder/postBuild": appender(n)}) for n in ("db", "refine", "viz")]
    repo, result = build_repo(tmp_path, srcs)
    proc = run(repo, "./binder/postBuild")
    assert proc.returncode == 0, proc.stderr
    lines = (repo / "order.txt").read_text().splitlines()
    assert lines == [f"{n} {repo}" for n in ("db", "refine", "viz")]
    # A banner per source in the build log, in order.
    banners = [line for line in proc.stdout.splitlines() if line.startswith("=====")]
    assert banners == [
        f"===== bindermerge postBuild {i}/3: {n} ====="
        for i, n in enumerate(("db", "refine", "viz"), 1)
    ]
    for n in ("db", "refine", "viz"):
        f = result.file(f"{n}/postBuild")
        assert f is not None and f.executable
    static_checks(repo / "binder" / "postBuild")


def test_postbuild_in_dot_binder_and_when_called_from_elsewhere(tmp_path, make_source):
    srcs = [
        make_source("a", {"postBuild": appender("a")}),
        make_source("b", {".binder/postBuild": appender("b")}),
    ]
    repo, _ = build_repo(tmp_path, srcs, binder=".binder")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run(
        [str(repo / ".binder" / "postBuild")], cwd=elsewhere, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert (repo / "order.txt").read_text().splitlines() == [f"a {repo}", f"b {repo}"]


def test_python_postbuild_runs_with_its_interpreter(tmp_path, make_source):
    py = (
        f"#!{PY}\nimport os, sys\n"
        "with open('py.txt', 'w') as f:\n    f.write(os.getcwd() + ' ' + sys.executable)\n"
    )
    srcs = [
        make_source("sh", {"binder/postBuild": appender("sh")}),
        make_source("py", {"binder/postBuild": py}),
    ]
    repo, result = build_repo(tmp_path, srcs)
    proc = run(repo, "./binder/postBuild")
    assert proc.returncode == 0, proc.stderr
    assert (repo / "py.txt").read_text() == f"{repo} {PY}"
    assert result.file("py/postBuild").content == py.encode()


def test_postbuild_without_shebang_runs_under_sh_and_bash_syntax_fails_like_dash(
    tmp_path, make_source
):
    if not os.path.realpath("/bin/sh").endswith("dash"):
        pytest.skip("/bin/sh is not dash here")
    posix = make_source("posix", {"binder/postBuild": "echo posix >> order.txt\n"})
    bashy = make_source("bashy", {"binder/postBuild": "arr=(1 2)\necho bashy >> order.txt\n"})
    after = make_source("after", {"binder/postBuild": appender("after")})
    repo, result = build_repo(tmp_path, [posix, bashy, after])
    (warning,) = [w for w in result.warnings if w.code == "postBuild-bashism"]
    assert warning.origins[0].source == "bashy" and warning.origins[0].line == 1
    # repo2docker would run it with /bin/sh: check that this fails here too.
    direct = subprocess.run(
        ["/bin/sh", str(bashy / "binder" / "postBuild")], cwd=tmp_path, capture_output=True
    )
    assert direct.returncode != 0
    proc = run(repo, "./binder/postBuild")
    assert proc.returncode == direct.returncode
    assert (repo / "order.txt").read_text() == "posix\n"
    assert "postBuild of source bashy failed" in proc.stderr


def test_first_failure_stops_with_its_exit_code_naming_the_source(tmp_path, make_source):
    srcs = [
        make_source("ok", {"binder/postBuild": appender("ok")}),
        make_source("broken", {"binder/postBuild": "#!/bin/bash\necho about to fail\nexit 3\n"}),
        make_source("never", {"binder/postBuild": appender("never")}),
    ]
    repo, _ = build_repo(tmp_path, srcs)
    proc = run(repo, "./binder/postBuild")
    assert proc.returncode == 3
    assert "postBuild of source broken failed with exit code 3" in proc.stderr
    assert [line.split()[0] for line in (repo / "order.txt").read_text().splitlines()] == ["ok"]


def test_set_e_exit_and_cd_stay_inside_each_script(tmp_path, make_source):
    # Concatenated, the first script's cd and exit 0 would move or skip the second.
    first = make_source("first", {"binder/postBuild": "#!/bin/bash\nset -e\ncd /\nexit 0\n"})
    second = make_source("second", {"binder/postBuild": appender("second")})
    repo, _ = build_repo(tmp_path, [first, second])
    assert run(repo, "./binder/postBuild").returncode == 0
    assert (repo / "order.txt").read_text() == f"second {repo}\n"


def test_single_postbuild_is_still_chained_next_to_its_files(tmp_path, make_source):
    src = make_source(
        "db",
        {
            "binder/postBuild": '#!/bin/sh\ncp "$(dirname "$0")/seed.sql" .\n',
            "binder/seed.sql": "select 1;\n",
        },
    )
    repo, result = build_repo(tmp_path, [src])
    assert {f.path for f in result.files} >= {"postBuild", "db/postBuild", "db/seed.sql"}
    assert run(repo, "./binder/postBuild").returncode == 0
    assert (repo / "seed.sql").read_text() == "select 1;\n"


def test_script_kept_byte_for_byte_crlf_normalised_and_made_executable(tmp_path, make_source):
    raw = b"#!/bin/bash\r\n# caf\xe9 (latin-1 comment)\r\necho crlf >> order.txt\r\n"
    src = make_source("win", {"binder/postBuild": raw})
    (src / "binder" / "postBuild").chmod(0o644)  # not executable in git
    repo, result = build_repo(tmp_path, [src])
    out = result.file("win/postBuild")
    assert out.content == raw.replace(b"\r\n", b"\n") and out.mode == 0o755
    (w,) = [w for w in result.warnings if w.code == "postBuild-crlf"]
    assert w.origins[0].source == "win"
    assert run(repo, "./binder/postBuild").returncode == 0
    assert (repo / "order.txt").read_text() == "crlf\n"


def test_lost_executable_bit_is_restored_at_run_time(tmp_path, make_source):
    srcs = [
        make_source(
            "a",
            {
                "binder/postBuild": appender("a"),
                "binder/start": '#!/bin/sh\nexport A=1\nexec "$@"\n',
            },
        )
    ]
    repo, _ = build_repo(tmp_path, srcs)
    for name in ("postBuild", "start"):
        (repo / "binder" / "a" / name).chmod(0o644)  # git with core.fileMode=false
    assert run(repo, "./binder/postBuild").returncode == 0
    proc = run(repo, "binder/start", *SHOW)
    assert json.loads(proc.stdout) == [[], "1", None]


# --- start ---------------------------------------------------------------------------------------

START_A = '#!/bin/bash\necho "a $#" >> start.log\nexport A="from a"\nexec "$@"\n'
START_B = '#!/bin/sh\necho "b $A" >> start.log\nexport B="from b"\nexec "$@"\n'
ARGS = ["plain", "with space", 'it\'s "quoted"', "", "$HOME `x` $(y)", "line\nbreak", "*"]


def test_start_chain_passes_arguments_and_exported_variables(tmp_path, make_source):
    srcs = [
        make_source("a", {"binder/start": START_A}),
        make_source("b", {"binder/start": START_B}),
    ]
    repo, result = build_repo(tmp_path, srcs)
    assert not [c for c in codes(result) if c.startswith("start-")]
    proc = run(repo, "binder/start", *SHOW, *ARGS)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [ARGS, "from a", "from b"]
    # a ran first (handing over to the hand-off, with its state and the command as
    # arguments); b saw a's variable.
    assert (repo / "start.log").read_text() == f"a {6 + len(SHOW) + len(ARGS)}\nb from a\n"
    static_checks(repo / "binder" / "start", repo / "binder" / "_start-handoff")


def test_python_start_joins_the_chain(tmp_path, make_source):
    py = f"#!{PY}\nimport os, sys\nos.environ['B'] = 'py'\nos.execvp(sys.argv[1], sys.argv[1:])\n"
    srcs = [make_source("a", {"binder/start": START_A}), make_source("py", {"binder/start": py})]
    repo, result = build_repo(tmp_path, srcs)
    assert not [c for c in codes(result) if c.startswith("start-")]
    proc = run(repo, "binder/start", *SHOW, "x y")
    assert json.loads(proc.stdout) == [["x y"], "from a", "py"]


def test_start_finds_its_auxiliary_files_and_keeps_the_working_directory(tmp_path, make_source):
    start = '#!/bin/sh\nexport A="$(cat "$(dirname "$0")/token.txt") $(pwd)"\nexec "$@"\n'
    repo, _ = build_repo(
        tmp_path, [make_source("tok", {"binder/start": start, "binder/token.txt": "secret\n"})]
    )
    proc = run(repo, "binder/start", *SHOW)
    assert json.loads(proc.stdout) == [[], f"secret {repo}", None]


def test_postbuild_and_start_from_different_sources(tmp_path, make_source):
    srcs = [
        make_source("p", {"binder/postBuild": appender("p")}),
        make_source("s", {"binder/start": START_B}),
    ]
    repo, result = build_repo(tmp_path, srcs)
    assert result.file("p/postBuild") and result.file("s/start") and not result.file("p/start")
    assert run(repo, "./binder/postBuild").returncode == 0
    assert json.loads(run(repo, "binder/start", *SHOW).stdout) == [[], None, "from b"]


# --- hostile source names ------------------------------------------------------------------------

HOSTILE = [
    "x$(touch PWNED)y",
    "a'b",
    "c d",
    "e`touch PWNED2`f",
    'g"h;touch PWNED3',
    "i\ntouch PWNED4",
    "-rf",
    "...",
]


def test_hostile_source_names_inject_nothing(tmp_path, make_source):
    srcs = []
    for i, name in enumerate(HOSTILE):
        srcs.append(
            make_source(
                name,
                {
                    "binder/postBuild": f'#!/bin/sh\necho {i} >> "$HOME/order.txt"\n',
                    "binder/start": f'#!/bin/sh\necho {i} >> "$HOME/start.log"\nexec "$@"\n',
                    "binder/data.txt": f"{i}\n",
                },
            )
        )
    repo, result = build_repo(tmp_path, srcs)
    post, start = repo / "binder" / "postBuild", repo / "binder" / "start"
    handoff = repo / "binder" / "_start-handoff"
    static_checks(post, start, handoff)
    for script in (post, start, handoff):
        for line in script.read_text().splitlines()[1:4]:
            assert line.startswith("#"), line  # the header stays a comment, newline or not
    proc = run(repo, "./binder/postBuild")
    assert proc.returncode == 0, proc.stderr
    proc2 = run(repo, "binder/start", *SHOW, "arg")
    assert proc2.returncode == 0, proc2.stderr
    expected = "".join(f"{i}\n" for i in range(len(HOSTILE)))
    assert (repo / "order.txt").read_text() == expected
    assert (repo / "start.log").read_text() == expected
    assert not list(tmp_path.rglob("PWNED*")) and not list(Path.cwd().glob("PWNED*"))
    # Every source got its own folder, with its files next to its scripts.
    folders = {f.path.split("/")[0] for f in result.files if "/" in f.path}
    assert len(folders) == len(HOSTILE)


# --- golden files --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["postBuild", "start", "_start-handoff"])
def test_generated_script_matches_golden(tmp_path, make_source, name):
    srcs = [
        make_source("binder_db", {"binder/postBuild": appender("db"), "binder/start": START_A}),
        make_source("no shebang", {"binder/postBuild": "echo hi\n", "binder/start": START_B}),
    ]
    _, result = build_repo(tmp_path, srcs)
    text = result.file(name).content.decode().replace(__version__, "VERSION")
    golden = GOLDEN / name
    if os.environ.get("BINDERMERGE_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
    assert text == golden.read_text(), (
        f"regenerate with BINDERMERGE_UPDATE_GOLDEN=1 and review {golden}"
    )


# --- start lint ----------------------------------------------------------------------------------


def lint(text: str) -> list[tuple[str, int | None]]:
    origin = Origin("s", "start", "s/binder/start")
    data = text.encode()
    script = scripts.Script(origin, data, False, False, scripts.read_shebang(data), 0o755)
    return [(f.code, f.origin.line) for f in scripts.lint_start(script)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('#!/bin/bash\nset -e\nexport X=1\nexec "$@"\n# trailing comment\n', []),
        ('#!/bin/bash\nexec tini -- "${@}"\n', []),
        ('#!/bin/bash\nexec "$@" > "$HOME/log" 2>&1\n', []),
        ('#!/bin/bash\nexport X=1 \\\n  Y=2\nexec \\\n  "$@"\n', []),
        ('export X=1\nexec "$@"\n', [("start-no-shebang", 1)]),
        ("#!/bin/bash\njupyter lab\n", [("start-no-exec", 2)]),
        ("#!/bin/bash\n", [("start-no-exec", None)]),
        ('#!/bin/bash\nxvfb-run exec "$@" 2>&1 | tee "$HOME/x.log"\n', [("start-exec-hidden", 2)]),
        ('#!/bin/bash\nexec "$@" | tee log\n', [("start-exec-hidden", 2)]),
        ('#!/bin/bash\nif [ -n "$X" ]; then\n  exec "$@"\nfi\n', [("start-exec-not-last", 3)]),
        # Nothing after an unconditional exec "$@" can run: not reported.
        ('#!/bin/bash\nexec "$@"\necho never\n', []),
        (f"#!{PY}\nimport os, sys\nos.execvp(sys.argv[1], sys.argv[1:])\n", []),
        ("#!/usr/bin/env python3\nprint('hi')\n", [("start-no-exec", None)]),
        ("#!/usr/bin/env perl\nexec @ARGV;\n", []),
    ],
)
def test_start_lint(text, expected):
    assert lint(text) == expected


def test_start_lint_warnings_name_source_and_line(tmp_path, make_source):
    bad = make_source(
        "xvfb", {"binder/start": '#!/bin/bash\nXVFB=1\nxvfb-run exec "$@" 2>&1 | tee log\n'}
    )
    _, result = build_repo(tmp_path, [make_source("ok", {"binder/start": START_A}), bad])
    (w,) = [w for w in result.warnings if w.code.startswith("start-")]
    assert (w.origins[0].source, w.origins[0].line) == ("xvfb", 3)
    assert w.text().startswith(f"{bad}/binder/start:3: ")


@pytest.mark.parametrize(
    "data, interpreter, family",
    [
        (b"#!/bin/bash\n", "bash", "shell"),
        (b"#!/usr/bin/env python3\n", "python3", "python"),
        (b"#!/usr/bin/env -S python3 -u\n", "python3", "python"),
        (b"#! /usr/bin/Rscript\n", "Rscript", "r"),
        (b"#!/usr/bin/perl -w\n", "perl", "other"),
    ],
)
def test_read_shebang(data, interpreter, family):
    shebang = scripts.read_shebang(data)
    assert shebang is not None and (shebang.interpreter, shebang.family) == (interpreter, family)
    assert scripts.read_shebang(b"\xef\xbb\xbf" + data) is None
    assert scripts.read_shebang(b"echo hi\n") is None


# --- paths that move -----------------------------------------------------------------------------


def test_references_to_moved_files_resolve(tmp_path, make_source):
    # Each path resolves in the merged directory (copies where the scripts look), so nothing
    # is left to warn about; tests/test_script_paths.py runs such scripts in a sandbox.
    post = (
        "#!/bin/bash\n"
        "# binder/conf.json in a comment is fine\n"
        "cp binder/conf.json ~/.jupyter/\n"
        'cp "$(dirname "$0")/conf.json" /tmp/\n'
        "cat binder/requirements.txt\n"  # the merged file, only this source's requests
        "cp -r ./binder/data ~/data\n"
    )
    src = make_source(
        "db",
        {
            "binder/postBuild": post,
            "binder/conf.json": "{}",
            "binder/data/a.csv": "1\n",
            "binder/requirements.txt": "six\n",
        },
    )
    _, result = build_repo(tmp_path, [src])
    assert not result.warnings
    assert result.file("conf.json").content == b"{}" == result.file("db/conf.json").content
    assert result.file("data/a.csv").content == b"1\n"


def test_bare_reference_in_a_source_without_binder_dir(tmp_path, make_source):
    start = '#!/bin/bash\nmongod --version $(cat .mongo_version)\nexec "$@"\n'
    src = make_source("mongo", {"start": start, ".mongo_version": "7.0\n"})
    repo, result = build_repo(tmp_path, [src])
    assert not result.warnings
    # the generated postBuild puts it back at the repository root, where start reads it
    assert (
        "place mongo mongo/.mongo_version .mongo_version"
        in result.file("postBuild").content.decode()
    )
    assert run(repo, "./binder/postBuild").returncode == 0
    assert (repo / ".mongo_version").read_text() == "7.0\n"


def test_command_words_are_not_paths(tmp_path, make_source):
    # A source without a binder directory: "start" and "data" are words here, not the files.
    start = '#!/bin/bash\npg_ctl --log="$HOME/pg.log" start\nls data\nexec "$@"\n'
    src = make_source("db", {"start": start, "data/a.csv": "1\n", "seed.sql": "x"})
    _, result = build_repo(tmp_path, [src])
    assert "script-moved-path" not in codes(result)


def test_python_script_gets_python_advice(tmp_path, make_source):
    post = "#!/usr/bin/env python3\nimport shutil\nshutil.copy('.binder/conf.json', '/tmp')\n"
    result = merge([make_source("py", {".binder/postBuild": post, ".binder/conf.json": "{}"})])
    (c,) = result.conflicts  # .binder/ cannot exist beside the merged binder/
    assert "os.path.join(os.path.dirname(__file__), 'conf.json')" in c.reason


@pytest.mark.parametrize(
    "tail",
    ['exec "$@";\n', 'exec "$@"  # hand over; done\n', 'exec "$@"\nexit 0\n'],
)
def test_start_lint_accepts_harmless_endings(make_source, tail):
    from bindermerge.pipeline import merge

    a = make_source("a", {"start": "#!/bin/bash\nexport A=1\n" + tail})
    assert not [w for w in merge([a]).warnings if w.code.startswith("start-")]
