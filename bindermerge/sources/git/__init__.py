"""Git repositories as sources (``gh:OWNER/REPO@REF#SUBDIR``, ``gl:...``, ``git+URL...``).

:mod:`.command` runs the git command line (its environment, timeout and errors, in one
place); :mod:`.cache` holds the cache entries (one bare repository per URL) and their locks;
:mod:`.remote` resolves a REF and fetches exactly one commit; :mod:`.tree` reads a commit's
files straight from the object store, never checking anything out; :mod:`.source` is
:class:`~bindermerge.sources.git.source.GitSource`, the
:class:`~bindermerge.sources.base.Source` built from them. Nothing is imported here.
"""
