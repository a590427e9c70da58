"""What a git source is called, recorded and pinned, without running git: names (readable,
unique, safe as folders), the manifest's records and pins, ``--update`` selection, the digest
of a pinned source."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bindermerge.errors import SourceError, UsageError
from bindermerge.options import UPDATE_ALL, MergeOptions, expand_bare
from bindermerge.output.manifest import Manifest
from bindermerge.render.layout import sanitise, source_folders
from bindermerge.sources.names import unique_names
from bindermerge.sources.open import open_sources
from bindermerge.sources.spellings import parse_git

C1, C2 = "1" * 40, "2" * 40


@pytest.mark.parametrize(
    ("specs", "names"),
    [
        (["gh:me/postgres-binder@v2"], ["postgres-binder"]),
        (["gh:me/postgres-binder", "gh:me/openrefine#binder"], ["postgres-binder", "openrefine"]),
        (["gh:o/r@main", "gh:o/r@dev"], ["r@main", "r@dev"]),
        (["gh:o/r", "gh:o/r@dev"], ["r", "r@dev"]),
        (["gh:o/blocks#db", "gh:o/blocks#mongo"], ["blocks#db", "blocks#mongo"]),
        (["gh:o/b@x#db", "gh:o/b@y#db", "gh:o/b@x#mongo"], ["b@x#db", "b@y", "b@x#mongo"]),
        (["gh:a/r", "gh:b/r"], ["a/r", "b/r"]),
        (["gh:o/r", "gl:o/r"], ["gh:o/r", "gl:o/r"]),
        (["git+https://a.org/x/r.git", "git+https://b.org/x/r.git"],
         ["https://a.org/x/r.git", "https://b.org/x/r.git"]),
        (["gh:o/r", "gh:o/r"], ["r#1", "r#2"]),
    ],
)  # fmt: skip
def test_names_come_from_the_repository(specs, names):
    assert unique_names(specs) == names


def test_a_directory_and_a_repository_of_one_name(tmp_path):
    names = unique_names(["gh:me/db@v1", str(tmp_path / "src" / "db")])
    assert names == ["db@v1", "src/db"]


def test_credentials_never_reach_a_name():
    (name,) = unique_names(["git+https://me:tok@h.org/a/r.git"])
    assert name == "r"
    names = unique_names(["git+https://me:tok@h.org/a/r.git", "git+https://h2.org/a/r.git"])
    assert all("tok" not in n for n in names) and len(set(names)) == 2


refs = st.sampled_from([None, "main", "dev", "v1", "feature/x"])
subdirs = st.sampled_from([None, "db", "blocks/mongo", "binder"])
repos = st.sampled_from(["me/r", "you/r", "me/postgres-binder", "me/q"])
forges = st.sampled_from(["gh", "gl"])


@st.composite
def git_specs(draw: st.DrawFn) -> str:
    spec = f"{draw(forges)}:{draw(repos)}"
    ref, subdir = draw(refs), draw(subdirs)
    return spec + (f"@{ref}" if ref else "") + (f"#{subdir}" if subdir else "")


@given(st.lists(git_specs(), min_size=1, max_size=6, unique=True))
def test_names_are_unique_readable_and_safe_folders(specs):
    names = unique_names(specs)
    assert len(set(names)) == len(names)
    assert all(n.isprintable() for n in names)
    for spec, name in zip(specs, names, strict=True):
        parsed = parse_git(spec)
        others = [parse_git(s) for s in specs if s != spec]
        # the repository's name first; a REF or SUBDIR only when another source needs it
        assert name.startswith(parsed.repo_name) or ":" in name or "/" in name
        if not any(o.repo_name == parsed.repo_name for o in others):
            assert name == parsed.repo_name
    folders = source_folders(names)
    assert len(set(folders.values())) == len(names)
    assert all(f == sanitise(f) and "/" not in f and "\n" not in f for f in folders.values())


# --- records and pins --------------------------------------------------------------------------


@given(
    st.lists(
        st.tuples(git_specs(), st.sampled_from([C1, C2, "abc", "", "G" * 40])),
        max_size=5,
        unique_by=lambda t: t[0],
    )
)
def test_manifest_pins_round_trip(pairs):
    records = [
        {"name": f"s{i}", "kind": "git", "spec": s, "commit": c} for i, (s, c) in enumerate(pairs)
    ]
    records.append({"name": "local", "kind": "local"})
    manifest = Manifest.build(version="x", sources=records, options={}, input_digest="d", files=[])
    again = Manifest.parse(manifest.render())
    assert again.sources == records
    assert again.git_pins() == {s: c for s, c in pairs if c in (C1, C2)}


def test_pinned_sources_open_without_git_and_digest_their_commit():
    (a,) = open_sources(["gh:o/a@main"], pins={"gh:o/a@main": C1}, pinned_only=True)
    assert a.kind == "git" and a.identity == f"git https://github.com/o/a.git {C1} "
    (b,) = open_sources(["gh:o/a@main"], pins={"gh:o/a@main": C1})
    assert a.digest() == b.digest()
    (c,) = open_sources(["gh:o/a@main"], pins={"gh:o/a@main": C2})
    assert c.digest() != a.digest()
    (d,) = open_sources(["gh:o/a@main#sub"], pins={"gh:o/a@main#sub": C1})
    assert d.digest() != a.digest()
    assert a.record() == {
        "name": "a", "kind": "git", "spec": "gh:o/a@main", "commit": C1,
        "url": "https://github.com/o/a.git", "ref": "main", "subdir": "",
    }  # fmt: skip
    with pytest.raises(SourceError, match="has no recorded commit"):
        open_sources(["gh:o/a@dev"], pins={"gh:o/a@main": C1}, pinned_only=True)


def test_update_selects_by_spec_or_name():
    # REFs that are full commits resolve without git: what each source stands for shows
    # whether it kept its pin (C1, C2) or was resolved again (its REF, C3 or C4).
    c3, c4 = "3" * 40, "4" * 40
    specs = [f"gh:o/a@{c3}", f"gh:o/b@{c4}"]
    pins = {specs[0]: C1, specs[1]: C2}

    def commits(*update: str) -> list[str]:
        return [getattr(s, "commit", "") for s in open_sources(specs, pins=pins, update=update)]

    assert commits() == [C1, C2]
    assert commits("a") == [c3, C2]
    assert commits(specs[1]) == [C1, c4]
    assert commits(UPDATE_ALL) == [c3, c4]
    assert commits("a", "b") == [c3, c4]
    with pytest.raises(UsageError, match=r"--update=c names no git source \(the git sources"):
        commits("c")
    with pytest.raises(UsageError, match="there is no git source"):
        open_sources(["."], update=("x",))


def test_update_is_a_flag_with_an_optional_value():
    assert expand_bare(["src", "--update", "-o", "out"]) == ["src", "--update=*", "-o", "out"]
    assert expand_bare(["--update=x", "src"]) == ["--update=x", "src"]
    assert expand_bare(["--name", "--update", "src"]) == ["--name", "--update", "src"]
    assert expand_bare(["src", "--", "--update"]) == ["src", "--", "--update"]
    assert MergeOptions(update=[UPDATE_ALL, "x", "x"]).update == ("*", "x")
    assert MergeOptions(update=["x"]).digest_items() == MergeOptions().digest_items()
