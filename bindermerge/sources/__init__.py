"""Sources: where binder configuration comes from.

:mod:`.base` holds the :class:`~bindermerge.sources.base.Source` protocol every kind of source
implements and :class:`~bindermerge.sources.base.SourceFile`; :mod:`.walk` holds the rules
that read a source out of a tree of files (a directory on disk, a git commit), with the
standard library only (the fast ``--check`` path imports it); :mod:`.tree` is what local and
git sources share; :mod:`.local` is the local directory, :mod:`.git` the git repository
(:mod:`.spellings` reads their specs); :mod:`.names` gives sources their report names;
:mod:`.open` turns a command-line spec into a source. Nothing is imported here, so that
importing one submodule costs only that submodule.
"""
