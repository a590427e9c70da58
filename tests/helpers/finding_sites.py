"""Where bindermerge's source records findings, read from its syntax tree.

The docs' catalogue of conflicts and warnings (docs/reference/messages.toml) must have an
example of each: :func:`warning_codes` finds every warning code written in the package (a
literal, or an f-string read as a pattern), :func:`conflict_sites` every call that records a
conflict. Standard library only.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

# The calls whose first argument is a warning code.
_WARNING_CALLS = ("warn", "note", "MergeWarning", "Finding")


@dataclass(frozen=True)
class Site:
    """One call in the package: file (relative to the package's parent), first and last line."""

    path: str
    line: int
    end_line: int

    def contains(self, path: str, line: int) -> bool:
        return path == self.path and self.line <= line <= self.end_line


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _calls(package: Path) -> list[tuple[str, ast.Call]]:
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                found.append((rel, node))
    return found


def _pattern(node: ast.JoinedStr) -> str:
    """An f-string as a regular expression: each replacement field matches any text."""
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(re.escape(value.value))
        else:
            parts.append(".+")
    return "".join(parts)


def warning_codes(package: Path) -> dict[str, list[Site]]:
    """Every warning code the package writes: a literal code, or a pattern (``.+-crlf``) for
    an f-string; a code passed on from a variable (``f.code``) is recorded where it was made."""
    codes: dict[str, list[Site]] = {}
    for rel, call in _calls(package):
        if _name(call) not in _WARNING_CALLS or not call.args:
            continue
        first = call.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            code = re.escape(first.value)
        elif isinstance(first, ast.JoinedStr):
            code = _pattern(first)
        else:
            continue
        site = Site(rel, call.lineno, call.end_lineno or call.lineno)
        codes.setdefault(code, []).append(site)
    return codes


def conflict_sites(package: Path) -> list[Site]:
    """Every call that records a conflict: ``ctx.conflict(...)`` and the path conflicts of
    script placement (``PathConflict(...)``). A ``ctx.conflict`` that passes on a conflict
    found elsewhere (its kind is ``something.kind``) is not a site of its own."""
    sites = []
    for rel, call in _calls(package):
        name = _name(call)
        if name == "conflict" and isinstance(call.func, ast.Attribute) and call.args:
            first = call.args[0]
            if isinstance(first, ast.Attribute) and first.attr == "kind":
                continue
        elif name != "PathConflict":
            continue
        sites.append(Site(rel, call.lineno, call.end_lineno or call.lineno))
    return sites
