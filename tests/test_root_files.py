"""Files that cannot be merged into a binder directory, and the corpus run of this issue's kinds."""

from __future__ import annotations

import pytest
from helpers import CORPUS

from bindermerge.errors import InputError
from bindermerge.pipeline import merge

PACKAGE_TOML = '[project]\nname = "x"\n\n[build-system]\nrequires = ["hatchling"]\n'


@pytest.mark.parametrize(
    "files, says",
    [
        ({"binder/Pipfile": "[packages]\n"}, "pipenv requirements > requirements.txt"),
        ({"binder/Pipfile.lock": "{}\n"}, "pipenv requirements > requirements.txt"),
        ({"Pipfile": "[packages]\n"}, "pipenv requirements > requirements.txt"),
        ({"setup.py": "from setuptools import setup\n"}, "requirements.txt"),
        ({"pyproject.toml": PACKAGE_TOML}, "requirements.txt"),
        ({"DESCRIPTION": "Package: x\n"}, "install.R"),
        ({"REQUIRE": "julia 0.6\n"}, "Project.toml"),
        ({"pyproject.toml": "[project\n"}, "not valid TOML"),
    ],
)
def test_refusal_is_one_line_naming_file_and_what_to_do(make_source, files, says):
    src = make_source("s", {**files, "requirements.txt": "six\n"})
    with pytest.raises(InputError) as exc:
        merge([src])
    message = str(exc.value)
    assert "\n" not in message and says in message
    assert message.startswith(f"{src}/{next(iter(files))}:")


@pytest.mark.parametrize(
    "name, content",
    [("setup.py", "setup()\n"), ("pyproject.toml", PACKAGE_TOML), ("DESCRIPTION", "Package: x\n")],
)
def test_root_only_files_inside_binder_travel_with_their_source(make_source, name, content):
    src = make_source("s", {f"binder/{name}": content, "binder/requirements.txt": "six\n"})
    result = merge([src])
    assert result.file(f"s/{name}").content == content.encode()
    assert result.file(name) is None


def test_root_pyproject_that_only_chose_python_is_a_warning(make_source):
    src = make_source(
        "s",
        {"pyproject.toml": '[project]\nrequires-python = ">=3.11"\n', "requirements.txt": "six\n"},
    )
    result = merge([src])
    (w,) = [w for w in result.warnings if w.code == "pyproject-requires-python-ignored"]
    assert "runtime.txt" in w.message
    assert result.file("s/pyproject.toml") is not None


def test_root_pyproject_for_tools_only_is_carried_quietly(make_source):
    src = make_source(
        "s", {"pyproject.toml": "[tool.ruff]\nline-length = 100\n", "requirements.txt": "six\n"}
    )
    result = merge([src])
    assert result.file("s/pyproject.toml") is not None
    assert not [w for w in result.warnings if "pyproject" in w.code]


@pytest.mark.repo2docker
def test_repo2docker_reads_the_generated_scripts(tmp_path, make_source):
    from helpers import r2d  # the real repo2docker, a declared test dependency: a missing one fails

    a = make_source("a", {"binder/postBuild": "echo a\n", "binder/start": '#!/bin/sh\nexec "$@"\n'})
    b = make_source(
        "b",
        {
            "binder/postBuild": "#!/bin/bash\necho b\n",
            "binder/install.R": "1\n",
            "binder/runtime.txt": "r-4.3-2024-01-01\n",
        },
    )
    merge([a, b]).write(tmp_path / "repo" / "binder")
    info = r2d.inspect_dir(tmp_path / "repo")
    assert info["error"] is None and info["buildpack"] == "RBuildPack"
    assert {"binder/postBuild", "binder/start", "binder/install.R"} <= set(info["files_used"])


# --- corpus --------------------------------------------------------------------------------------

CORPUS_DIRS = sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
MY_FILES = (
    "REQUIRE",
    "Pipfile",
    "Pipfile.lock",
    "DESCRIPTION",
    "Project.toml",
    "Manifest.toml",
    "install.R",
)


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS_DIRS, reason="../shared/corpus is not beside the checkout")
def test_corpus_directories_with_these_files_merge_or_refuse_in_one_line():
    relevant = [d for d in CORPUS_DIRS if any(f.name in MY_FILES for f in d.rglob("*"))]
    assert relevant
    refused, merged = 0, 0
    for d in relevant:
        try:
            merge([d], on_conflict="first")
            merged += 1
        except InputError as exc:
            message = str(exc)
            assert "\n" not in message and ": " in message and len(message) > 40, message
            refused += 1
    assert merged and refused
    # Every Julia project in the corpus merged with every other: no crash, conflicts explained.
    julia = [d for d in relevant if any(d.rglob("Project.toml"))]
    result = merge(julia, on_conflict="first")
    assert result.file("Project.toml") is not None
    assert all(c.reason for c in result.conflicts)
