"""The output directory: its manifest (:mod:`.manifest`), where it may be (:mod:`.location`),
ownership and the atomic swap (:mod:`.write`), and comparison for ``--check``/``--diff``
(:mod:`.compare`). Nothing is imported here: the fast ``--check`` path imports only
:mod:`.manifest`."""
