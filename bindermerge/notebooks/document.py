"""Reading, checking and writing notebook files with nbformat.

:func:`read_notebook` refuses, with one line naming the file and the key, what is not a
notebook bindermerge can rewrite faithfully: bytes that are not UTF-8 JSON, JSON that is not
an nbformat 4 notebook, a notebook that does not validate against its own minor version's
schema (nbformat would otherwise "repair" it while writing: a missing cell id gets a random
one), two cells with one id. :func:`notebook_text` serialises with nbformat in the notebook's
own minor version; :func:`replace_file` writes atomically (a temporary file beside it, then
a rename) and only when the file is still what was read.

nbformat is an optional dependency (``bindermerge[notebooks]``), imported only here and only
when a notebook is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bindermerge.errors import BinderMergeError

NOTEBOOKS_EXTRA = "bindermerge[notebooks]"


class NotebooksExtraMissingError(BinderMergeError):
    """nbformat is not installed: reading or stamping notebooks needs the notebooks extra."""


@dataclass
class Notebook:
    """A notebook file as read: the path given, its bytes and nbformat's notebook node."""

    path: Path
    raw: bytes
    node: Any  # nbformat.NotebookNode: nbformat ships no type information


def load_nbformat(command: str) -> Any:
    """The nbformat module; :class:`NotebooksExtraMissingError` saying what to install."""
    try:
        import nbformat
    except ImportError:
        raise NotebooksExtraMissingError(
            f"{command} reads notebooks with nbformat, which is not installed: "
            f"pip install '{NOTEBOOKS_EXTRA}'"
        ) from None
    return nbformat


def key_path(parts: Iterable[object]) -> str:
    """``["cells", 0, "id"]`` -> ``cells[0].id``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def read_notebook(path: Path, command: str = "bindermerge") -> Notebook:
    """Read and check one notebook; :class:`~bindermerge.errors.InputError` (or its
    :class:`~bindermerge.errors.ParseError`) naming the file and the key when it is not one
    that can be read and written back faithfully."""
    from bindermerge.errors import InputError, ParseError

    nbformat = load_nbformat(command)
    where = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=where) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a notebook", path=where) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", path=where) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text (byte {exc.start})", path=where) from None
    try:
        data = nbformat.reader.parse_json(text)
    except nbformat.reader.NotJSONError as exc:
        cause = exc.__cause__
        at = f" (line {cause.lineno}, column {cause.colno})" if hasattr(cause, "lineno") else ""
        raise ParseError(f"not valid JSON{at}: not a notebook", path=where) from None
    if not isinstance(data, dict):
        raise ParseError(f"not a notebook: the JSON is {_kind(data)}, not an object", path=where)
    version = data.get("nbformat")
    if "nbformat" not in data:
        raise ParseError("nbformat: missing: not a notebook", path=where)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ParseError(f"nbformat: expected an integer, got {version!r}", path=where)
    if version != 4:
        raise ParseError(
            f"nbformat: version {version} is not supported (bindermerge rewrites nbformat 4 "
            "notebooks; jupyter nbconvert --to notebook upgrades older ones)",
            path=where,
        )
    problem = _first_problem(nbformat, data)
    if problem:
        raise ParseError(problem, path=where)
    node = nbformat.versions[4].to_notebook_json(data)
    return Notebook(path, raw, node)


def _kind(value: object) -> str:
    return {list: "a list", str: "a string", bool: "a boolean"}.get(type(value), "a value")


def _first_problem(nbformat: Any, data: Any) -> str | None:
    """The first schema error (``key: message``), or a cell id used twice."""
    # iter_validate never changes the notebook; nbformat.validate would fill in cell ids.
    for error in nbformat.validator.iter_validate(data):
        where = key_path(getattr(error, "absolute_path", ())) or "notebook"
        message = str(getattr(error, "message", error)).splitlines()[0]
        return f"{where}: {message}"
    seen: dict[object, int] = {}
    for index, cell in enumerate(data.get("cells", ())):
        if isinstance(cell, dict) and "id" in cell:
            if cell["id"] in seen:
                return (
                    f"cells[{index}].id: {cell['id']!r} is the id of cells[{seen[cell['id']]}] "
                    "too (cell ids are unique)"
                )
            seen[cell["id"]] = index
    return None


def notebook_text(notebook: Notebook, node: Any, command: str = "bindermerge") -> str:
    """``node`` serialised as nbformat writes it, in the notebook's own minor version, after
    checking it still validates."""
    from bindermerge.errors import ParseError

    nbformat = load_nbformat(command)
    text: str = nbformat.writes(node, version=nbformat.NO_CONVERT)
    if not text.endswith("\n"):
        text += "\n"  # as nbformat.write ends the file
    problem = _first_problem(nbformat, nbformat.reader.parse_json(text))
    if problem:
        raise ParseError(f"would not validate once written: {problem}", path=str(notebook.path))
    return text


def replace_file(path: Path, data: bytes, expected: bytes) -> None:
    """Replace the file at ``path`` with ``data`` atomically, keeping its permissions.

    A symbolic link is written through (the link stays a link). When the file no longer
    holds ``expected`` (someone saved it since it was read) nothing is written and an
    :class:`~bindermerge.errors.OutputError` says so.
    """
    import os
    import stat
    import tempfile

    from bindermerge.errors import OutputError

    target = path.resolve()
    try:
        current = target.read_bytes()
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError as exc:
        raise OutputError(f"{path}: cannot be read again: {exc.strerror}") from None
    if current != expected:
        raise OutputError(f"{path}: changed while bindermerge was working on it; not written")
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{path}: cannot be written: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot be written: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
