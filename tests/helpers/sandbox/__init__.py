"""A sandbox that builds and starts a repository the way repo2docker would, with stubs.

One run lays out a repository root (which is also HOME, as repo2docker's default
``REPO_DIR``) in a temporary folder, asks the real repo2docker which buildpack it picks and
what its Dockerfile runs, and then runs, with logging stubs first on PATH for every command
that would reach the network or change the machine (pip, conda, mamba, apt-get, sudo, curl,
git, jupyter, R, julia, psql/pg_ctl/initdb, mongod, java, ...):

* the installers from the repository root (``mamba env update --file binder/environment.yml``,
  ``pip install -r binder/requirements.txt``, ``Rscript binder/install.R``, ...);
* postBuild as ``RUN ./binder/postBuild`` runs it (``/bin/sh -c``: no ``#!`` means sh);
* start as repo2docker-entrypoint runs it, ``Popen([start, probe, *args])`` from the
  repository root, where the probe records its arguments, working directory and environment.

The :class:`~helpers.sandbox.record.Record` holds the commands (with the script that ran each),
the files created and read under the repository and conda's prefix, the probe's view and every
exit status; :mod:`helpers.sandbox.compare` says how a merged run differs from the runs of its
sources alone::

    alone = {name: run_alone(repo, tmp / name) for name, repo in repos.items()}
    result = bindermerge.merge(repos.values())
    merged = run(lay_out_merge(result, tmp / "merged"))
    assert differences(alone, merged) == []
"""

from __future__ import annotations

from helpers.sandbox.compare import conflict_differences, differences, installed, problems, view
from helpers.sandbox.record import Command, Layout, Probe, Record, Step
from helpers.sandbox.runner import (
    DEFAULT_ARGS,
    STUBBED,
    lay_out_alone,
    lay_out_merge,
    prepare,
    run,
    run_alone,
)

__all__ = [
    "DEFAULT_ARGS",
    "STUBBED",
    "Command",
    "Layout",
    "Probe",
    "Record",
    "Step",
    "conflict_differences",
    "differences",
    "installed",
    "lay_out_alone",
    "lay_out_merge",
    "prepare",
    "problems",
    "run",
    "run_alone",
    "view",
]
