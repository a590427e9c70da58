"""Sources: which directory is read, and what is refused before anything is parsed."""

from __future__ import annotations

import os

import pytest

from bindermerge.errors import InputError, UsageError
from bindermerge.pipeline import load_sources, merge
from bindermerge.sources.names import unique_names
from bindermerge.sources.open import open_source


def test_binder_dir_order(make_source):
    root = make_source("repo", {"apt.txt": "vim\n", "binder/apt.txt": "git\n"})
    assert open_source(str(root)).config_dir == str(root / "binder")
    dot = make_source("dot", {"apt.txt": "vim\n", ".binder/apt.txt": "htop\n"})
    assert open_source(str(dot)).config_dir == str(dot / ".binder")
    plain = make_source("plain", {"apt.txt": "vim\n"})
    assert open_source(str(plain)).config_dir == str(plain)


def test_both_binder_dirs_is_an_error(make_source):
    root = make_source("both", {"binder/apt.txt": "git\n", ".binder/apt.txt": "git\n"})
    with pytest.raises(InputError, match=r"both \.binder/ and binder/"):
        open_source(str(root))


def test_missing_source(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        open_source(str(tmp_path / "nope"))


def test_symlink_outside_is_refused(make_source, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret\n")
    root = make_source("evil", {"apt.txt": "git\n"})
    os.symlink(secret, root / "leak.txt")
    with pytest.raises(InputError) as info:
        merge([root])
    assert "leak.txt" in str(info.value) and "outside" in str(info.value)


def test_symlinked_binder_dir_outside_is_refused(make_source, tmp_path):
    elsewhere = make_source("elsewhere", {"apt.txt": "git\n"})
    root = make_source("linked", {})
    os.symlink(elsewhere, root / "binder")
    with pytest.raises(InputError, match="outside"):
        merge([root])


def test_symlink_inside_is_read(make_source):
    root = make_source("ok", {"apt-real.txt": "git\n"})
    os.symlink("apt-real.txt", root / "apt.txt")
    result = merge([root])
    assert b"git" in result.file("apt.txt").content


def test_bom_and_crlf_are_normalised(make_source):
    root = make_source("win", {"apt.txt": b"\xef\xbb\xbfgit\r\nhtop\r\n"})
    body = merge([root]).file("apt.txt").content
    assert b"\r" not in body and b"\xef\xbb\xbf" not in body
    assert b"git  # from win\nhtop  # from win\n" in body


def test_non_utf8_names_file_and_line(make_source):
    root = make_source("latin", {"apt.txt": b"git\nvim\ncaf\xe9\n"})
    with pytest.raises(InputError) as info:
        merge([root])
    assert str(info.value).startswith(f"{root}/apt.txt:3: not UTF-8")


@pytest.mark.parametrize("name", ["Dockerfile", "default.nix"])
def test_verbatim_buildpacks_cannot_be_merged(make_source, name):
    root = make_source("docker", {"binder/" + name: "FROM scratch\n", "binder/apt.txt": "git\n"})
    with pytest.raises(InputError) as info:
        merge([root])
    assert f"binder/{name}" in str(info.value)
    assert "ignore" in str(info.value)


def test_unique_names():
    # a binder folder is named after its repository
    assert unique_names(["a/binder", "b/.binder", "c"]) == ["a", "b", "c"]
    assert unique_names(["p/db/binder", "q/db"]) == ["p/db", "q/db"]
    assert unique_names(["x", "x"]) == ["x#1", "x#2"]
    # Unicode letters survive, composed (NFC) whatever the file system handed over
    assert unique_names(["donne\u0301es", "données-2"]) == ["données", "données-2"]


def test_load_sources_needs_one():
    with pytest.raises(UsageError, match="no sources"):
        load_sources([])


def test_vcs_dirs_are_skipped(make_source):
    root = make_source("vcs", {"apt.txt": "git\n", ".git/config": "[core]\n"})
    result = merge([root])
    assert not any(".git" in f.path for f in result.files)


def test_file_names_that_are_not_utf8(make_source, tmp_path):
    a = make_source("bytes", {"binder/apt.txt": "git\n"})
    (a / "binder" / os.fsdecode(b"\xff.sql")).write_text("select 1;\n")
    out = tmp_path / "binder"
    result = merge([a])
    result.write(out)
    assert (out / "bytes" / os.fsdecode(b"\xff.sql")).read_text() == "select 1;\n"


def test_binder_dir_is_told_from_the_real_directory(make_source, monkeypatch):
    repo = make_source("repo", {"binder/setup.py": "from setuptools import setup\nsetup()\n"})
    by_path = merge([repo / "binder"])
    monkeypatch.chdir(repo / "binder")
    from_inside = merge(["."])
    assert [f.content for f in by_path.files] == [f.content for f in from_inside.files]


@pytest.mark.parametrize(
    "dockerfile,onbuild",
    [
        ("FROM pangeo/pangeo-notebook-onbuild:2024.01.01\n", True),
        ("# just the base\nFROM pangeo/base-image:2023.05.18\n\n", True),
        ("FROM --platform=linux/amd64 pangeo/ml-notebook-onbuild:latest\n", True),
        ("FROM pangeo/pangeo-notebook:2024.01.01\nRUN pip install eofs\n", False),
        ("FROM pangeo/base-notebook-onbuild:x AS build\nFROM scratch\n", False),
        ("FROM python:3.11\n", False),
    ],
)
def test_a_dockerfile_that_only_picks_an_onbuild_image_gets_its_own_advice(
    make_source, dockerfile, onbuild
):
    from bindermerge.errors import RefusedFileError

    src = make_source("p", {"binder/Dockerfile": dockerfile, "binder/environment.yml": "{}\n"})
    with pytest.raises(RefusedFileError) as info:
        merge([src])
    message = str(info.value)
    assert "\n" not in message
    assert ("ONBUILD steps" in message) is onbuild
    assert ("port its steps" in message) is not onbuild
