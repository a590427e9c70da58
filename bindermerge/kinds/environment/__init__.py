"""environment.yml: conda environments merged package by package, pip and runtime folded in.

repo2docker reads one ``environment.yml`` (else ``environment.yaml``) and then ignores
``requirements.txt`` and ``runtime.txt``. So when any source has an environment file the
output has exactly one ``environment.yml`` that carries everything repo2docker used of each
source alone (a requirements.txt or runtime.txt it ignored beside that source's own
environment file stays out, with a note, unless ``--fold-ignored``):

* ``dependencies``: one spec per conda package. Specs are parsed by rattler
  (:mod:`bindermerge.specs.conda`); the specs of one package are conjoined, and an empty
  conjunction, two build strings or two explicit channels are a conflict naming every side.
  Each entry keeps the comments its sources wrote and says where it came from.
* Python: repo2docker takes the version from the first dependency matching
  ``python\\s*=+\\s*([\\d.]*)`` (:mod:`bindermerge.repo2docker.python`). The python entry
  comes first and, whenever the merged spec pins ``X.Y``, is written so that this regex reads
  ``X.Y``. A folded ``runtime.txt`` is one more python spec.
* ``pip:``: exactly one block (conda reads only the last one), merged with the requirement
  engine (:mod:`bindermerge.specs.pip`) together with every source's requirements.txt;
  ``pip`` becomes a conda dependency when no source listed it. Constraints (``-c``) go to a
  ``constraints.txt`` beside environment.yml, referred to as ``-c constraints.txt`` from the
  block: conda and mamba write the block to a temporary requirements file in
  environment.yml's directory, so pip resolves that path next to it.
* ``channels``: a union that keeps every source's own order (first-seen order where the
  sources say nothing); a pair ordered differently by two sources keeps the first's order
  with a warning. ``nodefaults`` wins over ``defaults``.
* the kernel: below Python 3.7 repo2docker installs environment.yml into a kernel
  environment of its own, away from the notebook server; another source's server extensions
  going there is a conflict naming the Python pin and those packages.
* ``variables``: union, one value per variable. ``name``: the first source's (or
  ``--name``). ``prefix``: dropped. Other keys: the first source's value, with a warning.

The rooms of the kind:

* :mod:`.model`: the fragment of one source and the merged environment (dataclasses);
* :mod:`.parse`: YAML nodes to a fragment, comments and line numbers, tags refused;
* :mod:`.alone`: what repo2docker did with each source alone (the repo2docker table's answer);
* :mod:`.fold`: environment.yml over .yaml, the requirements.txt and runtime.txt it used taken
  over;
* :mod:`.channels`: the channel union and its order;
* :mod:`.merge`: dependencies, the Python pin, the pip block, variables, carried keys;
* :mod:`.kernel` and :mod:`.server`: a legacy Python's kernel environment, and the packages
  that must sit beside the notebook server;
* :mod:`.render`: the merged environment written through ruamel.yaml's emitter.

ruamel.yaml and rattler are imported only when a file is parsed or rendered.
"""

from __future__ import annotations

from bindermerge.kinds import Kind
from bindermerge.kinds.environment.merge import merge
from bindermerge.kinds.environment.model import (
    ALT_FILE,
    CONSTRAINTS,
    FILE,
    NAME,
    UNFOLDED_CONSTRAINTS,
    Carried,
    Dependency,
    EnvFragment,
    MergedDependency,
    MergedEnvironment,
    Note,
)
from bindermerge.kinds.environment.parse import compose, parse
from bindermerge.kinds.environment.render import render

__all__ = [
    "ALT_FILE",
    "CONSTRAINTS",
    "FILE",
    "NAME",
    "UNFOLDED_CONSTRAINTS",
    "Carried",
    "Dependency",
    "EnvFragment",
    "MergedDependency",
    "MergedEnvironment",
    "Note",
    "compose",
    "merge",
    "parse",
    "render",
]


KIND = Kind(NAME, parse, merge, render)
