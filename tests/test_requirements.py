"""requirements.txt: the requirement engine on real pip syntax."""

from __future__ import annotations

import pytest

from bindermerge.errors import InputError
from bindermerge.pipeline import merge


def lines(result, name="requirements.txt") -> list[str]:
    text = result.file(name).content.decode()
    return [line for line in text.splitlines() if not line.startswith("# ")]


def test_intersection_by_canonical_name(make_source):
    a = make_source("a", {"requirements.txt": "NumPy>=1.20\nrequests\n"})
    b = make_source("b", {"requirements.txt": "numpy<2,>=1.22\nRequests[socks]>=2\n"})
    result = merge([a, b])
    assert result.ok
    assert lines(result) == ["NumPy>=1.22,<2  # from a, b", "requests[socks]>=2  # from a, b"]


@pytest.mark.parametrize(
    "left,right",
    [
        ("numpy==1.21.0", "numpy>=1.22"),
        ("numpy<1", "numpy>=2"),
        ("x~=1.4.2", "x>=1.5"),
        ("x==1.0", "x!=1.0"),
    ],
)
def test_empty_intersections_conflict(make_source, left, right):
    a = make_source("a", {"requirements.txt": f"pandas\n{left}\n"})
    b = make_source("b", {"requirements.txt": f"{right}\n"})
    result = merge([a, b])
    assert not result.ok
    (c,) = result.conflicts
    assert c.kind == "requirements" and c.file == "requirements.txt"
    assert [(o.source, o.file, o.line) for o in c.sides] == [
        ("a", "requirements.txt", 2),
        ("b", "requirements.txt", 1),
    ]
    assert "no version" in c.reason


def test_conflict_first_and_last(make_source):
    a = make_source("a", {"requirements.txt": "numpy==1.21.0\n"})
    b = make_source("b", {"requirements.txt": "numpy>=1.22\n"})
    assert lines(merge([a, b], on_conflict="first")) == ["numpy==1.21.0  # from a, b"]
    assert lines(merge([a, b], on_conflict="last")) == ["numpy>=1.22  # from a, b"]


def test_redundant_bounds_dropped(make_source):
    a = make_source("a", {"requirements.txt": "x>=1.0,<3\n"})
    b = make_source("b", {"requirements.txt": "x>=1.5,<=2.5\n"})
    c = make_source("c", {"requirements.txt": "x==2.0\n"})
    assert lines(merge([a, b])) == ["x>=1.5,<=2.5  # from a, b"]
    assert lines(merge([a, b, c])) == ["x==2.0  # from a, b, c"]


def test_markers(make_source):
    a = make_source(
        "a",
        {
            "requirements.txt": 'pywin32 ; sys_platform == "win32"\n'
            'tomli>=1 ; python_version < "3.11"\n'
        },
    )
    b = make_source("b", {"requirements.txt": "tomli>=2 ; python_version < '3.11'\ntomli\n"})
    assert lines(merge([a, b])) == [
        'pywin32 ; sys_platform == "win32"  # from a',
        'tomli>=2 ; python_version < "3.11"  # from a, b',
        "tomli  # from b",
    ]


def test_direct_references(make_source):
    a = make_source("a", {"requirements.txt": "lib @ https://example.org/lib-1.0.tar.gz\n"})
    b = make_source("b", {"requirements.txt": "lib @ https://example.org/lib-2.0.tar.gz\n"})
    c = make_source("c", {"requirements.txt": "lib @ https://example.org/lib-1.0.tar.gz\nlib>=1\n"})
    (conflict,) = merge([a, b]).conflicts
    assert conflict.reason == "different direct references"
    result = merge([a, c])
    assert result.ok and lines(result) == ["lib @ https://example.org/lib-1.0.tar.gz  # from a, c"]
    assert any(w.code == "pip-url-and-version" for w in result.warnings)


def test_vcs_urls(make_source):
    a = make_source(
        "a",
        {
            "requirements.txt": "-e git+https://example.org/x.git#egg=xpkg\ngit+https://example.org/y.git\n"
        },
    )
    b = make_source("b", {"requirements.txt": "git+https://example.org/y.git\n"})
    assert lines(merge([a, b])) == [
        "-e git+https://example.org/x.git#egg=xpkg  # from a",
        "git+https://example.org/y.git  # from a, b",
    ]


def test_options(make_source):
    a = make_source(
        "a",
        {
            "requirements.txt": "--index-url https://pypi.example/simple\n--extra-index-url https://x/simple\n--pre\nnumpy\n"
        },
    )
    b = make_source(
        "b",
        {
            "requirements.txt": (
                "-i https://pypi.example/simple\n--extra-index-url=https://x/simple\n"
                "--find-links https://wheels/\n--pre\n"
            )
        },
    )
    result = merge([a, b])
    assert result.ok
    assert lines(result) == [
        "--index-url https://pypi.example/simple  # from a, b",
        "--extra-index-url https://x/simple  # from a, b",
        "--pre  # from a, b",
        "--find-links https://wheels/  # from b",
        "numpy  # from a",
    ]
    c = make_source("c", {"requirements.txt": "--index-url https://other/simple\n"})
    (conflict,) = merge([a, c]).conflicts
    assert conflict.key == "--index-url"


def test_includes_relative_to_including_file(make_source):
    a = make_source(
        "a",
        {
            "requirements.txt": "-r reqs/base.txt\nrich\n",
            "reqs/base.txt": "-r more.txt\nclick>=8\n",
            "reqs/more.txt": "attrs\n",
        },
    )
    result = merge([a])
    assert lines(result) == ["attrs  # from a", "click>=8  # from a", "rich  # from a"]
    # Inlined files are not carried over as auxiliary files.
    assert [f.path for f in result.files] == ["requirements.txt"]


def test_include_cycle_and_escape(make_source):
    a = make_source("a", {"requirements.txt": "-r b.txt\n", "b.txt": "-r requirements.txt\n"})
    with pytest.raises(InputError, match="include cycle"):
        merge([a])
    b = make_source("b", {"requirements.txt": "x\n-r ../../etc/passwd\n"})
    with pytest.raises(InputError) as info:
        merge([b])
    assert str(info.value).startswith(f"{b}/requirements.txt:2:") and "leaves the source" in str(
        info.value
    )
    c = make_source("c", {"requirements.txt": "-r missing.txt\n"})
    with pytest.raises(InputError, match="does not exist"):
        merge([c])


def test_includes_pip_accepts_inside_the_source_as_given(make_source, tmp_path):
    # pip resolves -r ../x beside the including file and -r file:x from its working
    # directory, the repository root under repo2docker: both reach the root's base.txt.
    for spelled in ("../base.txt", "file:base.txt"):
        repo = make_source(
            f"r{len(spelled)}",
            {"binder/requirements.txt": f"-r {spelled}\nrich\n", "base.txt": "click>=8\n"},
        )
        result = merge([repo])
        assert lines(result) == ["click>=8  # from " + repo.name, "rich  # from " + repo.name]
        assert [f.path for f in result.files] == ["requirements.txt"]  # inlined, not carried
        # the root file is an input: editing it makes --check stale (it is in the digest)
        before = merge([repo]).input_digest
        (repo / "base.txt").write_text("click>=9\n")
        assert merge([repo]).input_digest != before
    # a root-layout source: file:x is the source's own file
    flat = make_source("flat", {"requirements.txt": "-r file:more.txt\n", "more.txt": "attrs\n"})
    assert lines(merge([flat])) == ["attrs  # from flat"]
    # still refused: above the repository, absolute file: URLs
    for spelled in ("../../etc/passwd", "file:///etc/passwd", "file:../x"):
        bad = make_source("bad", {"binder/requirements.txt": f"-r {spelled}\n"})
        with pytest.raises(InputError, match="leaves the source"):
            merge([bad])


def test_constraints(make_source):
    a = make_source("a", {"requirements.txt": "-c pins.txt\nnumpy\n", "pins.txt": "numpy<2\n"})
    b = make_source("b", {"requirements.txt": "scipy\n"})
    result = merge([a, b])
    assert lines(result) == ["-c constraints.txt", "numpy  # from a", "scipy  # from b"]
    assert lines(result, "constraints.txt") == ["numpy<2  # from a"]
    c = make_source("c", {"requirements.txt": "numpy>=2.1\n"})
    (conflict,) = merge([a, c]).conflicts
    assert "constraint" in conflict.reason


def test_local_paths_are_reported_not_emitted(make_source):
    a = make_source("a", {"requirements.txt": "-e .\n./vendored/pkg\nnumpy\n--editable .[extra]\n"})
    result = merge([a])
    assert lines(result) == ["numpy  # from a"]
    warned = [w for w in result.warnings if w.code == "pip-local-path"]
    assert [w.origins[0].line for w in warned] == [1, 2, 4]


def test_continuations_comments_and_hashes(make_source):
    a = make_source(
        "a", {"requirements.txt": "# top\nrequests>=2 \\\n    --hash=sha256:abc  # pinned\n"}
    )
    result = merge([a])
    assert lines(result) == ["requests>=2 --hash=sha256:abc  # from a; pinned"]


def test_comments_are_kept_beside_the_provenance(make_source):
    a = make_source(
        "a",
        {
            "requirements.txt": "# header of the file\n\n# pandas 2 broke the reports\n"
            "pandas<2  # pinned for reports\nnumpy\n"
        },
    )
    b = make_source("b", {"requirements.txt": "pandas>=1.5  # b needs 1.5\n# dangling\n"})
    text = merge([a, b]).file("requirements.txt").content.decode()
    body = text.split("\n")[2:]
    assert body == [
        "# pandas 2 broke the reports",
        "pandas>=1.5,<2  # from a, b; pinned for reports; b needs 1.5",
        "numpy  # from a",
        "",
    ]


@pytest.mark.parametrize("line", ["numpy>=>1", "--no-such-option", "[extra]"])
def test_invalid_lines_name_file_and_line(make_source, line):
    a = make_source("a", {"requirements.txt": f"pandas\n\n{line}\n"})
    with pytest.raises(InputError) as info:
        merge([a])
    assert str(info.value).startswith(f"{a}/requirements.txt:3: ")
    assert "\n" not in str(info.value)


def test_local_version_pins_agree(make_source):
    a = make_source("a", {"requirements.txt": "torch==2.1.0+cpu\n"})
    b = make_source("b", {"requirements.txt": "torch==2.1.0\n"})
    result = merge([a, b])
    assert result.ok, [c.message() for c in result.conflicts]


def test_marked_and_unmarked_lines_are_checked_together(make_source):
    a = make_source("a", {"requirements.txt": 'alpha>=1 ; python_version > "3"\n'})
    b = make_source("b", {"requirements.txt": "alpha<1\n"})
    (conflict,) = merge([a, b]).conflicts
    assert conflict.key == "alpha" and "where" in conflict.reason


def test_policy_keeps_the_winner_and_every_compatible_bound(make_source):
    a = make_source("a", {"requirements.txt": "numpy>=2\n"})
    b = make_source("b", {"requirements.txt": "numpy<2\n"})
    c = make_source("c", {"requirements.txt": "numpy!=2.0.1\n"})
    assert lines(merge([a, b, c], on_conflict="first")) == ["numpy>=2,!=2.0.1  # from a, b, c"]
    assert lines(merge([a, b, c], on_conflict="last")) == ["numpy<2,!=2.0.1  # from a, b, c"]


def test_partial_hashes_are_dropped_with_a_warning(make_source):
    a = make_source("a", {"requirements.txt": "alpha==1.0 \\\n    --hash=sha256:abc\n"})
    b = make_source("b", {"requirements.txt": "beta\n"})
    result = merge([a, b])
    assert lines(result) == ["alpha==1.0  # from a", "beta  # from b"]
    assert any(w.code == "pip-hashes-dropped" for w in result.warnings)
    assert lines(merge([a])) == ["alpha==1.0 --hash=sha256:abc  # from a"]


def test_index_url_of_one_source_is_reported(make_source):
    a = make_source(
        "a", {"requirements.txt": "--index-url https://download.example/whl/cpu\ntorch\n"}
    )
    b = make_source("b", {"requirements.txt": "pandas\n"})
    (w,) = [w for w in merge([a, b]).warnings if w.code == "pip-index-replaced"]
    assert "packages of b" in w.message and w.origins[0].line == 1


def test_unclosed_quote_in_line_options_is_an_input_error(make_source):
    a = make_source("a", {"requirements.txt": 'numpy --hash "x\n'})
    with pytest.raises(InputError, match="requirements.txt:1: cannot split"):
        merge([a])


def test_requirements3_is_merged_where_repo2docker_reads_it(make_source, tmp_path):
    """Beside a legacy Python kernel repo2docker installs requirements3.txt into the notebook
    server's environment: merged, it stays at the top of binder/ (not in a source's folder),
    and the real repo2docker uses it; beside a modern Python it is ignored, and said so."""
    from helpers.r2d import inspect_dir

    py2 = make_source("py2", {"runtime.txt": "python-2.7\n", "requirements.txt": "numpy\n",
                              "requirements3.txt": "nbgitpuller\n"})  # fmt: skip
    tools = make_source("tools", {"requirements3.txt": "jupyter-server-proxy\n"})
    result = merge([py2, tools])
    assert result.ok, result.conflicts
    text = result.file("requirements3.txt").content.decode()
    assert "nbgitpuller  # from py2" in text and "jupyter-server-proxy  # from tools" in text
    repo = tmp_path / "repo"
    result.write(repo / "binder")
    info = inspect_dir(repo)
    assert "binder/requirements3.txt" in info["files_used"]
    modern = merge([make_source("modern", {"requirements3.txt": "nbgitpuller\n"})])
    assert [w.code for w in modern.warnings] == ["repo2docker-ignores"]
