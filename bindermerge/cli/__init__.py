"""The command line: a thin layer that parses, calls the library, prints and picks the exit code.

:func:`main` is the console entry point. Nothing heavy is imported here: an up-to-date
``--check`` is answered by :mod:`.fastcheck` before typer or the merge machinery is loaded.
"""

from bindermerge.cli.main import main

__all__ = ["main"]
