"""Real binder directories from ../shared/corpus: never a traceback, every refusal one line."""

from __future__ import annotations

import itertools

import pytest
from helpers import CORPUS

from bindermerge.errors import InputError
from bindermerge.pipeline import merge

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the checkout"),
]


def corpus_dirs():
    return sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []


def _merge_or_refuse(dirs, tmp_path=None):
    try:
        result = merge(dirs, on_conflict="first")
    except InputError as exc:
        # One line, naming a file of one of the sources given.
        message = str(exc)
        assert "\n" not in message, message
        assert exc.path and any(exc.path.startswith(str(d)) for d in dirs), message
        return None
    names = set(result.sources)
    for c in result.conflicts:
        # Every side is a line of a source that was merged, and the message names it.
        assert len(c.sides) >= 2 and {o.source for o in c.sides} <= names, c
        assert all(o.where() in c.message() for o in c.sides)
    if tmp_path is not None:
        # Written, the output is answered "up to date" by the fast check: the digest the
        # merge recorded is the one the fast path recomputes from these real directories.
        from bindermerge.cli.fastcheck import up_to_date

        out = tmp_path / "out"
        result.write(out, force=True)
        assert up_to_date([*map(str, dirs), "-o", str(out), "--on-conflict", "first", "--check"])
    return result


def test_each_directory_alone():
    dirs = corpus_dirs()
    assert len(dirs) > 50
    merged = sum(_merge_or_refuse([d]) is not None for d in dirs)
    assert merged > len(dirs) // 2


def test_neighbouring_pairs(tmp_path):
    dirs = corpus_dirs()
    written = 0
    for i, (a, b) in enumerate(itertools.pairwise(dirs)):
        written += _merge_or_refuse([a, b], tmp_path / str(i)) is not None
    assert written > len(dirs) // 3
