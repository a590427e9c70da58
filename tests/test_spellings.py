"""Source spellings: gh:, gl:, git+URL with @REF and #SUBDIR (bindermerge/sources/spellings.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bindermerge.sources.spellings import SpecError, is_git, looks_remote, parse_git


@pytest.mark.parametrize(
    ("spec", "forge", "url", "ref", "subdir", "name"),
    [
        ("gh:o/r", "gh", "https://github.com/o/r.git", None, None, "r"),
        ("gh:o/r.git@main", "gh", "https://github.com/o/r.git", "main", None, "r"),
        ("gh:o/r@feature/x#binder", "gh", "https://github.com/o/r.git", "feature/x", "binder", "r"),
        ("gl:grp/sub/r@v1.0", "gl", "https://gitlab.com/grp/sub/r.git", "v1.0", None, "r"),
        ("git+https://h.org/a/b.git", "git", "https://h.org/a/b.git", None, None, "b"),
        ("git+ssh://git@h.org/a/b.git@v2#x/y", "git", "ssh://git@h.org/a/b.git", "v2", "x/y", "b"),
        ("git+file:///tmp/x/repo@abc123", "git", "file:///tmp/x/repo", "abc123", None, "repo"),
        (
            "git+https://h.org/a/b@dev#subdirectory=blocks/db",
            "git", "https://h.org/a/b", "dev", "blocks/db", "b",
        ),
        ("git+https://h.org/a/b#subdirectory=d&egg=x", "git", "https://h.org/a/b", None, "d", "b"),
    ],
)  # fmt: skip
def test_spellings(spec, forge, url, ref, subdir, name):
    parsed = parse_git(spec)
    assert (parsed.forge, parsed.url, parsed.ref, parsed.subdir) == (forge, url, ref, subdir)
    assert parsed.repo_name == name
    assert parse_git(parsed.canonical()) == parsed


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("gh:onlyowner", "OWNER/REPO"),
        ("gh:a/b/c", "OWNER/REPO"),
        ("gh:o/r@", "nothing after '@'"),
        ("gh:o/r@-upload-pack=x", "not a branch"),
        ("gh:o/r@a..b", "not a branch"),
        ("gh:o/r#../up", "inside the repository"),
        ("gh:o/r x", "no spaces"),
        ("gh:o/r\nx", "no spaces"),
        ("gh:o$/r", "not a repository or owner name"),
        ("git+ftp://h/a", "git+ needs a URL"),
        ("git+https://h/a?x=1", "no query"),
        ("git+https://h/a#subdirectory=a&foo=b", "unknown fragment key"),
        ("git+https://h", "names no repository"),
        ("https://github.com/o/r", "spellings are"),
    ],
)
def test_bad_spellings_say_why(spec, says):
    with pytest.raises(SpecError, match=re.escape(says)):
        parse_git(spec)


def test_telling_spellings_apart():
    assert is_git("gh:o/r") and is_git("git+https://x/y") and not is_git("binder_db")
    assert looks_remote("https://github.com/o/r") and looks_remote("github:o/r")
    assert not looks_remote("./x:y") and not looks_remote("db") and not looks_remote("/abs/p")


_name = st.from_regex(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,10}", fullmatch=True).filter(
    lambda s: s not in (".", "..") and not s.endswith(".git")
)
_ref = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_/-]{0,12}[A-Za-z0-9_]", fullmatch=True).filter(
    lambda s: "//" not in s
)


@given(
    st.sampled_from(["gh", "gl"]),
    _name,
    _name,
    st.none() | _ref,
    st.none() | st.lists(_name, min_size=1, max_size=3).map("/".join),
)
def test_canonical_spelling_round_trips(forge, owner, repo, ref, subdir):
    spec = f"{forge}:{owner}/{repo}" + (f"@{ref}" if ref else "") + (f"#{subdir}" if subdir else "")
    parsed = parse_git(spec)
    assert (parsed.repo_path, parsed.ref, parsed.subdir) == (f"{owner}/{repo}", ref, subdir)
    assert parse_git(parsed.canonical()) == parsed
