"""Everything bindermerge knows about repo2docker, in one place; kinds import its facts from
here and define none themselves.

* :mod:`~bindermerge.repo2docker.constants` -- names, versions and regular expressions read
  from repo2docker's source (standard library only: the fast ``--check`` path imports it);
* :mod:`~bindermerge.repo2docker.runtime` -- the one parser of runtime.txt;
* :mod:`~bindermerge.repo2docker.python` -- how a python pin becomes the ``X.Y`` built;
* :mod:`~bindermerge.repo2docker.table` -- which files each buildpack reads or ignores, as data;
* :mod:`~bindermerge.repo2docker.facts` -- the facts of a directory the table's conditions ask
  for, parsed with ruamel.yaml, tomllib and packaging (imported only when needed);
* :mod:`~bindermerge.repo2docker.checks` -- the failures repo2docker's build reports;
* :mod:`~bindermerge.repo2docker.explain` -- :func:`explain`, which applies the table.

Nothing is imported here, so that importing one module does not import the others.
"""
