"""The fast path of ``--check`` (and of an unchanged ``--lock`` or merge): decide "up to date"
from the output manifest alone.

A pre-commit hook runs ``bindermerge --check`` (or the regenerating ``bindermerge``) on every
commit; most of the time nothing changed. This module answers that case with the standard
library only: it takes the arguments as :mod:`bindermerge.cli.argv` read them (the options
table) over the project's config file (:mod:`bindermerge.config`, read with tomllib), opens
the sources through
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
from bindermerge.cli.argv import Request, parse
from bindermerge.config import resolve
from bindermerge.digest import input_digest, lock_digest
from bindermerge.options import MergeOptions
from bindermerge.output.manifest import NAME as MANIFEST
from bindermerge.output.manifest import Manifest, mode_text
from bindermerge.sources.open import open_sources

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


def up_to_date(args: Sequence[str] | Request) -> str | None:
    """The output directory when it is certainly what a merge of these inputs would write;
    None otherwise.

    ``args`` are the command line's words, or the :class:`~bindermerge.cli.argv.Request`
    :func:`~bindermerge.cli.argv.parse` read from them; the project's config file fills in
    what they do not say, as for the merge itself.
    """
    request = args if isinstance(args, Request) else parse(args)
    if request is None:
        return None
    try:
        sources, values, _config = resolve(
            request.sources,
            request.values,
            config_file=request.config_file,
            no_config=request.no_config,
        )
        opts = MergeOptions(**values)
        if opts.output is None or opts.misplaced():
            return None
        if opts.dry_run or opts.json:
            return None  # they print more than "up to date": the full path does it
        manifest = Manifest.read(opts.output)
        if manifest is None or manifest.version != __version__:
            return None
        # --strict judges the warnings too: the merge that wrote the output counted them (a
        # diff of an up-to-date output is empty, so --diff needs nothing more).
        if opts.strict and manifest.strict_findings != 0:
            return None
        # A git source counts by its recorded commit (a commit names its content): no git,
        # no cache, no network. One without a record, or under --update, is the merge's.
        pins = manifest.git_pins()
        opened = open_sources(sources, pins=pins, update=opts.update, pinned_only=True)
        digest = input_digest(
            __version__, opts.digest_items(), ((s.name, s.digest()) for s in opened)
        )
        if opts.lock:
            digest = lock_digest(digest, opts.lock_items())
        if digest != manifest.input_digest:
            return None
        return opts.output if _files_match(opts.output, manifest) else None
    except Exception:  # noqa: BLE001 - any doubt goes to the full merge, which explains itself
        return None


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
