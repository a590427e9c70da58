"""``bindermerge stamp`` and ``metadata.binder``: both forms read and written, every other byte
of meaning kept, all-or-nothing writes, ``--check``, and one-line errors for bad notebooks.

Notebooks are written with nbformat; the result is checked with nbformat's own validator.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from helpers import tree_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbformat.v4 import (
    new_code_cell,
    new_markdown_cell,
    new_notebook,
    new_output,
    new_raw_cell,
)

from bindermerge.errors import InputError, OutputError
from bindermerge.links import Environment, environment
from bindermerge.notebooks.document import replace_file
from bindermerge.notebooks.metadata import (
    KEYS,
    BinderMetadata,
    MetadataError,
    binder_fields,
    read_binder,
)
from bindermerge.notebooks.stamp import stamp_notebooks

# a 1x1 PNG
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5E"
    "rkJggg=="
)
ENV = "gh:me/env@main"
STAMPED = {
    "binder_url": "https://mybinder.org",
    "binder_repo": "me/env",
    "binder_ref": "main",
    "environment_url": "https://github.com/me/env/tree/main",
}


def rich_notebook() -> nbformat.NotebookNode:
    """Outputs of every kind, an attachment, a raw cell, nested metadata, multi-line sources."""
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python", "version": "3.11.4"},
        "x-custom": {"nested": [1, 2.5, None, True, "ü"], "empty": {}},
    }
    nb.cells = [
        new_markdown_cell(
            "# Title\n\n![pic](attachment:pic.png)\n", attachments={"pic.png": {"image/png": PNG}}
        ),
        new_code_cell(
            "print('hi')\n1 + 1",
            execution_count=3,
            metadata={"tags": ["keep"], "collapsed": False},
            outputs=[
                new_output("stream", name="stdout", text="hi\nthere\n"),
                new_output(
                    "execute_result",
                    data={"text/plain": "2", "image/png": PNG},
                    metadata={"image/png": {"width": 10}},
                    execution_count=3,
                ),
                new_output("display_data", data={"text/html": "<b>x</b>\n<i>y</i>"}),
                new_output("error", ename="E", evalue="v", traceback=["line 1", "line 2"]),
            ],
        ),
        new_raw_cell("raw\ntext", metadata={"format": "text/x-rst"}),
    ]
    return nb


def write(path: Path, nb: nbformat.NotebookNode) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def without_binder(data: dict) -> dict:
    data = copy.deepcopy(data)
    data["metadata"].pop("binder", None)
    return data


def assert_valid(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(nbformat.validator.iter_validate(data)) == []


# --- stamping -----------------------------------------------------------------------------


def test_stamp_writes_both_forms_and_nothing_else(tmp_path, cli):
    nb = write(tmp_path / "rich.ipynb", rich_notebook())
    before = json.loads(nb.read_text(encoding="utf-8"))
    run = cli("stamp", nb, "--env", ENV)
    assert run.code == 0, run.err
    after = json.loads(nb.read_text(encoding="utf-8"))
    assert after["metadata"]["binder"] == STAMPED
    assert without_binder(after) == before  # outputs, attachments, ids, minor version, all
    assert after["nbformat_minor"] == before["nbformat_minor"] == 5
    assert [c["id"] for c in after["cells"]] == [c["id"] for c in before["cells"]]
    assert_valid(nb)
    # byte for byte what nbformat writes for that notebook
    expected = copy.deepcopy(before)
    expected["metadata"]["binder"] = STAMPED
    assert nb.read_text(encoding="utf-8") == nbformat.writes(nbformat.from_dict(expected)) + "\n"
    assert "stamped 1 notebook(s) with gh:me/env@main" in run.err
    assert run.out == ""


def test_an_older_minor_version_stays_and_gets_no_cell_ids(tmp_path, cli):
    nb = rich_notebook()
    nb.nbformat_minor = 4
    for cell in nb.cells:
        del cell["id"]
    path = write(tmp_path / "old.ipynb", nb)
    before = json.loads(path.read_text(encoding="utf-8"))
    assert cli("stamp", path, "--env", "gl:g/env@v1", "--hub", "https://b.example").code == 0
    after = json.loads(path.read_text(encoding="utf-8"))
    assert after["nbformat_minor"] == 4 and all("id" not in c for c in after["cells"])
    assert without_binder(after) == before
    assert after["metadata"]["binder"] == {
        "binder_url": "https://b.example",
        "binder_repo": "https://gitlab.com/g/env",
        "binder_ref": "v1",
        "environment_url": "https://gitlab.com/g/env/-/tree/v1",
    }
    assert_valid(path)


def test_stamping_twice_changes_nothing_the_second_time(tmp_path, cli):
    nb = write(tmp_path / "a.ipynb", rich_notebook())
    assert cli("stamp", nb, "--env", ENV).code == 0
    once, stat = nb.read_bytes(), nb.stat()
    run = cli("stamp", nb, "--env", ENV)
    assert run.code == 0
    assert nb.read_bytes() == once and nb.stat().st_mtime_ns == stat.st_mtime_ns
    assert "stamped 0 notebook(s) with gh:me/env@main, 1 already were" in run.err


def test_keys_of_others_in_metadata_binder_stay(tmp_path, cli):
    nb = rich_notebook()
    nb.metadata["binder"] = {"binder_ref": "old", "x-note": {"by": "someone"}}
    path = write(tmp_path / "a.ipynb", nb)
    assert cli("stamp", path, "--env", ENV).code == 0
    binder = json.loads(path.read_text(encoding="utf-8"))["metadata"]["binder"]
    assert binder == {**STAMPED, "x-note": {"by": "someone"}}


def test_check_reports_what_differs_and_writes_nothing(tmp_path, cli):
    a = write(tmp_path / "a.ipynb", rich_notebook())
    b = write(tmp_path / "sub" / "b.ipynb", rich_notebook())
    snapshot = tree_bytes(tmp_path)
    run = cli("stamp", a, b, "--env", ENV, "--check")
    assert run.code == 1
    assert tree_bytes(tmp_path) == snapshot
    assert f"{a}: metadata.binder differs: binder_url missing -> 'https://mybinder.org'" in run.err
    assert f"{b}: metadata.binder differs" in run.err
    assert "2 of 2 notebook(s) differ from gh:me/env@main" in run.err

    assert cli("stamp", a, "--env", ENV).code == 0
    run = cli("stamp", a, b, "--env", ENV, "--check")
    assert run.code == 1 and str(a) not in run.err and str(b) in run.err
    assert cli("stamp", a, "--env", ENV, "--check").code == 0
    run = cli("stamp", a, "--env", "gh:me/env@v2", "--check")
    assert run.code == 1
    assert "binder_ref 'main' -> 'v2'" in run.err
    assert "environment_url 'https://github.com/me/env/tree/main' -> " in run.err


def test_one_bad_notebook_leaves_every_notebook_as_it_was(tmp_path, cli):
    good = write(tmp_path / "good.ipynb", rich_notebook())
    bad = tmp_path / "z-bad.ipynb"
    bad.write_text('{"cells": []', encoding="utf-8")
    snapshot = tree_bytes(tmp_path)
    run = cli("stamp", good, bad, "--env", ENV)
    assert run.code == 2
    assert tree_bytes(tmp_path) == snapshot


def test_writes_through_a_symlink_keep_permissions_and_leave_no_temporary_file(tmp_path, cli):
    real = write(tmp_path / "real" / "a.ipynb", rich_notebook())
    real.chmod(0o640)
    link = tmp_path / "a.ipynb"
    link.symlink_to(real)
    assert cli("stamp", link, link, "--env", ENV).code == 0  # the same notebook twice: once
    assert link.is_symlink() and link.resolve() == real
    assert json.loads(real.read_text(encoding="utf-8"))["metadata"]["binder"] == STAMPED
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["a.ipynb"]


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "a.ipynb"
    path.write_bytes(b"saved meanwhile")
    with pytest.raises(OutputError, match="changed while bindermerge was working on it"):
        replace_file(path, b"new", expected=b"as read")
    assert path.read_bytes() == b"saved meanwhile"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ipynb"]


# --- bad notebooks: one line naming the notebook and the key, exit 2 ------------------------


def _notebook_json(**changes: object) -> str:
    """The rich notebook's JSON with ``cells__1__execution_count="a"``-style changes."""
    data = json.loads(nbformat.writes(rich_notebook()))
    for key, value in changes.items():
        *path, last = [int(p) if p.isdigit() else p for p in key.split("__")]
        node = data
        for part in path:
            node = node[part]
        node[last] = value
    return json.dumps(data)


def _duplicate_ids() -> str:
    data = json.loads(nbformat.writes(rich_notebook()))
    data["cells"][2]["id"] = data["cells"][0]["id"]
    return json.dumps(data)


def _missing_id() -> str:
    data = json.loads(nbformat.writes(rich_notebook()))
    del data["cells"][1]["id"]
    return json.dumps(data)


BAD_NOTEBOOKS = [
    ("not json {", "not valid JSON (line 1, column 1): not a notebook"),
    ("[1, 2]", "not a notebook: the JSON is a list, not an object"),
    ('{"cells": []}', "nbformat: missing: not a notebook"),
    ('{"nbformat": "4", "nbformat_minor": 5}', "nbformat: expected an integer, got '4'"),
    ('{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}', "nbformat: version 3 is not"),
    (_notebook_json(cells__1__execution_count="a"), "cells[1].execution_count: 'a' is not"),
    (_notebook_json(metadata="x"), "metadata: 'x' is not of type 'object'"),
    (_duplicate_ids(), "cells[2].id: "),
    (_missing_id(), "cells[1]: 'id' is a required property"),
    (_notebook_json(metadata__binder=[1]), "metadata.binder: expected an object, got a list"),
    (
        _notebook_json(metadata__binder={"binder_ref": 3}),
        "metadata.binder.binder_ref: expected a string, got the number 3",
    ),
    (b"\xff\xfe{}", "not UTF-8 text (byte 0)"),
]


@pytest.mark.parametrize(("content", "message"), BAD_NOTEBOOKS)
def test_bad_notebooks_are_one_line_naming_the_notebook_and_key(tmp_path, cli, content, message):
    path = tmp_path / "bad.ipynb"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    before = path.read_bytes()
    run = cli("stamp", path, "--env", ENV)
    assert run.code == 2
    assert run.err.count("\n") == 1 and "Traceback" not in run.err
    assert run.err.startswith(f"error: {path}: ")
    assert message in run.err
    assert path.read_bytes() == before


def test_missing_files_and_bad_options(tmp_path, cli):
    missing = tmp_path / "nope.ipynb"
    assert cli("stamp", missing, "--env", ENV).err == f"error: {missing}: no such file\n"
    assert cli("stamp", tmp_path, "--env", ENV).err == (
        f"error: {tmp_path}: is a directory, not a notebook\n"
    )
    nb = write(tmp_path / "a.ipynb", rich_notebook())
    run = cli("stamp", nb, "--env", "me/env")
    assert run.code == 2 and run.err.startswith("usage error: --env 'me/env' is not a repository")
    run = cli("stamp", nb, "--env", ENV, "--hub", "mybinder.org")
    assert run.code == 2 and "--hub must be an http:// or https:// URL" in run.err
    assert cli("stamp", nb).code == 2  # --env is required (typer says so)


def test_without_nbformat_stamp_and_link_say_what_to_install(tmp_path):
    nb = write(tmp_path / "a.ipynb", rich_notebook())
    script = (
        "import sys\nsys.modules['nbformat'] = None\n"  # makes `import nbformat` fail
        "from bindermerge.cli import main\nmain(sys.argv[1:])\n"
    )
    for args in (["stamp", str(nb), "--env", ENV], ["link", str(nb)]):
        proc = subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 2, proc.stderr
        assert "pip install 'bindermerge[notebooks]'" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert json.loads(nb.read_text(encoding="utf-8"))["metadata"].get("binder") is None


# --- metadata.binder: both forms ------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "env"),
    [
        ({"binder_repo": "me/env", "binder_ref": "v1"}, Environment("gh", "me/env", "v1")),
        ({"binder_repo": "me/env"}, Environment("gh", "me/env", "HEAD")),
        ({"binder_repo": "https://github.com/me/env.git"}, Environment("gh", "me/env")),
        ({"binder_repo": "https://gitlab.com/g/s/env"}, Environment("gl", "g/s/env")),
        ({"binder_repo": "gl:g/env@x"}, Environment("gl", "g/env", "x")),
        (
            {"binder_repo": "https://git.example/env.git"},
            Environment("git", "https://git.example/env.git"),
        ),
        (
            {"environment_url": "https://github.com/me/env/tree/a/b%C3%BC"},
            Environment("gh", "me/env", "a/bü"),
        ),
        (
            {"environment_url": "https://github.com/me/env/branch/dev"},
            Environment("gh", "me/env", "dev"),
        ),
        ({"environment_url": "https://github.com/me/env"}, Environment("gh", "me/env")),
        (
            {"environment_url": "https://gitlab.com/g/s/env/-/tree/v2"},
            Environment("gl", "g/s/env", "v2"),
        ),
        (
            {"environment_url": "https://git.example/env"},
            Environment("git", "https://git.example/env"),
        ),
        ({"environment_url": "gh:me/env@dev"}, Environment("gh", "me/env", "dev")),
        (
            {
                "binder_repo": "Me/Env",
                "binder_ref": "dev",
                "environment_url": "https://github.com/me/env",
            },
            Environment("gh", "Me/Env", "dev"),
        ),
        (
            {"binder_repo": "me/env", "environment_url": "https://github.com/me/env/tree/dev"},
            Environment("gh", "me/env", "dev"),
        ),
    ],
)
def test_both_forms_of_metadata_binder_are_read(block, env):
    assert read_binder({"binder": {"binder_url": "https://hub.example", **block}}) == (
        BinderMetadata("https://hub.example/", env)
    )


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({}, "metadata.binder: names no environment (binder_repo or environment_url)"),
        ({"binder_ref": "main"}, "metadata.binder.binder_ref: given without binder_repo"),
        ({"binder_repo": "env"}, "metadata.binder.binder_repo: 'env' names no repository"),
        ({"binder_repo": "o/r", "binder_ref": "a b"}, "metadata.binder.binder_ref: 'a b' is not"),
        ({"binder_repo": "o/r", "binder_url": "ftp://x"}, "metadata.binder.binder_url: must be"),
        ({"environment_url": "https://github.com/me"}, "metadata.binder.environment_url: 'https"),
        (
            {"environment_url": "git+file:///x"},
            "metadata.binder.environment_url: 'git+file:///x': a BinderHub cannot",
        ),
        (
            {"binder_repo": "o/r", "environment_url": "https://github.com/o/s"},
            "metadata.binder: binder_repo (o/r) and environment_url (o/s) name different",
        ),
        (
            {"binder_repo": "o/r", "binder_ref": "a", "environment_url": "gh:o/r@b"},
            "metadata.binder: binder_ref (a) and environment_url (b) name different refs",
        ),
    ],
)
def test_metadata_binder_that_names_no_one_environment_is_refused(block, message):
    with pytest.raises(MetadataError) as caught:
        read_binder({"binder": block})
    assert str(caught.value).startswith(message)
    with pytest.raises(MetadataError, match=r"^metadata.binder: missing"):
        read_binder({})


REF_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc", "Cn", "Co", "Cf", "Zs", "Zl", "Zp"),
    blacklist_characters="~^:?*[\\ /",
)
REF_PART = st.text(REF_CHARS, min_size=1, max_size=6).filter(
    lambda p: not p.startswith(".") and not p.endswith((".lock", ".")) and "@{" not in p
)
REFS = (
    st.lists(REF_PART, min_size=1, max_size=3)
    .map("/".join)
    .filter(lambda r: ".." not in r and r != "@" and not r.startswith("-"))
)
ENVIRONMENTS = st.sampled_from(
    ["gh:o/r", "gh:Some-One/repo.name", "gl:g/s/p", "git+https://git.example/t/r.git"]
)


@settings(max_examples=300, deadline=None)
@given(spec=ENVIRONMENTS, ref=REFS, hub=st.sampled_from(["https://mybinder.org", "http://h:81/b"]))
def test_what_stamp_writes_reads_back_as_the_environment_in_either_form(spec, ref, hub):
    env = environment(spec, ref=ref)
    fields = binder_fields(env, hub)
    assert set(fields) == set(KEYS)
    meta = read_binder({"binder": fields})
    assert meta.env == env and meta.hub == read_binder({"binder": {**fields}}).hub
    alone_repo = read_binder({"binder": {k: fields[k] for k in ("binder_repo", "binder_ref")}})
    assert alone_repo.env == env
    alone_url = read_binder({"binder": {"environment_url": fields["environment_url"]}})
    # a generic git server has no address for a ref's tree: that form alone says HEAD
    assert alone_url.env == (env if env.provider != "git" else Environment("git", env.repo))


# --- properties of stamping arbitrary notebooks ---------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
# "x-" keys: the schema constrains some well-known metadata keys (tags, collapsed, kernelspec)
METADATA = st.dictionaries(st.text(max_size=6).map(lambda k: "x-" + k), JSON_VALUES, max_size=3)
SOURCES = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def notebooks(draw: st.DrawFn) -> nbformat.NotebookNode:
    nb = new_notebook(metadata=draw(METADATA))
    for kind in draw(st.lists(st.sampled_from(["code", "markdown", "raw"]), max_size=4)):
        source, metadata = draw(SOURCES), draw(METADATA)
        if kind == "code":
            outputs = [
                new_output("stream", name=draw(st.sampled_from(["stdout", "stderr"])), text=t)
                for t in draw(st.lists(SOURCES, max_size=2))
            ]
            cell = new_code_cell(source, metadata=metadata, outputs=outputs)
        elif kind == "markdown":
            cell = new_markdown_cell(source, metadata=metadata)
        else:
            cell = new_raw_cell(source, metadata=metadata)
        nb.cells.append(cell)
    if draw(st.booleans()):
        nb.metadata["binder"] = {"binder_ref": draw(REFS), "x-other": draw(JSON_VALUES)}
    return nb


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nb=notebooks(), ref=REFS)
def test_stamp_keeps_every_other_field_and_is_idempotent(nb, ref):
    env = environment("gh:me/env", ref=ref)
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "n.ipynb", nb)
        before = json.loads(path.read_text(encoding="utf-8"))
        report = stamp_notebooks([path], env)
        after = json.loads(path.read_text(encoding="utf-8"))
        expected_binder = {
            **before["metadata"].get("binder", {}),
            **binder_fields(env, "https://mybinder.org"),
        }
        assert after["metadata"]["binder"] == expected_binder
        assert without_binder(after) == without_binder(before)
        assert read_binder(after["metadata"]).env == env
        assert_valid(path)
        once = path.read_bytes()
        again = stamp_notebooks([path], env)
        assert path.read_bytes() == once
        assert (again.changed, again.unchanged) == ([], [path])
        assert report.written == (report.changed != [])


def test_stamp_as_a_library_raises_before_writing_anything(tmp_path):
    good = write(tmp_path / "a.ipynb", rich_notebook())
    bad = tmp_path / "b.ipynb"
    bad.write_text("[]", encoding="utf-8")
    before = good.read_bytes()
    with pytest.raises(InputError) as caught:
        stamp_notebooks([good, bad], environment(ENV))
    assert caught.value.path == str(bad)
    assert good.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["a.ipynb", "b.ipynb"]
