"""runtime.txt: one value, checked the way repo2docker checks it."""

from __future__ import annotations

import pytest

from bindermerge.errors import InputError
from bindermerge.pipeline import merge


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
