"""Reading one environment file into an :class:`EnvFragment`: YAML nodes, comments, tags.

The file is composed into nodes that carry their positions (libyaml's C composer when it is
installed, see :func:`compose`); comments are read from the text at those positions, so both
composers give the same fragment. Unknown top-level keys are the exception: they are carried
into the output as values, so they come from ruamel's round-trip loader, which keeps the
comments inside them; it runs only for a file that has such a key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol, cast

from bindermerge.errors import InputError, ParseError
from bindermerge.kinds.environment.alone import files_of
from bindermerge.kinds.environment.model import (
    ALT_FILE,
    FILE,
    Carried,
    Dependency,
    EnvFragment,
    Note,
)
from bindermerge.model import Origin
from bindermerge.sources.base import SourceFile
from bindermerge.specs import conda as conda_specs
from bindermerge.specs import pip

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

    from bindermerge.kinds import SourceView


class Mark(Protocol):
    """A position in the text (0-based line and column), as ruamel's nodes carry it."""

    line: int
    column: int


class Node(Protocol):
    """A composed YAML node: ruamel's ScalarNode, SequenceNode or MappingNode.

    ``value`` is the scalar's text as written, a list of nodes, or a list of (key, value)
    node pairs, depending on ``id`` ("scalar", "sequence", "mapping").
    """

    id: str
    tag: object
    value: object
    start_mark: Mark
    end_mark: Mark


_TAG = "tag:yaml.org,2002:"
_KINDS = {
    "str": "string",
    "int": "number",
    "float": "number",
    "bool": "boolean",
    "null": "null",
    "timestamp": "date",
    "binary": "binary",
}
# The tags conda's loader (ruamel.yaml's safe loader) constructs; anything else, from
# ``!!python/object/apply:...`` to a custom ``!tag``, makes conda refuse the file.
_SAFE_TAGS = frozenset(
    _TAG + t
    for t in ("null", "bool", "int", "float", "binary", "timestamp", "str", "seq", "map",
              "set", "omap", "pairs")
)  # fmt: skip
_MERGE_TAG = _TAG + "merge"
# Line breaks in YAML 1.1 (libyaml) but ordinary characters in YAML 1.2 (conda's reader).
_YAML_1_1_BREAKS = ("\x85", "\u2028", "\u2029")


def parse(file: SourceFile, view: SourceView | None) -> EnvFragment:
    """Parse an environment file into a fragment, keeping order, lines and comments.

    ruamel.yaml composes the document (YAML 1.2, as conda and repo2docker read it) into
    nodes that carry their positions; comments are then read from the text at those positions.
    Raises :class:`ParseError` naming file and line for invalid YAML, tags conda's loader
    refuses, Jinja placeholders, conda specs rattler cannot parse and top-level values that
    cannot be carried into the output, and :class:`InputError` for wrong types.
    """
    if file.name == ALT_FILE and view is not None and view.get(FILE) is not None:
        return EnvFragment(file.origin, ignored=True)
    # What repo2docker sees of the whole source: which of its other files it used alone.
    return replace(_parse(file, view), alone=files_of(file, view))


def _parse(file: SourceFile, view: SourceView | None) -> EnvFragment:
    text = file.text()
    _reject_templates(text, file.origin)
    root = compose(text, file.origin)
    if root is None:
        return EnvFragment(file.origin)
    _reject_unsafe_tags(root, file.origin)
    reader = _Reader(file, view, text)
    if root.id != "mapping":
        raise InputError(
            "an environment file must be a mapping (name:, channels:, dependencies:), "
            f"not a {_kind(root)}",
            reader.at(_line(root)),
        )
    return reader.fragment(root)


def compose(text: str, origin: Origin) -> Node | None:
    """The YAML document as ruamel.yaml nodes (None when empty); ParseError when invalid.

    ruamel.yaml's round-trip loader is pure Python and costs 6-8 ms for a 40-line file, which
    alone would exceed the budget for a hundred sources. Its libyaml parser (the ``libyaml``
    extra, ruamel.yaml.clib) composes the same nodes, with the same YAML 1.2 resolution and
    positions, some 40 times faster; without it the round-trip composer is used. Comments are
    read from the text, not from the loader, so both paths give the same fragment. A text with
    NEL, LS or PS goes to the round-trip composer too: libyaml breaks lines at them (YAML 1.1),
    conda's ruamel.yaml does not (YAML 1.2).
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        try:
            from ruamel.yaml.cyaml import CSafeLoader
        except ImportError:  # no C parser installed: the round-trip composer, same nodes
            return _compose_rt(text)
        if any(ch in text for ch in _YAML_1_1_BREAKS):
            return _compose_rt(text)
        loader = CSafeLoader(text)
        try:
            return cast("Node | None", loader.get_single_node())
        except MarkedYAMLError:
            # libyaml speaks YAML 1.1 and refuses some 1.2 documents repo2docker reads
            # (``[python=3.11, conda-forge::numpy]``): the round-trip composer decides.
            return _compose_rt(text)
        finally:
            loader.dispose()
    except MarkedYAMLError as exc:
        raise _yaml_error(exc, origin) from None
    except YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ParseError(f"invalid YAML: {first}", origin) from None


def _compose_rt(text: str) -> Node | None:
    from ruamel.yaml import YAML

    return cast("Node | None", YAML(typ="rt").compose(text))


def _yaml_error(exc: Exception, origin: Origin) -> ParseError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or "cannot be parsed"
    line = mark.line + 1 if mark is not None else None
    return ParseError(f"invalid YAML: {problem}", origin.at(line))


def _reject_templates(text: str, origin: Origin) -> None:
    for number, line in enumerate(text.split("\n"), start=1):
        body = line if not line.lstrip().startswith("#") else ""
        cut = body.find(" #")
        body = body if cut < 0 else body[:cut]
        for mark in ("{{", "{%"):
            at = body.find(mark)
            if at >= 0:
                raise ParseError(
                    f"Jinja placeholder {body[at:].strip()!r}: this is a template (cookiecutter?), "
                    "not an environment file; render it first",
                    origin.at(number, line.strip()),
                )


def _reject_unsafe_tags(root: Node, origin: Origin) -> None:
    """ParseError at the first node whose tag conda's safe loader would not construct.

    Without this, ``dependencies: !!python/object/apply:os.system [...]`` is a list like any
    other and would be merged as a dependency called ``touch PWNED``.
    """
    stack: list[tuple[Node, bool]] = [(root, False)]
    seen: set[int] = set()
    while stack:
        node, is_key = stack.pop()
        if id(node) in seen:  # an alias: the same node again
            continue
        seen.add(id(node))
        tag = str(node.tag)
        if tag not in _SAFE_TAGS and not (is_key and tag == _MERGE_TAG):
            raise ParseError(_tag_message(tag, node), origin.at(_line(node)))
        if node.id == "sequence":
            stack.extend((item, False) for item in reversed(_items(node)))
        elif node.id == "mapping":
            for key, value in reversed(_raw_pairs(node)):
                stack.append((value, False))
                stack.append((key, True))


def _tag_message(tag: str, node: Node) -> str:
    if tag == _TAG + "value" or tag == _MERGE_TAG:
        text = node.value if node.id == "scalar" else tag
        return f"{text!r} alone is a YAML 1.1 special value conda's loader refuses; quote it"
    shown = "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
    return (
        f"YAML tag {shown!r} is not allowed: conda reads environment files with a safe "
        "loader that refuses it"
    )


# Node helpers: ruamel's nodes are ScalarNode / SequenceNode / MappingNode with a resolved
# tag; their ``value`` is the scalar text as written, a list of nodes, or a list of pairs.


def _items(node: Node) -> list[Node]:
    return cast("list[Node]", node.value)


def _raw_pairs(node: Node) -> list[tuple[Node, Node]]:
    return cast("list[tuple[Node, Node]]", node.value)


def _text(node: Node) -> str:
    return cast(str, node.value)


def _is_null(node: Node) -> bool:
    return node.id == "scalar" and str(node.tag) == _TAG + "null"


def _string(node: Node) -> str | None:
    """The text of a string scalar, None for anything else."""
    return _text(node) if node.id == "scalar" and str(node.tag) == _TAG + "str" else None


def _kind(node: Node) -> str:
    if node.id == "mapping":
        return "mapping"
    if node.id == "sequence":
        return "list"
    tag = str(node.tag)
    return _KINDS.get(tag[len(_TAG) :], tag) if tag.startswith(_TAG) else tag


def _line(node: Node) -> int:
    return node.start_mark.line + 1


class _Reader:
    """Walks one composed environment file; knows its text for comments and line numbers."""

    def __init__(self, file: SourceFile, view: SourceView | None, text: str):
        self.file = file
        self.view = view
        self.text = text
        self.lines = text.split("\n")
        self._loaded: CommentedMap | None = None

    def at(self, line: int | None, text: str = "") -> Origin:
        return self.file.origin.at(line, text)

    def pairs(self, node: Node) -> list[tuple[str, Node, int]]:
        """(key, value node, line) of a mapping node; duplicate keys are an error, as in ruamel."""
        out: list[tuple[str, Node, int]] = []
        seen: dict[str, int] = {}
        for key_node, value_node in _raw_pairs(node):
            key = _text(key_node) if key_node.id == "scalar" else _kind(key_node)
            line = _line(key_node)
            if key in seen:
                raise ParseError(
                    f"duplicate key {key!r} (first at line {seen[key]})", self.at(line)
                )
            seen[key] = line
            out.append((str(key), value_node, line))
        return out

    def fragment(self, root: Node) -> EnvFragment:
        name = None
        channels: tuple[Origin, ...] = ()
        variables: tuple[tuple[str, str, Origin], ...] = ()
        conda: list[Dependency] = []
        pip_lines: list[tuple[str, Origin]] = []
        blocks: list[Origin] = []
        notes: list[Note] = []
        prefix = None
        others: list[Carried] = []
        for key, node, line in self.pairs(root):
            if key == "name":
                name = self._name(node, line)
            elif key == "channels":
                channels = self._channels(node, line)
            elif key == "dependencies":
                self._dependencies(node, line, conda, pip_lines, blocks, notes)
            elif key == "variables":
                variables = self._variables(node, line)
            elif key == "prefix":
                shown = _text(node) if node.id == "scalar" else "..."
                prefix = self.at(line, f"prefix: {shown}")
            else:
                others.append(self._carried(root, key, node, line))
        return EnvFragment(
            origin=self.file.origin,
            name=name,
            channels=channels,
            dependencies=tuple(conda),
            pip=self._pip_fragments(pip_lines),
            pip_blocks=tuple(blocks),
            notes=tuple(notes),
            variables=variables,
            others=tuple(others),
            prefix=prefix,
        )

    def _name(self, node: Node, line: int) -> tuple[str, Origin] | None:
        if _is_null(node):
            return None
        if node.id != "scalar":
            raise InputError(f"name must be a string, not a {_kind(node)}", self.at(line))
        return _text(node), self.at(line, _text(node))

    def _channels(self, node: Node, line: int) -> tuple[Origin, ...]:
        if _is_null(node):
            return ()
        if node.id != "sequence":
            raise InputError(
                f"channels must be a list ('- conda-forge'), not a {_kind(node)}", self.at(line)
            )
        out = []
        for item in _items(node):
            text = _string(item)
            if text is None or not text.strip():
                raise InputError(
                    f"a channel must be a name or URL, not a {_kind(item)}", self.at(_line(item))
                )
            out.append(self.at(_line(item), text.strip().rstrip("/")))
        return tuple(out)

    def _variables(self, node: Node, line: int) -> tuple[tuple[str, str, Origin], ...]:
        if _is_null(node):
            return ()
        if node.id != "mapping":
            raise InputError(
                f"variables must be a mapping (NAME: value), not a {_kind(node)}", self.at(line)
            )
        out = []
        for key, value, where in self.pairs(node):
            if value.id != "scalar" or _is_null(value):
                raise InputError(
                    f"variable {key} must have a value, not a {_kind(value)}", self.at(where)
                )
            # The scalar as written: conda exports every value as text ("3.10" stays "3.10").
            text = _text(value)
            out.append((key, text, self.at(where, f"{key}: {text}")))
        return tuple(out)

    def _dependencies(
        self,
        node: Node,
        line: int,
        conda: list[Dependency],
        pip_lines: list[tuple[str, Origin]],
        blocks: list[Origin],
        notes: list[Note],
    ) -> None:
        if _is_null(node):
            return
        if node.id != "sequence":
            raise InputError(
                f"dependencies must be a list ('- numpy'), not a {_kind(node)}"
                + (f" ({_text(node)!r})" if node.id == "scalar" else ""),
                self.at(line),
            )
        for item in _items(node):
            where = _line(item)
            text = _string(item)
            if text is not None:
                spec = conda_specs.parse_spec(text, self.at(where, text.strip()))
                comment, leading = self._comments(item)
                conda.append(Dependency(spec, comment, leading))
            elif item.id == "mapping":
                for key, value, key_line in self.pairs(item):
                    if key != "pip":
                        raise InputError(
                            f"unsupported dependency mapping {key!r}: only 'pip:' is understood",
                            self.at(key_line),
                        )
                    blocks.append(self.at(key_line, "pip:"))
                    self._pip_block(value, key_line, pip_lines, notes)
            else:
                raise InputError(
                    "a dependency must be a conda spec ('numpy>=1.22') or a pip: block, "
                    f"not a {_kind(item)}" + (f" ({_text(item)!r})" if item.id == "scalar" else ""),
                    self.at(where),
                )

    def _pip_block(
        self, node: Node, line: int, out: list[tuple[str, Origin]], notes: list[Note]
    ) -> None:
        if _is_null(node):
            return
        if node.id != "sequence":
            raise InputError(
                f"pip: must be a list of requirements, not a {_kind(node)}", self.at(line)
            )
        for item in _items(node):
            text = _string(item)
            if text is None:
                raise InputError(
                    f"a pip requirement must be text, not a {_kind(item)}", self.at(_line(item))
                )
            origin = self.at(_line(item), text.strip())
            out.append((text, origin))
            comment, leading = self._comments(item)
            if comment or leading:
                notes.append(Note(origin, comment, leading))

    def _pip_fragments(self, lines: Sequence[tuple[str, Origin]]) -> tuple[pip.PipFragment, ...]:
        if not lines:
            return ()
        plain: list[tuple[str, Origin]] = []
        included: list[pip.PipFragment] = []
        for text, origin in lines:
            head = text.split(None, 1)[0] if text.strip() else ""
            option = head.split("=", 1)[0]
            if option in ("-r", "--requirement", "-c", "--constraint") or (
                head[:2] in ("-r", "-c") and len(head) > 2
            ):
                included.append(self._include(text, origin))
            else:
                plain.append((text, origin))
        frags = [pip.parse_requirement_lines(plain, self.file.origin)] if plain else []
        return tuple(frags + included)

    def _include(self, text: str, origin: Origin) -> pip.PipFragment:
        # conda and mamba resolve "-r file" / "-c file" in a pip: block next to the environment
        # file. The requirement engine resolves includes relative to the file a line is in, so
        # the line is handed to it as a one-line requirements file standing at environment.yml,
        # padded so that its line number is the YAML line.
        line = origin.line or 1
        stand_in = SourceFile(self.file.origin, ("\n" * (line - 1) + text + "\n").encode(), 0o644)
        return pip.parse_requirements_file(stand_in, self.view)

    def _comments(self, node: Node) -> tuple[str | None, tuple[str, ...]]:
        """The comment after a list item on its last line, and the comment lines right above it."""
        end = node.end_mark
        rest = self.lines[end.line][end.column :].strip() if end.line < len(self.lines) else ""
        comment = rest[1:].strip() or None if rest.startswith("#") else None
        leading: list[str] = []
        start = node.start_mark
        if not self.lines[start.line][: start.column].strip(" -"):  # the item starts its line
            n = start.line - 1
            while n >= 0 and self.lines[n].strip().startswith("#"):
                leading.append(self.lines[n].strip()[1:].strip())
                n -= 1
        return comment, tuple(reversed(leading))

    # ----------------------------------------------------------------------- carried keys

    def _carried(self, root: Node, key: str, node: Node, line: int) -> Carried:
        """An unknown top-level key as ruamel's round-trip loader reads its value."""
        from bindermerge.render.yaml import NotPortable, portable, trim_trailing_comments

        where = self.at(line, key)
        key_node = next(k for k, v in _raw_pairs(root) if v is node)
        if str(key_node.tag) != _TAG + "str":
            raise ParseError(
                f"a top-level key must be text, not a {_kind(key_node)}; it cannot be carried "
                "into the merged file",
                where,
            )
        self._reject_outside_references(node, line)
        loaded = self._round_trip()
        if key not in loaded:  # the two composers resolved the key differently
            raise ParseError(
                f"top-level key {key!r} cannot be carried into the merged file; quote it", where
            )
        try:
            value = portable(loaded[key])
        except NotPortable as exc:
            raise ParseError(
                f"top-level key {key!r} holds {exc}, which YAML readers would not read alike; "
                "it cannot be carried into the merged file",
                where,
            ) from None
        trim_trailing_comments(value)
        comment = None
        if node.id == "scalar":
            slot = loaded.ca.items.get(key)
            token = slot[2] if slot else None
            first = token.value.split("\n", 1)[0].strip() if token is not None else ""
            comment = first[1:].strip() or None if first.startswith("#") else None
        return Carried(key, value, where, comment)

    def _reject_outside_references(self, node: Node, line: int) -> None:
        """Aliases of anchors outside the entry, and merge keys, cannot travel with it."""
        stack = [node]
        seen: set[int] = set()
        while stack:
            current = stack.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            if current.start_mark.line + 1 < line:
                # ``key: *anchor`` or an alias inside the value of something written earlier:
                # carried alone, the entry would name an anchor the merged file does not define.
                raise ParseError(
                    "this entry is a YAML alias of an earlier value; write the value out so it "
                    "can be carried into the merged file",
                    self.at(line),
                )
            if current.id == "sequence":
                stack.extend(_items(current))
            elif current.id == "mapping":
                for k, v in _raw_pairs(current):
                    if str(k.tag) == _MERGE_TAG:
                        raise ParseError(
                            "a '<<' merge key cannot be carried into the merged file; write "
                            "the merged entries out",
                            self.at(_line(k)),
                        )
                    stack.extend((k, v))

    def _round_trip(self) -> CommentedMap:
        if self._loaded is None:
            from ruamel.yaml import YAML
            from ruamel.yaml.error import MarkedYAMLError, YAMLError

            try:
                self._loaded = cast("CommentedMap", YAML(typ="rt").load(self.text))
            except MarkedYAMLError as exc:
                raise _yaml_error(exc, self.file.origin) from None
            except YAMLError as exc:
                raise ParseError(f"invalid YAML: {type(exc).__name__}", self.file.origin) from None
        return self._loaded
