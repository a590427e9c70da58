"""The merged start chain, run for real: each start as it ran alone, the command as it ran alone.

Each test writes sources, merges them into ``<repo>/binder`` and runs ``binder/start PROBE ARGS``
from the repository root, as repo2docker's entrypoint does (``Popen([start, *CMD])``, no
shell). PROBE is a small Python program that records its arguments, working directory,
environment, process id and standard input as JSON. The chain runs under dash (``/bin/sh``
here) and again with every ``/bin/sh`` of the generated scripts replaced by bash.

"Alone" is measured, not assumed: the same start run alone (``<repo>/binder/start`` being that
source's own start) with the same probe.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bindermerge.kinds.start import HANDOFF
from bindermerge.model import Origin
from bindermerge.pipeline import MergeResult, merge
from bindermerge.scripts import lint as scripts

SHELLCHECK = shutil.which("shellcheck") or str(Path(sys.executable).parent / "shellcheck")
BASH = shutil.which("bash") or "/bin/bash"
PY = sys.executable
SHELLS = ["dash", "bash"]
# Variables a shell sets for itself: they say nothing about what a start exported.
SHELL_OWN = {"PWD", "OLDPWD", "SHLVL", "_"}
ARGS = [
    "plain",
    "with space",
    'it\'s "quoted"',
    "",
    "$HOME `x` $(y) ${z}",
    "line\nbreak",
    "*",
    "-n",
    "--",
    "tab\there",
    "ünïcödé",
]

PROBE_SOURCE = """\
import json, os, sys
record = {
    "argv": sys.argv[1:],
    "cwd": os.getcwd(),
    "env": dict(os.environ),
    "pid": os.getpid(),
    "stdin": sys.stdin.read() if os.environ.get("PROBE_STDIN") else None,
}
sys.stdout.write(json.dumps(record))
"""

# Waits for SIGTERM: tells the test it is ready, then exits 0 when the signal arrives.
TERM_PROBE_SOURCE = """\
import os, signal, sys, time
def done(signum, frame):
    open("term.txt", "w").write("TERM %d" % os.getpid())
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
open("ready.txt", "w").write(str(os.getpid()))
time.sleep(60)
sys.exit(5)
"""


# --- the sandbox ---------------------------------------------------------------------------------


class Sandbox:
    """A repository with a merged (or a single source's) binder/ and a probe command."""

    def __init__(self, root: Path, shell: str) -> None:
        self.root = root
        self.repo = root / "repo"
        self.home = root / "home"
        self.shell = shell
        self.home.mkdir(parents=True, exist_ok=True)
        self.probe = root / "probe.py"
        self.probe.write_text(PROBE_SOURCE)
        (root / "term_probe.py").write_text(TERM_PROBE_SOURCE)

    def install(self, result: MergeResult) -> Path:
        assert result.ok, [c.message() for c in result.conflicts]
        if self.repo.exists():
            shutil.rmtree(self.repo)
        self.repo.mkdir(parents=True)
        binder = self.repo / "binder"
        result.write(binder)
        if self.shell == "bash":
            for name in ("start", HANDOFF):
                p = binder / name
                p.write_text(p.read_text().replace("/bin/sh", BASH))
        return binder

    def install_alone(self, start: str, files: Mapping[str, str] | None = None) -> None:
        """The repository as repo2docker saw one source alone: its own binder/start."""
        if self.repo.exists():
            shutil.rmtree(self.repo)
        binder = self.repo / "binder"
        binder.mkdir(parents=True)
        for rel, text in (files or {}).items():
            (self.repo / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.repo / rel).write_text(text)
        (binder / "start").write_text(start)
        (binder / "start").chmod(0o755)

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        return {
            "PATH": os.environ["PATH"],
            "HOME": str(self.home),
            "LC_ALL": "C.UTF-8",
            **(extra or {}),
        }

    def run(
        self,
        *args: str,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        stdin: str = "",
    ) -> subprocess.CompletedProcess[str]:
        """``binder/start PY probe.py ARGS`` from the repository root (or ``cwd``)."""
        start = self.repo / "binder" / "start" if cwd else Path("binder/start")
        return subprocess.run(
            [str(start), PY, str(self.probe), *args],
            cwd=cwd or self.repo,
            env=self.env(env),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def record(self, proc: subprocess.CompletedProcess[str]) -> dict[str, object]:
        assert proc.returncode == 0, proc.stderr
        record: dict[str, object] = json.loads(proc.stdout)
        return record


@pytest.fixture(params=SHELLS)
def box(request: pytest.FixtureRequest, tmp_path: Path) -> Sandbox:
    return Sandbox(tmp_path / "box", request.param)


def starts(make_source, specs: Sequence[tuple[str, str]], extra=None) -> list[Path]:
    """One source per (name, start text), each with binder/start and any extra files."""
    extra = extra or {}
    return [make_source(n, {"binder/start": t, **extra.get(n, {})}) for n, t in specs]


def bindermerge_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("bindermerge: ")]


def exported(record: Mapping[str, object], base: Mapping[str, str]) -> dict[str, str | None]:
    """What the starts changed in the command's environment: set (value) or removed (None)."""
    env = record["env"]
    assert isinstance(env, dict)
    changed: dict[str, str | None] = {
        k: v for k, v in env.items() if k not in SHELL_OWN and base.get(k) != v
    }
    changed.update({k: None for k in base if k not in env and k not in SHELL_OWN})
    return changed


def shellcheck(*paths: Path) -> None:
    for p in paths:
        proc = subprocess.run([SHELLCHECK, "--shell=sh", str(p)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout
        subprocess.run(["dash", "-n", str(p)], check=True)
        subprocess.run(["bash", "-n", str(p)], check=True)


# --- working directories -------------------------------------------------------------------------

MONGO = (
    '#!/bin/sh\nexport MONGO_VERSION="$(cat .mongo_version)"\npwd > "$HOME/mongo.cwd"\nexec "$@"\n'
)


def test_a_cd_in_one_start_does_not_move_the_next(box, make_source):
    mover = '#!/bin/bash\ncd /\nexport MOVED=1\nexec "$@"\n'
    srcs = starts(make_source, [("mover", mover), ("mongo", MONGO)])
    box.install(merge(srcs))
    (box.repo / ".mongo_version").write_text("7.0\n")
    record = box.record(box.run("x"))
    # mongo began in the repository root and found its file there, as it did alone...
    assert (box.home / "mongo.cwd").read_text().strip() == str(box.repo)
    assert record["env"]["MONGO_VERSION"] == "7.0"  # type: ignore[index]
    # ...and the command runs where the start that moved left it, as it did alone.
    assert record["cwd"] == "/"
    box.install_alone(mover)
    assert box.record(box.run("x"))["cwd"] == "/"


def test_each_start_begins_in_the_containers_working_directory(box, make_source):
    # JupyterHub may start the container elsewhere than REPO_DIR: each start begins there.
    log = '#!/bin/sh\npwd >> "$HOME/cwd.log"\ncd /tmp\nexec "$@"\n'
    back = '#!/bin/sh\npwd >> "$HOME/cwd.log"\nexec "$@"\n'
    box.install(merge(starts(make_source, [("a", log), ("b", back)])))
    elsewhere = box.root / "work dir"
    elsewhere.mkdir()
    record = box.record(box.run("x", cwd=elsewhere))
    assert (box.home / "cwd.log").read_text().splitlines() == [str(elsewhere)] * 2
    assert record["cwd"] == "/tmp"


def test_starts_that_move_to_the_same_place_agree(box, make_source):
    a = '#!/bin/bash\ncd "$HOME"\nexec "$@"\n'
    b = '#!/bin/sh\ncd ~/ || exit 1\nexec "$@"\n'
    result = merge(starts(make_source, [("a", a), ("b", b)]))
    assert not result.conflicts and "start-cd-may-differ" not in [w.code for w in result.warnings]
    box.install(result)
    record = box.record(box.run())
    assert record["cwd"] == str(box.home)


def test_starts_moving_to_different_places_stop_the_container_naming_both(box, make_source):
    # Where they go depends on the run: a warning at merge time, an error at run time.
    a = '#!/bin/bash\ncd "$A_DIR"\nexec "$@"\n'
    b = '#!/bin/sh\ncd "$B_DIR"\nexec "$@"\n'
    result = merge(starts(make_source, [("first one", a), ("second", b)]))
    (w,) = [w for w in result.warnings if w.code == "start-cd-may-differ"]
    assert [(o.source, o.line) for o in w.origins] == [("first one", 2), ("second", 2)]
    box.install(result)
    one, two = box.root / "one", box.root / "two"
    one.mkdir()
    two.mkdir()
    proc = box.run(env={"A_DIR": str(one), "B_DIR": str(two)})
    assert proc.returncode == 1 and proc.stdout == ""  # the command never ran
    last = bindermerge_lines(proc.stderr)[-1]
    assert "source first one" in last and "source second" in last
    assert str(one) in last and str(two) in last
    # The same directory through another path is the same directory.
    (box.root / "link").symlink_to(one)
    proc = box.run(env={"A_DIR": str(one), "B_DIR": str(box.root / "link")})
    assert box.record(proc)["cwd"] == str(one)


def test_known_different_directories_are_a_merge_conflict(make_source):
    a = '#!/bin/bash\ncd /srv/app\nexec "$@"\n'
    b = (
        "#!/usr/bin/env python3\nimport os, sys\n"
        'os.chdir("/data")\nos.execvp(sys.argv[1], sys.argv[1:])\n'
    )
    result = merge(starts(make_source, [("a", a), ("b", b)]))
    assert not result.ok
    (c,) = result.conflicts
    assert c.key == "working directory"
    assert [(o.source, o.line) for o in c.sides] == [("a", 2), ("b", 3)]


@pytest.mark.parametrize("policy, winner", [("first", "one"), ("last", "two")])
def test_on_conflict_picks_the_directory_at_run_time_too(box, make_source, policy, winner):
    a = '#!/bin/bash\ncd "$HOME/one"\nexec "$@"\n'
    b = '#!/bin/sh\ncd ~/two\nexec "$@"\n'
    (box.home / "one").mkdir()
    (box.home / "two").mkdir()
    result = merge(starts(make_source, [("a", a), ("b", b)]), on_conflict=policy)
    (c,) = result.conflicts
    assert c.resolved and c.resolution.source == ("a" if policy == "first" else "b")
    box.install(result)
    proc = box.run()
    assert box.record(proc)["cwd"] == str(box.home / winner)
    assert f"--on-conflict {policy}" in proc.stderr


def test_a_start_that_moves_and_comes_back_does_not_move_the_command(box, make_source):
    a = '#!/bin/bash\ncd /tmp\ntouch "$HOME/a-was-here"\ncd - >/dev/null\nexec "$@"\n'
    b = '#!/bin/bash\ncd /\nexec "$@"\n'
    result = merge(starts(make_source, [("a", a), ("b", b)]))
    assert not result.conflicts and not [w for w in result.warnings if "cd" in w.code]
    box.install(result)
    assert box.record(box.run())["cwd"] == "/"


# --- variables and arguments ---------------------------------------------------------------------

EXPORTER_A = (
    "#!/bin/bash\n"
    'export A="from a"\n'
    'export SHARED="a"\n'
    "export MULTI='line one\nline two'\n"
    "unset DROPPED\n"
    'exec "$@"\n'
)
EXPORTER_B = (
    '#!/bin/sh\nexport B="from b saw ${A:-nothing}"\nexport SHARED="${SHARED}+b"\nexec "$@"\n'
)


def test_exported_variables_flow_down_the_chain_as_each_start_alone_would_set_them(
    box, make_source
):
    srcs = starts(make_source, [("a", EXPORTER_A), ("b", EXPORTER_B)])
    given = {"DROPPED": "here before", "KEPT": "untouched"}
    base = box.env(given)
    box.install(merge(srcs))
    merged = exported(box.record(box.run(env=given)), base)
    assert merged == {
        "A": "from a",
        "B": "from b saw from a",
        "SHARED": "a+b",
        "MULTI": "line one\nline two",
        "DROPPED": None,
    }
    # Alone, each would have set its own part; merged, b sees what a set before it.
    box.install_alone(EXPORTER_A)
    alone_a = exported(box.record(box.run(env=given)), base)
    box.install_alone(EXPORTER_B)
    alone_b = exported(box.record(box.run(env=given)), base)
    assert {k: v for k, v in merged.items() if k not in ("B", "SHARED")} == {
        k: v for k, v in alone_a.items() if k != "SHARED"
    }
    assert alone_b["B"] == "from b saw nothing" and alone_b["SHARED"] == "+b"
    # The chain's own state never reaches the environment.
    env = box.record(box.run())["env"]
    assert not [k for k in env if k.lower().startswith("bindermerge")]  # type: ignore[union-attr]


def test_the_commands_arguments_and_stdin_arrive_intact(box, make_source):
    srcs = starts(make_source, [("a", EXPORTER_A), ("b", EXPORTER_B)])
    box.install(merge(srcs))
    record = box.record(box.run(*ARGS, env={"PROBE_STDIN": "1"}, stdin="to the server\n"))
    assert record["argv"] == ARGS
    assert record["stdin"] == "to the server\n"
    box.install_alone(EXPORTER_A)
    assert box.record(box.run(*ARGS))["argv"] == ARGS


def test_arguments_a_start_adds_reach_the_command(box, make_source):
    # `exec "$@" --flag` alone appended to the command; merged it still does.
    a = '#!/bin/bash\nexec "$@" --from-a\n'
    b = '#!/bin/sh\nexec env FROM_B=1 "$@" "--from b"\n'
    box.install(merge(starts(make_source, [("a", a), ("b", b)])))
    record = box.record(box.run("x y"))
    # a ran first: its flag comes right after the command, b's after that.
    assert record["argv"] == ["x y", "--from-a", "--from b"]
    assert record["env"]["FROM_B"] == "1"  # type: ignore[index]


def test_the_command_keeps_the_process_id_and_gets_signals_directly(box, make_source):
    wrapper = '#!/bin/bash\nexport W=1\nexec env WRAPPED=1 "$@"\n'
    srcs = starts(make_source, [("a", EXPORTER_A), ("wrap", wrapper), ("b", EXPORTER_B)])
    box.install(merge(srcs))
    proc = subprocess.Popen(
        ["binder/start", PY, str(box.probe)],
        cwd=box.repo,
        env=box.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert json.loads(out)["pid"] == proc.pid  # every step replaced the process

    # SIGTERM to the process the container started reaches the server itself.
    term = subprocess.Popen(
        ["binder/start", PY, str(box.root / "term_probe.py")],
        cwd=box.repo,
        env=box.env(),
        stderr=subprocess.PIPE,
        text=True,
    )
    ready = box.repo / "ready.txt"
    deadline = time.monotonic() + 30
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.read_text() == str(term.pid)
    term.send_signal(signal.SIGTERM)
    assert term.wait(timeout=30) == 0
    assert (box.repo / "term.txt").read_text() == f"TERM {term.pid}"


# --- failures ------------------------------------------------------------------------------------


def test_a_failing_start_is_named_and_its_exit_status_kept(box, make_source):
    ok = '#!/bin/sh\necho ok >> "$HOME/ran.log"\nexec "$@"\n'
    broken = '#!/bin/bash\necho "db did not start" >&2\nexit 3\nexec "$@"\n'
    never = '#!/bin/sh\necho never >> "$HOME/ran.log"\nexec "$@"\n'
    box.install(merge(starts(make_source, [("ok", ok), ("broken db", broken), ("after", never)])))
    proc = box.run()
    assert proc.returncode == 3 and proc.stdout == ""
    assert (box.home / "ran.log").read_text() == "ok\n"
    lines = bindermerge_lines(proc.stderr)
    assert lines[-1].startswith("bindermerge: start 2/3, of source broken db: running")
    assert "this start failed" in lines[-1]
    # Its own message follows the line naming it.
    assert proc.stderr.rstrip().endswith("db did not start")
    box.install_alone(broken)
    assert box.run().returncode == 3


def test_a_start_killed_by_a_signal_ends_the_container_the_same_way(box, make_source):
    killed = '#!/bin/sh\nkill -TERM $$\nexec "$@"\n'
    box.install(merge(starts(make_source, [("a", EXPORTER_A), ("killed", killed)])))
    merged = box.run()
    box.install_alone(killed)
    assert merged.returncode == box.run().returncode == -signal.SIGTERM
    assert "source killed: running" in bindermerge_lines(merged.stderr)[-1]


def test_a_start_that_mangles_its_arguments_is_named(box, make_source):
    shifty = '#!/bin/bash\nshift 2\nexec "$@"\n'
    box.install(merge(starts(make_source, [("shifty", shifty), ("b", EXPORTER_B)])))
    proc = box.run()
    assert proc.returncode != 0 and proc.stdout == ""
    assert "source shifty: running" in bindermerge_lines(proc.stderr)[-1]
    # The hand-off refuses state it cannot read rather than run the wrong start.
    handoff = box.repo / "binder" / HANDOFF
    for bad in (["1", str(box.repo), "x", "-", "true"], ["1", str(box.repo)]):
        proc = subprocess.run(["sh", str(handoff), *bad], capture_output=True, text=True)
        assert proc.returncode == 1 and proc.stderr.startswith("bindermerge: _start-handoff ")


# --- starts that never hand over -----------------------------------------------------------------

OWN_SERVER = (
    "#!/bin/bash\n"
    "# runs its own server instead of the command\n"
    'printf "%s\\n" "$@" > "$HOME/own.args"\n'
    'printf "%s|%s|%s\\n" "$A" "$B" "$(pwd)" > "$HOME/own.env"\n'
)


def test_a_start_that_never_hands_over_runs_last_with_the_command(box, make_source):
    srcs = starts(make_source, [("own", OWN_SERVER), ("a", EXPORTER_A), ("b", EXPORTER_B)])
    result = merge(srcs)
    assert "start-no-exec" in [w.code for w in result.warnings]
    box.install(result)
    proc = box.run("--ip", "0.0.0.0", "with space")
    assert proc.returncode == 0 and proc.stdout == ""  # the probe never ran
    # It got the command as its arguments, as it did alone, after the others ran.
    assert (box.home / "own.args").read_text().splitlines() == [
        PY,
        str(box.probe),
        "--ip",
        "0.0.0.0",
        "with space",
    ]
    assert (box.home / "own.env").read_text() == f"from a|from b saw from a|{box.repo}\n"
    assert "source own: running its own server" in bindermerge_lines(proc.stderr)[-1]


def test_two_starts_that_never_hand_over_are_a_conflict(box, make_source):
    other = '#!/usr/bin/env python3\nimport subprocess\nsubprocess.run(["true"])\n'
    specs = [("own", OWN_SERVER), ("a", EXPORTER_A), ("other", other)]
    result = merge(starts(make_source, specs))
    assert not result.ok
    (c,) = result.conflicts
    assert (c.key, [o.source for o in c.sides]) == ("hand-off", ["own", "other"])
    kept = merge(starts(make_source, specs), on_conflict="first")
    assert kept.ok and kept.file("own/start") and not kept.file("other/start")
    box.install(kept)
    assert box.run("cmd").returncode == 0
    assert (box.home / "own.args").read_text() == f"{PY}\n{box.probe}\ncmd\n"


# --- the generated scripts -----------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["fail", "first", "last"])
def test_generated_scripts_pass_shellcheck(tmp_path, make_source, policy):
    specs = [
        ("x$(touch PWNED)y", EXPORTER_A),
        ("no shebang", 'export N=1\nexec "$@"\n'),
        ("a'b", OWN_SERVER),
    ]
    result = merge(starts(make_source, specs), on_conflict=policy)
    out = tmp_path / "out"
    result.write(out)
    shellcheck(out / "start", out / HANDOFF)
    assert not (out / HANDOFF).stat().st_mode & 0o111  # run through /bin/sh: no +x needed
    assert not list(tmp_path.rglob("PWNED*"))


def test_a_start_without_shebang_runs_under_sh(box, make_source):
    if box.shell == "dash" and not os.path.realpath("/bin/sh").endswith("dash"):
        pytest.skip("/bin/sh is not dash here")
    plain = 'export N="$(pwd)"\nexec "$@"\n'
    result = merge(starts(make_source, [("plain", plain), ("b", EXPORTER_B)]))
    assert "start-no-shebang" in [w.code for w in result.warnings]
    box.install(result)
    assert box.record(box.run())["env"]["N"] == str(box.repo)  # type: ignore[index]


# --- how a start hands over, read from its text --------------------------------------------------


def handoff(text: str) -> tuple[str, int | None]:
    h = scripts.shell_handoff(text)
    return h.status, (h.command.line if h.command else None)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('exec "$@"\n', ("always", 1)),
        ('exec "$@"\nexit 0\n', ("always", 1)),
        ('exec "$@"\ntrap "echo bye" EXIT\n', ("always", 1)),
        ('exec "$@"\ncleanup() {\n  rm -rf /tmp/x\n}\n', ("always", 1)),
        ('exec "$@"\n# done\n\n', ("always", 1)),
        ('exec "$@"\necho never runs\n', ("always", 1)),
        ('main() {\n  export X=1\n  exec "$@"\n}\nmain "$@"\n', ("always", 5)),
        ('f() { exec "$@"; }\ng() { f "$@"; }\ng "$@"\n', ("always", 3)),
        ('{ export X=1; exec "$@"; }\n', ("always", 1)),
        ('exec "$@" || exit 1\n', ("always", 1)),
        ('exec tini -- "${@}" 2>&1 >"$HOME/log"\n', ("always", 1)),
        ('cat <<EOF\nfi\n}\nEOF\nexec "$@"\n', ("always", 5)),
        ('if [ -n "$X" ]; then\n  exec "$@"\nfi\n', ("conditional", 2)),
        ('[ -n "$X" ] && exec "$@"\n', ("conditional", 1)),
        ('case "$1" in\n  *) exec "$@" ;;\nesac\n', ("conditional", 2)),
        ('main() {\n  [ -n "$X" ] && exec "$@"\n}\nmain "$@"\n', ("conditional", 2)),
        ('main() {\n  exec "$@"\n}\necho no call\n', ("never-called", 2)),
        ('exec "$@" | tee log\n', ("child", 1)),
        ('( exec "$@" )\n', ("child", 1)),
        ('exec "$@" &\nwait\n', ("child", 1)),
        ('xvfb-run exec "$@" 2>&1 | tee log\n', ("child", 1)),
        ('"$@"\n', ("child", 1)),
        ("echo 'exec \"$@\"'\njupyter lab\n", ("none", 2)),
        ("exec $@\n", ("always", 1)),
        ("", ("none", None)),
    ],
)
def test_shell_handoff(text, expected):
    assert handoff(text) == expected


def lint(text: str) -> list[str]:
    origin = Origin("s", "start", "s/binder/start")
    data = text.encode()
    script = scripts.Script(origin, data, False, False, scripts.read_shebang(data), 0o755)
    return [f.code for f in scripts.lint_start(script)]


@pytest.mark.parametrize(
    "tail",
    [
        "exit 0\n",
        "exit\n",
        "trap cleanup EXIT\n",
        "cleanup() {\n  rm -f /tmp/x\n}\n",
        "# the end\n",
        "echo this never runs\n",
    ],
)
def test_nothing_after_an_unconditional_handoff_is_reported(tail):
    assert lint('#!/bin/bash\nexport A=1\nexec "$@"\n' + tail) == []


def test_unquoted_handoff_and_uncalled_function_are_reported():
    assert lint("#!/bin/sh\nexec $@\n") == ["start-exec-unquoted"]
    assert lint('#!/bin/sh\nmain() { exec "$@"; }\n') == ["start-no-exec"]


def directory(text: str, shebang: str = "#!/bin/bash\n") -> tuple[int, str | None] | None:
    origin = Origin("s", "start", "s/binder/start")
    data = (shebang + text).encode()
    script = scripts.Script(origin, data, False, False, scripts.read_shebang(data), 0o755)
    change = scripts.directory_change(script)
    return None if change is None else (change.origin.line or 0, change.target)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('export X=1\nexec "$@"\n', None),
        ('cd /srv/app/\nexec "$@"\n', (2, "/srv/app")),
        ('cd "$HOME/work"\nexec "$@"\n', (2, "~/work")),
        ('cd\nexec "$@"\n', (2, "~")),
        ('cd data || exit 1\nexec "$@"\n', (2, "./data")),
        ('cd "$DIR"\nexec "$@"\n', (2, None)),
        ('cd /tmp\nmake\ncd -\nexec "$@"\n', None),
        ('pushd /tmp\npopd\nexec "$@"\n', None),
        ('(cd /tmp && make)\nexec "$@"\n', None),
        ('exec "$@"\ncd /never\n', None),
        ('main() {\n  cd /srv\n  exec "$@"\n}\nmain "$@"\n', (3, "/srv")),
        ('helper() { cd /x; }\nexec "$@"\n', None),
    ],
)
def test_directory_change(text, expected):
    assert directory(text) == expected


def test_python_directory_change():
    py = "#!/usr/bin/env python3\n"
    assert directory("import os\nos.chdir('/data')\n", py) == (3, "/data")
    assert directory("import os\nos.chdir(os.environ['D'])\n", py) == (3, None)


# --- laws ----------------------------------------------------------------------------------------

ARGUMENT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(args=st.lists(ARGUMENT, max_size=6))
def test_any_arguments_arrive_intact(tmp_path_factory, make_source, args):
    box = Sandbox(tmp_path_factory.mktemp("box"), "dash")
    box.install(merge(starts(make_source, [("a", EXPORTER_A), ("b", EXPORTER_B)])))
    assert box.record(box.run(*args))["argv"] == args


PIECES = [*"ab $@\"'`(){};|&<>#\\\n\t=-", "exec ", "if ", "then ", "fi", "case ", " in "]
PIECES += ["esac", "do ", "done", "<<EOF\n", "EOF", "cd ", "f() ", '"$@"', "$(", "${"]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_reading_any_script_never_fails(text):
    # The lint reads whatever a source holds: it must answer, never raise.
    status = scripts.shell_handoff(text).status
    assert status in ("always", "conditional", "never-called", "child", "none")
    lint("#!/bin/sh\n" + text)
    directory(text)
