"""Real binder directories from ../shared/corpus: never a traceback, every refusal one line."""

from __future__ import annotations

import itertools

import pytest

from bindermerge.errors import InputError
from bindermerge.pipeline import merge
from conftest import CORPUS

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the checkout"),
]


def corpus_dirs():
    return sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []


def _merge_or_refuse(dirs):
    try:
        result = merge(dirs, on_conflict="first")
    except InputError as exc:
        message = str(exc)
        assert "\n" not in message and message.strip()
        return None
    for c in result.conflicts:
        assert c.sides and c.reason
    return result


def test_each_directory_alone():
    dirs = corpus_dirs()
    assert len(dirs) > 50
    merged = sum(_merge_or_refuse([d]) is not None for d in dirs)
    assert merged > len(dirs) // 2


def test_neighbouring_pairs():
    dirs = corpus_dirs()
    for a, b in itertools.pairwise(dirs):
        _merge_or_refuse([a, b])
