"""Known failures of the equivalence tests, named after the item of issue 9 they belong to.

Each is a strict xfail: the day a fix lands, the test passes unexpectedly and fails, telling the
fixer to remove the entry that produced the mark.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

ISSUE = "issue 9"
# The brief's letters for the items being fixed while the harness was written.
ITEMS = {
    "a": "scripts losing the files beside them",
    "b": "starts leaking their working directory into each other",
    "c": "ignored requirements.txt/runtime.txt taking part in the merge",
}


def reason(item: str, why: str) -> str:
    """The xfail reason for ``item`` (a key of ITEMS; "" for a bug issue 9 does not list)."""
    if item:
        return f"{ISSUE} item ({item}) {ITEMS[item]}: {why}"
    return f"not in {ISSUE} (reported with the harness): {why}"


def xfail(reasons: Iterable[str]) -> list[pytest.MarkDecorator]:
    """A strict xfail mark giving every reason, or no mark when there is none."""
    text = "; ".join(reasons)
    return [pytest.mark.xfail(strict=True, reason=text)] if text else []
