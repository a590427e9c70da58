"""Laws of the whole merge, checked on generated sources with hypothesis."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from helpers import write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bindermerge.pipeline import merge

names = st.sampled_from(["numpy", "pandas", "scipy", "Requests", "attrs", "click"])
specs = st.sampled_from(["", ">=1.0", "<3", "==2.0", "!=1.5", "~=1.2", ">=1.1,<2", ">0.9"])
extras = st.sampled_from(["", "[socks]", "[a,b]"])
markers = st.sampled_from(["", ' ; python_version >= "3.8"'])
req_lines = st.builds(lambda n, e, s, m: f"{n}{e}{s}{m}", names, extras, specs, markers)
# Every version the specs above mention, and versions just around and between them.
PROBES = [
    "0.5",
    "0.9",
    "0.95",
    "1.0",
    "1.0.1",
    "1.1",
    "1.15",
    "1.2",
    "1.2.5",
    "1.4",
    "1.5",
    "1.5.1",
    "1.9",
    "2.0",
    "2.0.1",
    "2.5",
    "2.9",
    "3.0",
    "3.1",
]
apt_tokens = st.sampled_from(["git", "htop", "vim", "curl", "libpq-dev", "libfoo=1.0", "zsh"])


@st.composite
def source_files(draw) -> dict[str, str]:
    files = {}
    if draw(st.booleans()):
        files["apt.txt"] = (
            "\n".join(
                " ".join(draw(st.lists(apt_tokens, min_size=1, max_size=3)))
                for _ in range(draw(st.integers(1, 3)))
            )
            + "\n"
        )
    files["requirements.txt"] = "\n".join(draw(st.lists(req_lines, min_size=1, max_size=6))) + "\n"
    return files


def semantic(result) -> dict[str, list[str]]:
    """Output without headers and provenance comments: what repo2docker and pip act on."""
    out = {}
    for f in result.files:
        lines = [re.sub(r"  # from .*$", "", x) for x in f.content.decode().splitlines()]
        out[f.path] = [x for x in lines if x and not x.startswith("# ")]
    return out


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(source_files())
def test_merging_a_source_with_itself_changes_nothing(files):
    with tempfile.TemporaryDirectory() as tmp:
        a = write_tree(Path(tmp) / "x" / "src", files)
        b = Path(tmp) / "y" / "src"
        shutil.copytree(a, b)
        alone = merge([a], on_conflict="first")
        twice = merge([a, b], on_conflict="first")
        assert alone.ok == twice.ok
        assert semantic(alone) == semantic(twice)
        # A copy of a source adds no conflict of its own: the same files and keys conflict.
        assert {(c.file, c.key) for c in twice.conflicts} == {
            (c.file, c.key) for c in alone.conflicts
        }


@settings(max_examples=40, deadline=None)
@given(source_files(), source_files())
def test_a_conflict_free_merge_admits_what_both_admit(f1, f2):
    """Every requirement line of the merge is at least as strict as each input's line."""
    from packaging.requirements import Requirement
    from packaging.version import Version

    with tempfile.TemporaryDirectory() as tmp:
        a = write_tree(Path(tmp) / "a", f1)
        b = write_tree(Path(tmp) / "b", f2)
        result = merge([a, b])
        inputs = [Requirement(x) for f in (f1, f2) for x in f["requirements.txt"].splitlines()]
        if not result.ok:
            # A conflict is real: no version satisfies every side of it.
            for c in result.conflicts:
                sides = [Requirement(o.text) for o in c.sides]
                assert not any(
                    all(r.specifier.contains(Version(p), prereleases=True) for r in sides)
                    for p in PROBES
                ), c.message()
            return
        merged = [Requirement(x) for x in semantic(result)["requirements.txt"]]
        for probe in PROBES:
            v = Version(probe)
            for m in merged:
                same = [
                    r for r in inputs if r.name.lower() == m.name.lower() and r.marker == m.marker
                ]
                assert same
                assert m.specifier.contains(v, prereleases=True) == all(
                    r.specifier.contains(v, prereleases=True) for r in same
                )
