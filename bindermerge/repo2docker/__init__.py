"""Everything bindermerge knows about repo2docker, in one place: its constants, the table of
which files each buildpack reads or ignores, the gathering of facts from a directory, and
:func:`explain`. Kinds import repo2docker's facts from here and define none themselves."""
