"""Notebooks and the environment they run in: ``metadata.binder``.

:mod:`.metadata` reads both forms that circulate and writes both (standard library only);
:mod:`.document` reads, checks and writes notebook files with nbformat (the optional
``bindermerge[notebooks]`` extra, imported only when a notebook is read); :mod:`.stamp`
writes or checks the metadata of many notebooks; :mod:`.repository` finds a notebook's git
remote, branch and path; :mod:`.launch` builds the link that opens one notebook.
"""
