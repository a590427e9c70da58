"""runtime.txt: one value, checked the way repo2docker checks it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bindermerge.errors import InputError, ParseError
from bindermerge.pipeline import merge
from bindermerge.repo2docker.runtime import InvalidRuntime, parse_runtime


@pytest.mark.parametrize("value", ["python-3.11", "python-3", "r-2023-01-15", "r-4.3-2023-01-15"])
def test_valid_values_are_kept_without_header(make_source, value):
    a = make_source("a", {"runtime.txt": value + "\n"})
    b = make_source("b", {"runtime.txt": value + "\r\n"})
    result = merge([a, b])
    assert result.ok
    assert result.file("runtime.txt").content == (value + "\n").encode()


@pytest.mark.parametrize(
    "value,why",
    [
        ("python-3.12.1", "X.Y"),
        ("r-2017-06-01", "2018-12-07"),
        ("r-4.1", "snapshot date"),
        ("julia-1.9", "understands"),
        ("python", "repo2docker rejects"),
        ("", "empty"),
        ("r-2023-13-45", "invalid date"),
    ],
)
def test_values_repo2docker_rejects(make_source, value, why):
    a = make_source("a", {"runtime.txt": value})
    with pytest.raises(InputError) as info:
        merge([a])
    assert str(info.value).startswith(f"{a}/runtime.txt")
    assert why in str(info.value)


def test_different_pythons_conflict(make_source):
    a = make_source("a", {"runtime.txt": "python-3.10"})
    b = make_source("b", {"runtime.txt": "python-3.11"})
    c = make_source("c", {"runtime.txt": "python-3.10"})
    result = merge([a, b, c])
    (conflict,) = result.conflicts
    assert [o.source for o in conflict.sides] == ["a", "b"]
    assert conflict.reason == "different versions"
    last = merge([a, b, c], on_conflict="last")
    assert last.file("runtime.txt").content == b"python-3.11\n"


def test_python_and_r_conflict(make_source):
    a = make_source("a", {"runtime.txt": "python-3.10"})
    b = make_source("b", {"runtime.txt": "r-2023-01-15"})
    (conflict,) = merge([a, b]).conflicts
    assert conflict.reason == "different runtimes"


# --- one parser: the kind reads runtime.txt with bindermerge.repo2docker.runtime ------------------


@pytest.mark.parametrize("value", ["python", "r-2023-13-45", "r-2023-W01-1", "", "python-3\nr-x"])
def test_values_of_no_runtime_shape_are_parse_errors(make_source, value):
    with pytest.raises(ParseError):
        merge([make_source("a", {"runtime.txt": value})])


@pytest.mark.parametrize("value", ["julia-1.9", "r-4.1", "r-2017-06-01"])
def test_values_repo2docker_parses_but_rejects_are_input_errors(make_source, value):
    with pytest.raises(InputError) as info:
        merge([make_source("a", {"runtime.txt": value})])
    assert not isinstance(info.value, ParseError)


def test_date_read_as_repo2docker_reads_it(make_source):
    """datetime.fromisoformat, as repo2docker: a time after the date is accepted and dropped."""
    result = merge([make_source("a", {"runtime.txt": "r-2023-01-01T00"})])
    assert result.ok and result.file("runtime.txt").content == b"r-2023-01-01T00\n"


RUNTIME_PARTS = ["python", "r", "julia", "3", "3.11", "4.3", "2023", "01", "13", "W01", "1",
                 "01T00", "", "2023-01-01", " ", "\n", "\r"]  # fmt: skip


@pytest.mark.repo2docker
@settings(max_examples=400, derandomize=True, deadline=None, database=None)
@given(st.lists(st.sampled_from(RUNTIME_PARTS), max_size=6).map("-".join) | st.text(max_size=12))
def test_parser_agrees_with_repo2docker(text: str) -> None:
    from repo2docker.buildpacks.base import BaseImage

    with tempfile.TemporaryDirectory() as d:
        Path(d, "runtime.txt").write_text(text, encoding="utf-8", newline="")
        old = os.getcwd()
        os.chdir(d)  # BaseImage.runtime reads runtime.txt relative to the working directory
        try:
            expected = BaseImage(base_image="x").runtime
        except ValueError:
            expected = None
        finally:
            os.chdir(old)
    try:
        rt = parse_runtime(text)
        got = (rt.name, rt.version, rt.date)
    except InvalidRuntime:
        got = None
    assert got == expected, repr(text)


def test_a_legacy_python_and_another_sources_server_extension_in_requirements_conflict(
    make_source,
):
    """runtime.txt python-2.7 from one source sends the merged requirements.txt into the
    kernel's own environment: the other source's jupyter-server-proxy, beside the notebook
    server when built alone, would never be loaded (issue 9 item 6, requirements.txt path)."""
    legacy = make_source("legacy", {"runtime.txt": "python-2.7\n"})
    proxy = make_source("proxy", {"requirements.txt": "jupyter-server-proxy\nnumpy\n"})
    result = merge([legacy, proxy])
    (c,) = result.conflicts
    assert (c.kind, c.file, c.key) == ("runtime", "runtime.txt", "python")
    assert [o.source for o in c.sides] == ["legacy", "proxy"]
    assert "jupyter-server-proxy" in c.reason and "numpy" not in c.reason
    # The package's side wins: no runtime.txt, repo2docker's default Python keeps one
    # environment; the pin's side wins: the legacy Python, as asked.
    last = merge([legacy, proxy], on_conflict="last")
    assert "runtime.txt" not in {f.path for f in last.files}
    first = merge([legacy, proxy], on_conflict="first")
    assert first.file("runtime.txt") is not None
    # A source whose own Python was legacy had its packages in the kernel's environment alone.
    own = make_source("own", {"runtime.txt": "python-3.6\n", "requirements.txt": "nbgitpuller\n"})
    assert merge([own]).conflicts == []
