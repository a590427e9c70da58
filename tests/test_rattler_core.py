"""The cheap rattler loader answers exactly as py-rattler's public classes do."""

from __future__ import annotations

import json
import subprocess
import sys

SPECS = [
    "numpy", "numpy>=1.22", "numpy >=1.22,<2", "conda-forge::numpy >=1.22,<2 py*",
    "python=3.11", "python 3.11.* *_cpython", "pytorch[version='>=2', build=cuda*]",
    "jupyter-*", "pkg==1.0=abc_0", "r-base>=4.3|<3", "numpy[subdir=linux-64]", "scipy 1.*",
    "numpy >=>=", "numpy=1.2=", "", "a b c d",
]  # fmt: skip
VERSIONS = ["1", "1.2.3", "1.2.3a", "2.0.0rc1", "1!2.0", "1.0+local.1", "3.11.*", "x.y", "1..2"]
RANGES = [">=1.2,<2", "<1", "1.2.*", "==2.0.0rc1", ">=1!1", "1.2.3|>=3"]

PROBE = r"""
import json, sys
from bindermerge.specs import rattler_core as rc
assert ("rattler" in sys.modules) == (sys.argv[1] == "public"), sys.modules.get("rattler")
out = {"specs": [], "versions": []}
for text in json.loads(sys.argv[2]):
    try:
        m = rc.match_spec(text)
        out["specs"].append([m.name, m.version, m.build, m.canonical])
    except rc.errors() as e:
        out["specs"].append(["error", type(e).__name__])
for text in json.loads(sys.argv[3]):
    try:
        v = rc.version(text)
        row = [str(v), v.segment_count, v.segments(), str(v.with_alpha()), v.is_dev, v.epoch,
               v.as_major_minor()]
        for op in (v.bump_last, lambda: v.bump_segment(0), lambda: v.with_segments(0, 1)):
            try:
                row.append(str(op()))
            except rc.errors() as e:
                row.append(type(e).__name__)
        row.append([rc.version_spec(r).matches(v) for r in json.loads(sys.argv[4])])
        row.append([str(rc.version_spec(r)) for r in json.loads(sys.argv[4])])
        out["versions"].append(row)
    except rc.errors() as e:
        out["versions"].append(["error", type(e).__name__])
print(json.dumps(out))
"""


def _run(mode: str) -> dict[str, object]:
    pre = "import rattler\n" if mode == "public" else ""
    args = [json.dumps(SPECS), json.dumps(VERSIONS), json.dumps(RANGES)]
    proc = subprocess.run(
        [sys.executable, "-c", pre + PROBE, mode, *args], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_native_loader_matches_public_api():
    native, public = _run("native"), _run("public")
    assert native == public
    assert ["error", "InvalidMatchSpecError"] in native["specs"]  # bad input still raises


def test_rattler_imported_after_the_native_loader_works():
    code = (
        "from bindermerge.specs import rattler_core as rc\n"
        "rc.match_spec('numpy>=1')\n"
        "import rattler\n"
        "m = rattler.MatchSpec('numpy >=1,<2')\n"
        "print(m.name.normalized, rattler.Version('1.2').bump_last())\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["numpy", "1.3"]
