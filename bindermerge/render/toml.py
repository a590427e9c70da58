"""TOML written by tomlkit, never by joining strings.

tomlkit (rather than tomli-w) because it can carry comments on a document and writes arrays
inline (``test = ["Test"]``), as Pkg and people write them and as bindermerge wrote before;
tomli-w splits every array over several lines. The layout is the one Pkg writes: top-level
keys first, then one ``[table]`` per table; a table inside a table, or in an array, is an
inline table.

tomlkit is imported on first use: importing this module costs nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeAlias

    from tomlkit.items import Item

    # What tomllib reads, and so what a merged TOML file may hold.
    TomlValue: TypeAlias = (
        str
        | int
        | float
        | bool
        | datetime.datetime
        | datetime.date
        | datetime.time
        | list["TomlValue"]
        | dict[str, "TomlValue"]
    )


def dumps(document: Mapping[str, TomlValue]) -> str:
    """The document as TOML: top-level keys, then each table (see the module docstring)."""
    import tomlkit

    doc = tomlkit.document()
    for key, value in document.items():
        if not isinstance(value, Mapping):
            doc.add(key, _item(value))
    for key, value in document.items():
        if isinstance(value, Mapping):
            table = tomlkit.table()
            for inner_key, inner in value.items():
                table.add(inner_key, _item(inner))
            doc.add(key, table)
    return tomlkit.dumps(doc)


def entry_text(key: str, value: TomlValue) -> str:
    """One ``key = value`` line as TOML writes it (``julia = "1.8"``), for messages."""
    import tomlkit

    return f"{tomlkit.key(key).as_string()} = {_item(value).as_string()}"


def _item(value: TomlValue) -> Item:
    import tomlkit

    if isinstance(value, Mapping):
        table = tomlkit.inline_table()
        for key, inner in value.items():
            table.append(key, _item(inner))
        return table
    if isinstance(value, list):
        array = tomlkit.array()
        for inner in value:
            array.append(_item(inner))
        return array
    if isinstance(value, (str, bool, int, float, datetime.date, datetime.time)):
        return tomlkit.item(value)
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
