"""Sources: where binder configuration comes from.

:mod:`.base` holds the :class:`~bindermerge.sources.base.Source` protocol every kind of source
implements and :class:`~bindermerge.sources.base.SourceFile`; :mod:`.local` is the local
directory; :mod:`.walk` lists and digests directories with the standard library only (the fast
``--check`` path imports it), :mod:`.names` gives sources their report names; :mod:`.open`
turns a command-line spec into a source. Nothing is imported here, so that importing one
submodule costs only that submodule.
"""
