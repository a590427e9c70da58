"""The fast path of ``--check``: decide "up to date" from the output manifest alone.

A pre-commit hook runs ``bindermerge SRC... -o binder --check`` on every commit; most of the
time nothing changed. This module answers that case with the standard library only, by
digesting the inputs and comparing with the manifest the last merge wrote, importing only
:mod:`bindermerge.walk` (not packaging, ruamel.yaml, typer, dataclasses or the kinds). Whenever it cannot be sure (unknown flag, digest
differs, a file changed, any error) it returns None and the full merge decides.
"""

from __future__ import annotations

import hashlib
import json
import os

from bindermerge.sources import walk
from bindermerge._version import __version__

MANIFEST = ".bindermerge.json"  # the same name as bindermerge.output.MANIFEST
_VALUE_FLAGS = {
    "-o": "output", "--output": "output", "--on-conflict": "on_conflict", "--name": "name",
    "--lock-backend": "lock_backend", "--lock-pip": "lock_pip",
}
_LIST_FLAGS = {"--platform": "platforms"}
_BOOL_FLAGS = {"--check": "check", "--no-fold": "no_fold", "--lock": "lock"}


def parse_simple_argv(argv: list[str]) -> dict[str, object] | None:
    """The few flags a fast check understands, or None when argv holds anything else."""
    opts: dict[str, object] = {"sources": []}
    args = list(argv)
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            opts["sources"] += args[i + 1 :]  # type: ignore[operator]
            break
        if a.startswith("-") and a != "-":
            key, value = a, None
            if a.startswith("--") and "=" in a:
                key, value = a.split("=", 1)
            elif a.startswith("-o") and len(a) > 2:
                key, value = "-o", a[2:]
            if (key in _VALUE_FLAGS or key in _LIST_FLAGS) and value is None:
                i += 1
                if i >= len(args):
                    return None
                value = args[i]
            if key in _VALUE_FLAGS:
                opts[_VALUE_FLAGS[key]] = value
            elif key in _LIST_FLAGS:
                opts.setdefault(_LIST_FLAGS[key], []).append(value)  # type: ignore[union-attr]
            elif key in _BOOL_FLAGS and value is None:
                opts[_BOOL_FLAGS[key]] = True
            else:
                return None
        else:
            opts["sources"].append(a)  # type: ignore[union-attr]
        i += 1
    if not (opts.get("check") or opts.get("lock")) or not opts.get("output") or not opts["sources"]:
        return None
    if (opts.get("platforms") or "lock_backend" in opts or "lock_pip" in opts) and not opts.get("lock"):
        return None
    if opts.get("on_conflict", "fail") not in ("fail", "first", "last"):
        return None
    return opts


def up_to_date(argv: list[str]) -> bool:
    """True only when the output is certainly what a merge of these inputs would write."""
    opts = parse_simple_argv(argv)
    if opts is None:
        return False
    try:
        out_dir = str(opts["output"])
        with open(os.path.join(out_dir, MANIFEST), "rb") as fh:
            manifest = json.loads(fh.read().decode("utf-8"))
        if manifest.get("version") != __version__:
            return False
        specs = [str(s) for s in opts["sources"]]  # type: ignore[union-attr]
        options = walk.option_items(
            str(opts.get("on_conflict", "fail")),
            opts.get("name"),  # type: ignore[arg-type]
            not opts.get("no_fold", False),
        )
        pairs = list(zip(walk.unique_names(specs), specs))
        digest = walk.digest_directories(pairs, __version__, options)
        if opts.get("lock"):
            platforms = list(dict.fromkeys(opts.get("platforms") or ["linux-64"]))  # type: ignore[call-overload]
            digest = walk.lock_digest(
                digest, platforms, str(opts.get("lock_backend", "auto")), str(opts.get("lock_pip", "auto"))
            )
        if digest != manifest.get("input_digest"):
            return False
        return _files_match(out_dir, manifest.get("files") or {})
    except Exception:  # noqa: BLE001 - any doubt goes to the full merge, which explains itself
        return False


def _files_match(out_dir: str, listed: dict[str, dict[str, str]]) -> bool:
    seen = {MANIFEST}
    for dirpath, _dirs, files in os.walk(out_dir):
        for name in files:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, out_dir).replace(os.sep, "/")
            if rel == MANIFEST:
                continue
            entry = listed.get(rel)
            if entry is None or os.path.islink(full):
                return False
            with open(full, "rb") as fh:
                if hashlib.sha256(fh.read()).hexdigest() != entry.get("sha256"):
                    return False
            exe = bool(os.stat(full).st_mode & 0o111)
            if exe != (entry.get("mode") == "755"):
                return False
            seen.add(rel)
    return seen == {MANIFEST, *listed}
