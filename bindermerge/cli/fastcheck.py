"""The fast path of ``--check`` (and of an unchanged ``--lock``): decide "up to date" from the
output manifest alone.

A pre-commit hook runs ``bindermerge SRC... -o binder --check`` on every commit; most of the
time nothing changed. This module answers that case with the standard library only: it reads
the arguments with :mod:`bindermerge.cli.argv` (the options table), opens the sources through
:mod:`bindermerge.sources.open` (the same :class:`Source` interface as the merge), computes
their input digest and compares it, and every output file, with the manifest the last merge
wrote (:mod:`bindermerge.output.manifest`); a git source pinned there is digested from its
recorded commit, without running git. It imports none of packaging, ruamel.yaml, typer,
jinja2, rattler or the kinds. Whenever it cannot be sure (unknown flag, digest differs, a file
changed, any error) it answers False and the full merge decides, and explains.
"""

from __future__ import annotations

import hashlib
import os

from bindermerge._version import __version__
from bindermerge.cli.argv import parse
from bindermerge.digest import input_digest, lock_digest
from bindermerge.options import MergeOptions
from bindermerge.output.manifest import NAME as MANIFEST
from bindermerge.output.manifest import Manifest, mode_text
from bindermerge.sources.open import open_sources

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


def up_to_date(argv: Sequence[str]) -> bool:
    """True only when the output is certainly what a merge of these inputs would write."""
    request = parse(argv)
    if request is None:
        return False
    try:
        opts = MergeOptions(**request.values)
        if not (opts.check or opts.lock) or opts.output is None or opts.misplaced():
            return False
        if opts.diff or opts.dry_run or opts.json or opts.strict:
            return False  # they print or judge more than "up to date": the full path does it
        manifest = Manifest.read(opts.output)
        if manifest is None or manifest.version != __version__:
            return False
        # A git source counts by its recorded commit (a commit names its content): no git,
        # no cache, no network. One without a record, or under --update, is the merge's.
        pins = manifest.git_pins()
        sources = open_sources(request.sources, pins=pins, update=opts.update, pinned_only=True)
        digest = input_digest(
            __version__, opts.digest_items(), ((s.name, s.digest()) for s in sources)
        )
        if opts.lock:
            digest = lock_digest(digest, opts.lock_items())
        if digest != manifest.input_digest:
            return False
        return _files_match(opts.output, manifest)
    except Exception:  # noqa: BLE001 - any doubt goes to the full merge, which explains itself
        return False


def _files_match(out_dir: str, manifest: Manifest) -> bool:
    seen = {MANIFEST}
    for dirpath, _dirs, files in os.walk(out_dir):
        for name in files:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, out_dir).replace(os.sep, "/")
            if rel == MANIFEST:
                continue
            entry = manifest.files.get(rel)
            if entry is None or os.path.islink(full):
                return False
            with open(full, "rb") as fh:
                if hashlib.sha256(fh.read()).hexdigest() != entry[0]:
                    return False
            if mode_text(os.stat(full).st_mode) != entry[1]:
                return False
            seen.add(rel)
    return seen == {MANIFEST, *manifest.files}
