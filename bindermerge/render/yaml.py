"""YAML written by ruamel.yaml's emitter: one configured dumper and the comment helpers.

Every generated YAML file is built as ruamel's ``CommentedMap``/``CommentedSeq`` and written by
:func:`dumps`, never by joining strings, so that any key or value reads back as what was
merged. The dumper is configured once:

* indentation as people write environment files: ``  - x`` under a key, nested lists (the
  ``pip:`` block) at 6 spaces;
* no line folding, whatever the length (a folded scalar reads back the same, but a reviewer
  would see one requirement split over two lines);
* a string is written plain only when YAML 1.2 readers (ruamel.yaml in conda and repo2docker)
  *and* YAML 1.1 readers (PyYAML and the tools built on it) read it back as that string:
  ``yes``, ``on``, ``007`` or ``1:20`` are text in YAML 1.2 but a boolean or a number in
  YAML 1.1, so they are quoted too;
* a string that must be quoted gets double quotes (unless the source chose its own style),
  which is what bindermerge wrote before the emitter and so keeps earlier output unchanged;
* a float always has a dot (``1.0e-05``, not ``1e-05``, which YAML 1.1 reads as text).

ruamel.yaml is imported on first use: importing this module costs nothing.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeAlias

    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    Container: TypeAlias = CommentedMap | CommentedSeq
    # What a carried or generated YAML value may hold (see :func:`portable`).
    YamlValue: TypeAlias = (
        str | int | float | bool | None | datetime.date | bytes | CommentedMap | CommentedSeq
    )

STR_TAG = "tag:yaml.org,2002:str"
MAPPING_INDENT = 2
SEQUENCE_INDENT = 4  # "  - x": the dash two spaces in, the item four
SEQUENCE_DASH_OFFSET = 2
_NO_FOLDING = 2**31 - 1

# Characters some YAML reader ends a line at (YAML 1.1 counts NEL, LS and PS as breaks): in a
# comment they would end it early and the rest of the comment would be read as YAML.
_LINE_BREAKS = str.maketrans(dict.fromkeys("\r\n\x85\u2028\u2029", " "))
# What YAML readers refuse anywhere in a stream, a comment included (both versions' set).
# Compiled on first need: the class is large enough to cost milliseconds at every start-up.
_NOT_PRINTABLE_CLASS = "[^\t\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


@lru_cache(maxsize=1)
def _not_printable() -> re.Pattern[str]:
    return re.compile(_NOT_PRINTABLE_CLASS)


# ruamel keeps the comments of a mapping entry in slot 2 (after the value) and those of a
# sequence item in slot 0; slot 1 holds the comment lines above either.
_EOL_SLOT_MAP = 2
_EOL_SLOT_SEQ = 0
_ABOVE_SLOT = 1


class NotPortable(ValueError):
    """A loaded YAML value that would not read back the same everywhere (see :func:`portable`)."""


def mapping(items: Iterable[tuple[str, YamlValue]] = ()) -> CommentedMap:
    """A new ruamel mapping (insertion order is output order)."""
    from ruamel.yaml.comments import CommentedMap

    out = CommentedMap()
    for key, value in items:
        out[key] = value
    return out


def sequence(items: Iterable[YamlValue] = ()) -> CommentedSeq:
    """A new ruamel sequence."""
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq(items)


def comment_text(text: str) -> str:
    """``text`` made safe inside a one-line comment: line breaks of any YAML version become
    spaces, characters no YAML reader accepts their ``\\xNN`` escape."""
    text = text.translate(_LINE_BREAKS)
    if text.isascii() and all(c == "\t" or " " <= c <= "~" for c in text):
        return text  # the common case, decided without the large pattern
    return _not_printable().sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def comment_after(container: Container, key: str | int, text: str) -> None:
    """Write ``  # text`` at the end of the line of ``container[key]`` (a key or an index)."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    slot = container.ca.items.setdefault(key, [None, None, None, None])
    # The emitter puts one space before a comment that starts left of the current column;
    # the leading space in the token makes it two, the spacing PEP 8 and people use.
    token = CommentToken(f" # {comment_text(text)}", CommentMark(0))
    slot[_EOL_SLOT_MAP if isinstance(container, CommentedMap) else _EOL_SLOT_SEQ] = token


def comments_above(container: Container, key: str | int, lines: Sequence[str], indent: int) -> None:
    """Write ``# line`` comment lines (``#`` alone for an empty one) above ``container[key]``."""
    if not lines:
        return
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    slot = container.ca.items.setdefault(key, [None, None, None, None])
    mark = CommentMark(indent)
    tokens = []
    for line in lines:
        line = comment_text(line).strip()
        tokens.append(CommentToken(f"# {line}\n" if line else "#\n", mark))
    slot[_ABOVE_SLOT] = tokens


def dumps(document: CommentedMap) -> str:
    """The document as YAML text, written by the configured dumper (see the module docstring)."""
    stream = io.StringIO()
    _dumper().dump(document, stream)
    return stream.getvalue()


@lru_cache(maxsize=1)
def _dumper() -> YAML:
    """The one ruamel.yaml round-trip dumper, built on first use (classes need the import)."""
    from typing import Any

    from ruamel.yaml import YAML
    from ruamel.yaml.emitter import RoundTripEmitter
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.representer import RoundTripRepresenter
    from ruamel.yaml.resolver import VersionedResolver

    yaml_1_1 = VersionedResolver(version=(1, 1))
    yaml_1_2 = VersionedResolver(version=(1, 2))

    # Output repeats the same short texts (channels, "pip", provenance-free specs): resolving
    # each once keeps the emitter's dominant cost, two regex passes per scalar, down.
    @lru_cache(maxsize=8192)
    def scalar_tag(value: str, implicit: tuple[bool, bool]) -> Any:
        tag = yaml_1_2.resolve(ScalarNode, value, implicit)
        if implicit[0] and str(tag) == STR_TAG:
            old = yaml_1_1.resolve(ScalarNode, value, implicit)
            if str(old) != STR_TAG:
                return old
        return tag

    class PortableResolver(VersionedResolver):
        """Reads a scalar as text only when YAML 1.1 would too (the emitter then quotes it)."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode:
                return scalar_tag(value, (bool(implicit[0]), bool(implicit[1])))
            return super().resolve(kind, value, implicit)

    class DoubleQuotingEmitter(RoundTripEmitter):
        """Quotes where ruamel would not, and with double quotes where it would use single ones.

        * inside ``[...]``/``{...}`` a plain scalar with ``?`` or ``:`` in it, or starting with
          ``-``: ruamel writes ``[?0]`` or ``[0?]``, which no YAML reader, ruamel included,
          reads back (flow context ends a plain scalar at ``?``);
        * NEL, LS and PS are line breaks to YAML 1.1 readers even inside quotes: only the
          escapes of a double-quoted scalar spell them for every reader;
        * ``"..."`` rather than ``'...'`` for a string the source did not style.
        """

        def choose_scalar_style(self) -> Any:
            style = super().choose_scalar_style()
            value = self.event.value
            is_text = str(self.event.ctag) == STR_TAG  # numbers and dates stay plain
            in_flow_unsafe = "?" in value or ":" in value or value.startswith("-")
            if style == "" and self.flow_level and is_text and in_flow_unsafe:
                return '"'
            if style != '"' and any(ch in value for ch in "\x85\u2028\u2029"):
                return '"'
            if style == "'" and not self.event.style:
                return '"'
            return style

    class PortableRepresenter(RoundTripRepresenter):
        """Writes ``1e-05`` as ``1.0e-05``: YAML 1.1 reads a float only with a dot in it."""

        def represent_portable_float(self, data: float) -> Any:
            if data != data or data in (float("inf"), float("-inf")):
                return self.represent_float(data)
            text = repr(data).lower()
            if "." not in text and "e" in text:
                text = text.replace("e", ".0e", 1)
            return self.represent_scalar("tag:yaml.org,2002:float", text)

    # On the subclass: add_representer copies the table, ruamel's own stays as it is.
    PortableRepresenter.add_representer(float, PortableRepresenter.represent_portable_float)

    yaml = YAML(typ="rt")
    yaml.Resolver = PortableResolver
    yaml.Representer = PortableRepresenter
    yaml.Emitter = DoubleQuotingEmitter
    yaml.indent(mapping=MAPPING_INDENT, sequence=SEQUENCE_INDENT, offset=SEQUENCE_DASH_OFFSET)
    yaml.width = _NO_FOLDING
    yaml.allow_unicode = True
    return yaml


# --------------------------------------------------------------------------- carried values


def portable(value: object) -> YamlValue:
    """A value from ruamel's round-trip loader, made to read back the same in YAML 1.1 and 1.2.

    Numbers and booleans are turned into plain ``int``/``float``/``bool``: ruamel would write
    them as the source did, and ``0o17`` or ``1e3`` are numbers in YAML 1.2 but text in
    YAML 1.1. Lists and mappings are converted in place, so their comments stay. Raises
    :class:`NotPortable` for what YAML 1.1 and 1.2 readers would not load alike: keys that
    are not text, sets, ordered maps and pairs, values with tags, recursive aliases.
    """
    return _portable(value, set())


def _portable(value: object, open_ids: set[int]) -> YamlValue:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarbool import ScalarBoolean

    if value is None or isinstance(value, (str, bytes)):
        return value
    if isinstance(value, ScalarBoolean):  # an int subclass: before int
        return bool(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, datetime.datetime):
        # ruamel's TimeStamp remembers its spelling; the plain datetime reads back the same.
        return datetime.datetime.combine(value.date(), value.timetz())
    if isinstance(value, datetime.date):
        return value
    if type(value) is not CommentedSeq and type(value) is not CommentedMap:
        raise NotPortable(_describe(value))
    if id(value) in open_ids:
        raise NotPortable("a recursive alias")
    open_ids.add(id(value))
    try:
        if isinstance(value, CommentedSeq):
            for i, item in enumerate(value):
                value[i] = _portable(item, open_ids)
            return value
        if getattr(value, "merge", None):
            raise NotPortable("a '<<' merge key")
        for key in list(value):
            if not isinstance(key, str):
                raise NotPortable(f"a key that is not text ({_describe(key)})")
            value[key] = _portable(value[key], open_ids)
        return value
    finally:
        open_ids.discard(id(value))


def _describe(value: object) -> str:
    names = {
        "CommentedSet": "a set",
        "CommentedOrderedMap": "an ordered map (!!omap)",
        "CommentedKeySeq": "a list",
        "CommentedKeyMap": "a mapping",
        "TaggedScalar": "a tagged value",
    }
    return names.get(type(value).__name__, f"a {type(value).__name__}")


def trim_trailing_comments(value: YamlValue) -> None:
    """Drop the comment lines ruamel attached after the last entry of ``value`` (in place).

    ruamel hangs the comment lines that follow a value on its last entry, although they
    usually introduce whatever comes next in the source (``# conda packages`` above
    ``dependencies:``). A value carried elsewhere keeps its entries' own end-of-line comments.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    while isinstance(value, (CommentedMap, CommentedSeq)) and len(value):
        if isinstance(value, CommentedMap):
            key: str | int = list(value)[-1]
            slot_index = _EOL_SLOT_MAP
        else:
            key = len(value) - 1
            slot_index = _EOL_SLOT_SEQ
        slot = value.ca.items.get(key)
        token = slot[slot_index] if slot else None
        if token is not None:
            first = token.value.split("\n", 1)[0]
            if first.strip():
                token.value = first + "\n"
            else:
                slot[slot_index] = None
        value = value[key]
