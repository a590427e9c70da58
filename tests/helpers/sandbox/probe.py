"""The container command of a sandboxed start: records what it was handed, then exits 0.

Copied into each sandbox with ``PROBE`` filled in; each call appends one JSON line with its
arguments, working directory and whole environment.
"""

import json
import os
import sys

PROBE = "@PROBE@"


def main():
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = ""
    record = {"argv": sys.argv[1:], "cwd": cwd, "env": dict(os.environ)}
    with open(PROBE, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
