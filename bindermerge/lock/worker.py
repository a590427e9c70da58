"""The worker process of the conda-lock backend: one :class:`~.job.LockJob`, solved and rendered.

:func:`bindermerge.lock.condalock_backend.lock` starts ``python -c BOOT`` with the parent's
``sys.path`` (so the child imports the same bindermerge and conda-lock), a request file and a
reply file. The request holds the job and the conda executable; the reply holds either the
rendered files and warnings, or a :class:`~.errors.LockError` as data, which the parent raises
again as the same class. Anything else (a crash) leaves no reply, and the parent reports the
worker's stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from bindermerge.lock.errors import (
    ChannelUnreachableError,
    LockError,
    NoSolverError,
    UnsatisfiableError,
)

# ``-c`` rather than ``-m``: the parent's sys.path, passed as JSON, decides what is imported,
# whatever the working directory or PYTHONPATH of the child would otherwise add.
BOOT = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    "from bindermerge.lock.worker import main; raise SystemExit(main(sys.argv[2:]))"
)


def error_to_json(exc: LockError) -> dict[str, object]:
    """A lock error as data, for :func:`error_from_json` in the parent."""
    if isinstance(exc, UnsatisfiableError):
        return {
            "kind": "unsatisfiable",
            "platform": exc.platform,
            "specs": list(exc.specs),
            "explanation": exc.explanation,
        }
    if isinstance(exc, ChannelUnreachableError):
        return {"kind": "channel", "channel": exc.channel, "reason": exc.reason}
    kind = "no-solver" if isinstance(exc, NoSolverError) else "lock"
    return {"kind": kind, "message": str(exc)}


def error_from_json(document: Mapping[str, object]) -> LockError:
    """The error :func:`error_to_json` described, as its own class again."""
    kind = document.get("kind")
    if kind == "unsatisfiable":
        specs = document.get("specs")
        return UnsatisfiableError(
            str(document.get("platform", "")),
            [str(s) for s in specs] if isinstance(specs, list) else [],
            str(document.get("explanation", "")),
        )
    if kind == "channel":
        return ChannelUnreachableError(
            str(document.get("channel", "")), str(document.get("reason", ""))
        )
    message = str(document.get("message", "the conda-lock worker failed"))
    return NoSolverError(message) if kind == "no-solver" else LockError(message)


def main(argv: Sequence[str]) -> int:
    """``worker REQUEST REPLY``: run the job in REQUEST with conda-lock, answer in REPLY."""
    from bindermerge.lock import condalock_backend, job

    request_path, reply_path = argv
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    exe = Path(request["conda_exe"])
    reply: dict[str, object]
    try:
        output = job.run(
            job.LockJob.from_json(request["job"]),
            lambda req: condalock_backend.solve(req, conda_exe=exe),
        )
        reply = {
            "files": {name: data.decode("utf-8") for name, data in output.files.items()},
            "warnings": list(output.warnings),
        }
    except LockError as exc:
        reply = {"error": error_to_json(exc)}
    Path(reply_path).write_text(json.dumps(reply), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover - started through BOOT
    sys.exit(main(sys.argv[1:]))
