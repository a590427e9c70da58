"""environment.yml: conda environments merged package by package, pip and runtime folded in.

repo2docker reads one ``environment.yml`` (else ``environment.yaml``) and then ignores
``requirements.txt`` and ``runtime.txt``. So when any source has an environment file the
output has exactly one ``environment.yml`` that carries everything:

* ``dependencies``: one spec per conda package. Specs are parsed by rattler
  (:mod:`bindermerge.conda_specs`); the specs of one package are conjoined, and an empty
  conjunction, two build strings or two explicit channels are a conflict naming every side.
  Each entry keeps the comments its sources wrote and says where it came from.
* Python: repo2docker takes the version from the first dependency matching
  ``python\\s*=+\\s*([\\d.]*)``. The python entry comes first and, whenever the merged spec pins
  ``X.Y``, is written so that this regex reads ``X.Y``. A folded ``runtime.txt`` is one more
  python spec.
* ``pip:``: exactly one block (conda reads only the last one), merged with the requirement
  engine (:mod:`bindermerge.pip_requirements`) together with every source's requirements.txt;
  ``pip`` becomes a conda dependency when no source listed it. Constraints (``-c``) go to a
  ``constraints.txt`` beside environment.yml, referred to as ``-c constraints.txt`` from the
  block: conda and mamba write the block to a temporary requirements file in
  environment.yml's directory, so pip resolves that path next to it.
* ``channels``: a union that keeps every source's own order (first-seen order where the
  sources say nothing); a pair ordered differently by two sources keeps the first's order
  with a warning. ``nodefaults`` wins over ``defaults``.
* ``variables``: union, one value per variable. ``name``: the first source's (or
  ``--name``). ``prefix``: dropped. Other keys: the first source's, with a warning.

The output is written by hand rather than by a YAML dumper, so that it is the same bytes on
every run and every comment sits where a reviewer expects it; :func:`_scalar` quotes every
value that YAML would not read back as the same string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from bindermerge.specs import conda as conda_specs
from bindermerge.specs import pip as pip
from bindermerge.repo2docker import constants as r2d_rules
from bindermerge.specs.conda_pip_names import pypi_names
from bindermerge.context import MergeContext
from bindermerge.errors import InputError
from bindermerge.model import Origin, OutputFile
from bindermerge.sources.local import SourceFile
from bindermerge.kinds.runtime import Runtime

NAME = "environment"
FILE = "environment.yml"
ALT_FILE = "environment.yaml"
CONSTRAINTS = "constraints.txt"
UNFOLDED_CONSTRAINTS = "pip-constraints.txt"  # when requirements.txt keeps constraints.txt

# What repo2docker does with a python dependency, from the one table of its rules: the regex
# it applies with .match to each string dependency in order, its default Python and what a
# bare major version means.
R2D_PYTHON = r2d_rules.PYTHON_PIN_RE
R2D_DEFAULT_PYTHON = r2d_rules.DEFAULT_PYTHON
R2D_MAJOR_PYTHONS = r2d_rules.MAJOR_PYTHONS

# Plain scalars that YAML 1.1 or 1.2 readers (yaml-cpp in mamba, ruamel in conda) do not
# read as text.
_YAML_SPECIAL = frozenset(
    {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".nan", ".inf", "-.inf", "+.inf"}
)


# --------------------------------------------------------------------------- fragments


@dataclass(frozen=True)
class Dependency:
    """One conda dependency of one source, with the comments written beside and above it."""

    spec: conda_specs.CondaSpec
    comment: str | None = None
    leading: tuple[str, ...] = ()


@dataclass(frozen=True)
class Note:
    """The comments of one pip line of an environment file, found by its origin."""

    origin: Origin
    comment: str | None
    leading: tuple[str, ...]


@dataclass(frozen=True)
class EnvFragment:
    """Everything one source's environment file asks for.

    ``ignored`` marks an ``environment.yaml`` that repo2docker skips because the same
    source has an ``environment.yml``; it is not parsed at all.
    """

    origin: Origin
    name: tuple[str, Origin] | None = None
    channels: tuple[Origin, ...] = ()  # each Origin's text is the channel
    dependencies: tuple[Dependency, ...] = ()
    pip: tuple[pip.PipFragment, ...] = ()
    pip_blocks: tuple[Origin, ...] = ()
    notes: tuple[Note, ...] = ()
    variables: tuple[tuple[str, str, Origin], ...] = ()
    others: tuple[tuple[str, str, Origin], ...] = ()  # unknown key, its YAML text, where
    prefix: Origin | None = None
    ignored: bool = False


def recognise(relpath: str) -> bool:
    """environment.yml and environment.yaml at the top of a binder directory."""
    return relpath in (FILE, ALT_FILE)


def parse(file: SourceFile, view: Any) -> EnvFragment:
    """Parse an environment file into a fragment, keeping order, lines and comments.

    ruamel.yaml composes the document (YAML 1.2, as conda and repo2docker read it) into
    nodes that carry their positions; comments are then read from the text at those positions.
    Raises :class:`InputError` naming file and line for invalid YAML, wrong types, duplicate
    keys, Jinja placeholders and conda specs rattler cannot parse.
    """
    if file.name == ALT_FILE and view is not None and view.get(FILE) is not None:
        return EnvFragment(file.origin, ignored=True)
    text = file.text()
    _reject_templates(text, file.origin)
    root = compose(text, file.origin)
    if root is None:
        return EnvFragment(file.origin)
    parser = _Parser(file, view, text.split("\n"))
    if not _is_mapping(root):
        raise InputError(
            "an environment file must be a mapping (name:, channels:, dependencies:), "
            f"not a {_kind(root)}",
            parser.at(_line(root)),
        )
    return parser.fragment(root)


def compose(text: str, origin: Origin) -> Any:
    """The YAML document as ruamel.yaml nodes (None when empty); InputError when invalid.

    ruamel.yaml's round-trip loader is pure Python and costs 6-8 ms for a 40-line file, which
    alone would exceed the budget for a hundred sources. Its libyaml parser (the ``libyaml``
    extra, ruamel.yaml.clibz) composes the same nodes, with the same YAML 1.2 resolution and
    positions, some 40 times faster; without it the round-trip composer is used. Comments are
    read from the text, not from the loader, so both paths give the same fragment.
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        try:
            from ruamel.yaml.cyaml import CSafeLoader
        except ImportError:  # no C parser installed: the round-trip composer, same nodes
            return _compose_rt(text)
        loader = CSafeLoader(text)
        try:
            return loader.get_single_node()
        except MarkedYAMLError:
            # libyaml speaks YAML 1.1 and refuses some 1.2 documents repo2docker reads
            # (``[python=3.11, conda-forge::numpy]``): the round-trip composer decides.
            return _compose_rt(text)
        finally:
            loader.dispose()
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "cannot be parsed"
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"invalid YAML: {problem}", origin.at(line)) from None
    except YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"invalid YAML: {first}", origin) from None


def _compose_rt(text: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="rt").compose(text)


def _reject_templates(text: str, origin: Origin) -> None:
    for number, line in enumerate(text.split("\n"), start=1):
        body = line if not line.lstrip().startswith("#") else ""
        cut = body.find(" #")
        body = body if cut < 0 else body[:cut]
        for mark in ("{{", "{%"):
            at = body.find(mark)
            if at >= 0:
                raise InputError(
                    f"Jinja placeholder {body[at:].strip()!r}: this is a template (cookiecutter?), "
                    "not an environment file; render it first",
                    origin.at(number, line.strip()),
                )


# Node helpers: ruamel's nodes are ScalarNode / SequenceNode / MappingNode with a resolved
# tag; their ``value`` is the scalar text as written, a list of nodes, or a list of pairs.
_TAG = "tag:yaml.org,2002:"
_KINDS = {"str": "string", "int": "number", "float": "number", "bool": "boolean",
          "null": "null", "timestamp": "date", "binary": "binary"}


def _is_mapping(node: Any) -> bool:
    return node.id == "mapping"


def _is_sequence(node: Any) -> bool:
    return node.id == "sequence"


def _is_null(node: Any) -> bool:
    return node.id == "scalar" and str(node.tag) == _TAG + "null"


def _string(node: Any) -> str | None:
    """The text of a string scalar, None for anything else."""
    return node.value if node.id == "scalar" and str(node.tag) == _TAG + "str" else None


def _kind(node: Any) -> str:
    if node.id == "mapping":
        return "mapping"
    if node.id == "sequence":
        return "list"
    tag = str(node.tag)
    return _KINDS.get(tag[len(_TAG):], tag) if tag.startswith(_TAG) else tag


def _line(node: Any) -> int:
    return node.start_mark.line + 1


def _pairs(node: Any, parser: _Parser) -> list[tuple[str, Any, int]]:
    """(key, value node, line) of a mapping node; duplicate keys are an error, as in ruamel."""
    out: list[tuple[str, Any, int]] = []
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = key_node.value if key_node.id == "scalar" else _kind(key_node)
        line = _line(key_node)
        if key in seen:
            raise InputError(f"duplicate key {key!r} (first at line {seen[key]})", parser.at(line))
        seen[key] = line
        out.append((str(key), value_node, line))
    return out


class _Parser:
    """Walks one composed environment file; knows its text for comments and line numbers."""

    def __init__(self, file: SourceFile, view: Any, lines: list[str]):
        self.file = file
        self.view = view
        self.lines = lines

    def at(self, line: int | None, text: str = "") -> Origin:
        return self.file.origin.at(line, text)

    def fragment(self, root: Any) -> EnvFragment:
        name = None
        channels: tuple[Origin, ...] = ()
        variables: tuple[tuple[str, str, Origin], ...] = ()
        conda: list[Dependency] = []
        pip_lines: list[tuple[str, Origin]] = []
        blocks: list[Origin] = []
        notes: list[Note] = []
        prefix = None
        others: list[tuple[str, str, Origin]] = []
        for key, node, line in _pairs(root, self):
            if key == "name":
                name = self._name(node, line)
            elif key == "channels":
                channels = self._channels(node, line)
            elif key == "dependencies":
                self._dependencies(node, line, conda, pip_lines, blocks, notes)
            elif key == "variables":
                variables = self._variables(node, line)
            elif key == "prefix":
                prefix = self.at(line, f"prefix: {node.value if node.id == 'scalar' else '...'}")
            else:
                others.append((key, self._as_written(line, node), self.at(line, key)))
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

    def _name(self, node: Any, line: int) -> tuple[str, Origin] | None:
        if _is_null(node):
            return None
        if node.id != "scalar":
            raise InputError(f"name must be a string, not a {_kind(node)}", self.at(line))
        return node.value, self.at(line, node.value)

    def _channels(self, node: Any, line: int) -> tuple[Origin, ...]:
        if _is_null(node):
            return ()
        if not _is_sequence(node):
            raise InputError(
                f"channels must be a list ('- conda-forge'), not a {_kind(node)}", self.at(line)
            )
        out = []
        for item in node.value:
            text = _string(item)
            if text is None or not text.strip():
                raise InputError(
                    f"a channel must be a name or URL, not a {_kind(item)}", self.at(_line(item))
                )
            out.append(self.at(_line(item), text.strip().rstrip("/")))
        return tuple(out)

    def _variables(self, node: Any, line: int) -> tuple[tuple[str, str, Origin], ...]:
        if _is_null(node):
            return ()
        if not _is_mapping(node):
            raise InputError(
                f"variables must be a mapping (NAME: value), not a {_kind(node)}", self.at(line)
            )
        out = []
        for key, value, where in _pairs(node, self):
            if value.id != "scalar" or _is_null(value):
                raise InputError(
                    f"variable {key} must have a value, not a {_kind(value)}", self.at(where)
                )
            # The scalar as written: conda exports every value as text ("3.10" stays "3.10").
            out.append((key, value.value, self.at(where, f"{key}: {value.value}")))
        return tuple(out)

    def _dependencies(
        self, node: Any, line: int, conda: list[Dependency], pip_lines: list[tuple[str, Origin]],
        blocks: list[Origin], notes: list[Note],
    ) -> None:
        if _is_null(node):
            return
        if not _is_sequence(node):
            raise InputError(
                f"dependencies must be a list ('- numpy'), not a {_kind(node)}"
                + (f" ({node.value!r})" if node.id == "scalar" else ""),
                self.at(line),
            )
        for item in node.value:
            where = _line(item)
            text = _string(item)
            if text is not None:
                spec = conda_specs.parse_spec(text, self.at(where, text.strip()))
                comment, leading = self._comments(item)
                conda.append(Dependency(spec, comment, leading))
            elif _is_mapping(item):
                for key, value, key_line in _pairs(item, self):
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
                    f"not a {_kind(item)}" + (f" ({item.value!r})" if item.id == "scalar" else ""),
                    self.at(where),
                )

    def _pip_block(
        self, node: Any, line: int, out: list[tuple[str, Origin]], notes: list[Note]
    ) -> None:
        if _is_null(node):
            return
        if not _is_sequence(node):
            raise InputError(
                f"pip: must be a list of requirements, not a {_kind(node)}", self.at(line)
            )
        for item in node.value:
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

    def _comments(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        """The comment after a list item on its last line, and the comment lines right above it."""
        end = node.end_mark
        rest = self.lines[end.line][end.column:].strip() if end.line < len(self.lines) else ""
        comment = rest[1:].strip() or None if rest.startswith("#") else None
        leading: list[str] = []
        start = node.start_mark
        if not self.lines[start.line][: start.column].strip(" -"):  # the item starts its line
            n = start.line - 1
            while n >= 0 and self.lines[n].strip().startswith("#"):
                leading.append(self.lines[n].strip()[1:].strip())
                n -= 1
        return comment, tuple(reversed(leading))

    def _as_written(self, line: int, node: Any) -> str:
        """A top-level entry as the source wrote it (the lines from its key to its value's end)."""
        if node.start_mark.line + 1 < line:
            # The value is an alias (``key: *anchor``) of something written earlier: copied
            # alone, the entry would name an anchor the merged file does not define.
            raise InputError(
                "this entry is a YAML alias of an earlier value; write the value out so it "
                "can be carried into the merged file",
                self.at(line),
            )
        end = node.end_mark.line + (1 if node.end_mark.column > 0 else 0)
        block = self.lines[line - 1: max(end, line)]
        while len(block) > 1 and (not block[-1].strip() or block[-1].lstrip().startswith("#")):
            block.pop()
        return "\n".join(block)


# --------------------------------------------------------------------------- merging


@dataclass
class MergedDependency:
    """One output conda dependency: its text and every origin that asked for it."""

    name: str
    text: str
    origins: list[Origin]
    comments: list[str] = field(default_factory=list)
    leading: list[str] = field(default_factory=list)
    added: str | None = None  # why bindermerge added it, for entries no source wrote


@dataclass
class MergedEnvironment:
    """The merged environment file, ready to render."""

    name: str | None = None
    channels: list[tuple[str, list[Origin]]] = field(default_factory=list)
    dependencies: list[MergedDependency] = field(default_factory=list)
    pip: pip.MergedPip | None = None
    notes: dict[Origin, Note] = field(default_factory=dict)
    variables: list[tuple[str, str, list[Origin]]] = field(default_factory=list)
    others: list[tuple[str, str]] = field(default_factory=list)
    constraints_file: str = CONSTRAINTS


def merge(fragments: Sequence[EnvFragment], ctx: MergeContext) -> MergedEnvironment:
    """Merge every source's environment file, folding requirements.txt and runtime.txt."""
    order = {name: i for i, name in enumerate(ctx.source_names)}
    frags = _chosen(fragments, ctx)
    folded_reqs, python_runtimes = _fold(ctx)

    merged = MergedEnvironment()
    merged.name = ctx.options.name or next((f.name[0] for f in frags if f.name), None)
    merged.channels = _merge_channels(frags, ctx)
    for f in frags:
        if f.prefix is not None:
            ctx.warn(
                "environment-prefix-dropped",
                "dropped 'prefix:': repo2docker installs into its own environment",
                f.prefix,
            )
        if len(f.pip_blocks) > 1:
            ctx.warn(
                "environment-several-pip-blocks",
                "several pip: blocks; conda would read only the last one, bindermerge merged all",
                *f.pip_blocks,
            )
        for note in f.notes:
            merged.notes[note.origin] = note

    pip_frags = [(order.get(p.origin.source, 0), 0, p) for f in frags for p in f.pip]
    pip_frags += [(order.get(p.origin.source, 0), 1, p) for p in folded_reqs]
    pip_frags.sort(key=lambda t: (t[0], t[1]))
    if pip_frags:
        merged.pip = pip.merge_fragments([p for _, _, p in pip_frags], ctx, kind=NAME, file=FILE)
        if not (merged.pip.options or merged.pip.requirements or merged.pip.constraints):
            merged.pip = None
    if "requirements" not in ctx.consumed:
        merged.constraints_file = UNFOLDED_CONSTRAINTS

    merged.dependencies = _merge_dependencies(frags, python_runtimes, order, ctx)
    if merged.pip is not None and all(d.name != "pip" for d in merged.dependencies):
        merged.dependencies.append(
            MergedDependency("pip", "pip", [], added="added by bindermerge: the pip: block needs it")
        )
    _warn_conda_and_pip(merged, frags, [p for _, _, p in pip_frags], ctx)
    merged.variables = _merge_variables(frags, ctx)
    merged.others = _merge_others(frags, ctx)
    return merged


def _chosen(fragments: Sequence[EnvFragment], ctx: MergeContext) -> list[EnvFragment]:
    """One environment file per source: environment.yml over environment.yaml, as repo2docker."""
    chosen = []
    for f in fragments:
        if f.ignored:
            ctx.warn(
                "environment-yaml-ignored",
                f"ignored: {f.origin.source} also has {FILE}, which repo2docker reads instead",
                f.origin,
            )
        else:
            chosen.append(f)
    return chosen


def _fold(ctx: MergeContext) -> tuple[list[pip.PipFragment], list[Runtime]]:
    """Take over requirements.txt and Python runtime.txt, or say why they stay apart.

    A runtime.txt naming R is never folded: it selects repo2docker's R buildpack, which
    reads environment.yml and requirements.txt both (so folding requirements.txt is still
    right) but takes its Python version from neither.
    """
    reqs = ctx.fragments_of("requirements")
    runtimes: list[Runtime] = ctx.fragments_of("runtime")
    python_rt = [r for r in runtimes if r.name == "python"]
    other_rt = [r for r in runtimes if r.name != "python"]
    if not ctx.options.fold:
        for f in reqs if not other_rt else ():
            ctx.warn(
                "environment-not-folded",
                f"kept apart (--no-fold): repo2docker ignores requirements.txt next to {FILE}, "
                "so these packages will not be installed",
                f.origin,
            )
        for r in python_rt:
            ctx.warn(
                "environment-not-folded",
                f"kept apart (--no-fold): repo2docker ignores runtime.txt's Python version next "
                f"to {FILE}",
                r.origin,
            )
        return [], []
    if reqs:
        ctx.consume("requirements")
    for r in other_rt:
        ctx.warn(
            "environment-runtime-r",
            f"not folded: runtime.txt {r.text!r} makes repo2docker use its R buildpack, which "
            f"installs {FILE} too but ignores its python pin and uses Python "
            f"{R2D_DEFAULT_PYTHON}",
            r.origin,
        )
    if runtimes and not other_rt:
        ctx.consume("runtime")
    return reqs, python_rt


def _merge_channels(frags: Sequence[EnvFragment], ctx: MergeContext) -> list[tuple[str, list[Origin]]]:
    """Union of channels that keeps each source's order; first-seen order breaks ties.

    ``before`` is the transitive closure of the accepted "a before b" facts with the origin
    that established each. A source that contradicts an accepted fact loses (with a warning):
    the earlier source's order stands.
    """
    origins: dict[str, list[Origin]] = {}
    before: dict[tuple[str, str], Origin] = {}
    nodefaults: list[Origin] = []
    for f in frags:
        listed: list[Origin] = []
        for o in f.channels:
            if o.text == "nodefaults":
                nodefaults.append(o)
                continue
            if o.text == "default":
                ctx.warn(
                    "environment-channel-default",
                    "channel 'default' does not exist; did you mean 'defaults'?",
                    o,
                )
            if all(x.text != o.text for x in listed):
                listed.append(o)
            origins.setdefault(o.text, []).append(o)
        for i, a in enumerate(listed):
            for b in listed[i + 1:]:
                _order_pair(a, b, before, ctx)
    if nodefaults:
        relying = origins.pop("defaults", [])
        if relying:
            ctx.warn(
                "environment-nodefaults",
                "dropped channel 'defaults': another source has 'nodefaults'; packages only on "
                "the defaults channel will not be found",
                *relying, nodefaults[0],
            )
    names = _topological(list(origins), before)
    out = [(n, origins[n]) for n in names]
    if nodefaults:
        out.append(("nodefaults", nodefaults))
    return out


def _order_pair(a: Origin, b: Origin, before: dict[tuple[str, str], Origin], ctx: MergeContext) -> None:
    if (a.text, b.text) in before:
        return
    if (b.text, a.text) in before:
        earlier = before[(b.text, a.text)]
        ctx.warn(
            "environment-channel-order",
            f"channels ordered differently: {earlier.source} puts {b.text!r} before {a.text!r}, "
            f"{a.source} puts {a.text!r} before {b.text!r}; kept {earlier.source}'s order",
            earlier, a,
        )
        return
    nodes = {x for pair in before for x in pair} | {a.text, b.text}
    ups = [x for x in nodes if x == a.text or (x, a.text) in before]
    downs = [y for y in nodes if y == b.text or (b.text, y) in before]
    for x in ups:
        for y in downs:
            before.setdefault((x, y), a)


def _topological(names: list[str], before: dict[tuple[str, str], Origin]) -> list[str]:
    placed: list[str] = []
    left = list(names)  # first-seen order
    while left:
        ready = next(n for n in left if not any((m, n) in before for m in left if m != n))
        placed.append(ready)
        left.remove(ready)
    return placed


def _merge_dependencies(
    frags: Sequence[EnvFragment], python_runtimes: Sequence[Runtime], order: dict[str, int],
    ctx: MergeContext,
) -> list[MergedDependency]:
    groups: dict[str, list[Dependency]] = {}
    for f in frags:
        for dep in f.dependencies:
            groups.setdefault(dep.spec.name, []).append(dep)
    for rt in python_runtimes:
        where = rt.origin.at(rt.origin.line or 1, rt.text)
        spec = conda_specs.parse_spec(f"python={rt.version}", where)
        groups.setdefault("python", []).append(Dependency(spec))
    out: list[MergedDependency] = []
    for key, deps in groups.items():
        deps.sort(key=lambda d: order.get(d.spec.origin.source, 0))  # stable: file order kept
        out.append(_merge_group(key, deps, ctx))
    out.sort(key=lambda d: d.name != "python")  # the python entry first, the rest as seen
    return out


def _merge_group(key: str, deps: list[Dependency], ctx: MergeContext) -> MergedDependency:
    active = list(deps)
    while True:
        result = conda_specs.combine([d.spec for d in active])
        if isinstance(result, conda_specs.Combined):
            break
        sides = list(result.specs)
        keep = ctx.conflict(NAME, FILE, key, [s.origin for s in sides], result.reason)
        losers = {id(s) for i, s in enumerate(sides) if i != keep}
        if result.field == "version":
            lost = {s.version for s in sides if id(s) in losers}
            active = [d for d in active if d.spec.version not in lost or d.spec is sides[keep]]
        else:
            lost_values = {getattr(s, result.field) for s in sides if id(s) in losers}
            active = [d for d in active if getattr(d.spec, result.field) not in lost_values]
    text = result.text
    if key == "python":
        text = _python_text(result, active, ctx)
    merged = MergedDependency(key, text, [])
    # Sources whose request lost a conflict are named in the conflict, not as a provenance.
    for d in active:
        if d.spec.origin not in merged.origins:
            merged.origins.append(d.spec.origin)
        if d.comment and d.comment not in merged.comments:
            merged.comments.append(d.comment)
        for line in d.leading:
            if line not in merged.leading:
                merged.leading.append(line)
    return merged


def _python_text(result: conda_specs.Combined, active: list[Dependency], ctx: MergeContext) -> str:
    """The python entry as repo2docker must read it (see the module docstring)."""
    xy = conda_specs.pinned_minor(result.version)
    if xy is None:
        picked = _r2d_picks(result.text)
        if result.version is not None and not conda_specs.allows(result.version, picked):
            ctx.warn(
                "environment-python-unpinned",
                f"{result.text!r} does not pin a Python X.Y, so repo2docker builds for "
                f"Python {picked}, which the spec excludes; write python=X.Y",
                *[d.spec.origin for d in active if d.spec.version is not None],
            )
        return result.text
    if _r2d_python(result.text) == xy and not result.channel:
        return result.text
    if result.channel:
        ctx.warn(
            "environment-python-channel",
            f"dropped the channel of {result.text!r}: repo2docker reads the Python version only "
            "from a dependency starting with 'python='",
            *[d.spec.origin for d in active if d.spec.channel],
        )
    return conda_specs.render_python(result.version, result.build, result.attributes)


def _r2d_picks(text: str) -> str:
    """The Python version repo2docker builds for when this is the first python dependency."""
    m = R2D_PYTHON.match(text)
    parts = m.group(1).split(".") if m and m.group(1) else []
    if len(parts) > 1:
        return ".".join(parts[:2])
    # A bare major version means repo2docker's default for it (CondaBuildPack.major_pythons).
    return R2D_MAJOR_PYTHONS.get(parts[0], R2D_DEFAULT_PYTHON) if parts else R2D_DEFAULT_PYTHON


def _r2d_python(text: str) -> str | None:
    """The ``X.Y`` repo2docker reads from this dependency text, or None."""
    m = R2D_PYTHON.match(text)
    if not m or not m.group(1):
        return None
    parts = m.group(1).split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else None


def _warn_conda_and_pip(
    merged: MergedEnvironment, frags: Sequence[EnvFragment], pip_frags: Sequence[pip.PipFragment],
    ctx: MergeContext,
) -> None:
    if merged.pip is None:
        return
    pip_origin: dict[str, Origin] = {}
    for frag in pip_frags:
        for r in frag.requirements:
            if r.requirement is not None and not r.constraint:
                pip_origin.setdefault(r.key, r.origin)
    for dep in merged.dependencies:
        if dep.added or dep.name == "pip":
            continue
        for name in pypi_names(dep.name):
            if name in pip_origin:
                ctx.warn(
                    "environment-conda-and-pip",
                    f"{name} is installed by conda ({dep.text!r}) and by pip "
                    f"({pip_origin[name].text!r}); pip's copy replaces conda's and can break "
                    "packages that depend on it: keep one",
                    *dep.origins[:1], pip_origin[name],
                )


def _merge_variables(frags: Sequence[EnvFragment], ctx: MergeContext) -> list[tuple[str, str, list[Origin]]]:
    values: dict[str, list[tuple[str, Origin]]] = {}
    for f in frags:
        for key, value, origin in f.variables:
            values.setdefault(key, []).append((value, origin))
    out = []
    for key, seen in values.items():
        distinct: list[tuple[str, Origin]] = []
        for value, origin in seen:
            if all(v != value for v, _ in distinct):
                distinct.append((value, origin))
        keep = 0
        if len(distinct) > 1:
            keep = ctx.conflict(NAME, FILE, f"variables.{key}", [o for _, o in distinct], "different values")
        out.append((key, distinct[keep][0], [o for _, o in seen]))
    return out


def _merge_others(frags: Sequence[EnvFragment], ctx: MergeContext) -> list[tuple[str, str]]:
    kept: dict[str, tuple[str, Origin]] = {}
    for f in frags:
        for key, text, origin in f.others:
            if key not in kept:
                kept[key] = (text, origin)
                ctx.warn(
                    "environment-unknown-key",
                    f"top-level key {key!r} is not merged; kept {origin.source}'s as written",
                    origin,
                )
            elif kept[key][0] != text:
                ctx.warn(
                    "environment-unknown-key",
                    f"top-level key {key!r} differs; kept {kept[key][1].source}'s, dropped "
                    f"{origin.source}'s",
                    kept[key][1], origin,
                )
    return [(key, text) for key, (text, _) in kept.items()]


# --------------------------------------------------------------------------- rendering


def render(merged: MergedEnvironment, ctx: MergeContext) -> list[OutputFile]:
    """environment.yml (and constraints.txt when the pip block has constraints)."""
    lines: list[str] = []
    files: list[OutputFile] = []
    if merged.name is not None:
        lines.append(f"name: {_scalar(merged.name)}")
    if merged.channels:
        lines.append("channels:")
        lines += [f"  - {_scalar(n)}{_tail(o)}" for n, o in merged.channels]
    deps = merged.dependencies
    lines.append("dependencies:" if deps or merged.pip else "dependencies: []")
    for d in deps:
        lines += [f"  # {c}" if c else "  #" for c in d.leading]
        notes = [d.added] if d.added else []
        lines.append(f"  - {_scalar(d.text)}{_tail(d.origins, [*notes, *d.comments])}")
    if merged.pip is not None:
        lines.append("  - pip:")
        if merged.pip.constraints:
            sources = _provenance(o for c in merged.pip.constraints for o in c.origins)
            lines.append(f"      - -c {merged.constraints_file}  # constraints from {sources}")
            body = [f"{c.text}{_tail(c.origins)}" for c in merged.pip.constraints]
            files.append(ctx.text_file(merged.constraints_file, "\n".join(body)))
        texts = pip.render_lines(merged.pip, with_sources=False)
        origin_lists = [o for _, o in merged.pip.options] + [r.origins for r in merged.pip.requirements]
        for text, origins in zip(texts, origin_lists):
            notes = [merged.notes[o] for o in origins if o in merged.notes]
            for line in dict.fromkeys(x for n in notes for x in n.leading):
                lines.append(f"      # {line}" if line else "      #")
            comments = list(dict.fromkeys(n.comment for n in notes if n.comment))
            lines.append(f"      - {_scalar(text)}{_tail(origins, comments)}")
    if merged.variables:
        lines.append("variables:")
        for key, value, origins in merged.variables:
            lines.append(f"  {_scalar(key)}: {_scalar(value)}{_tail(origins)}")
    lines += [text for _, text in merged.others]
    files.append(ctx.text_file(FILE, "\n".join(lines)))
    return files


def _provenance(origins: Any) -> str:
    labels: list[str] = []
    for o in origins:
        label = o.source if o.file in (FILE, ALT_FILE) else f"{o.source} ({o.file})"
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)


def _tail(origins: Sequence[Origin], notes: Sequence[str] = ()) -> str:
    parts = []
    if origins:
        parts.append(f"from {_provenance(origins)}")
    parts += [" ".join(n.split()) for n in notes if n]
    return f"  # {'; '.join(parts)}" if parts else ""


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar that reads back as the same string: plain when safe, else quoted."""
    if _plain_ok(text):
        return text
    import json

    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _plain_ok(text: str) -> bool:
    if not text or text != text.strip() or any(ch in text for ch in "\n\r\t\x00\"'`"):
        return False
    if not text.isprintable():
        return False
    first = text[0]
    if first in "?:,[]{}#&*!|>%@":
        return False
    if first == "-" and (len(text) == 1 or text[1] == " "):
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    if text.lower() in _YAML_SPECIAL:
        return False
    # Anything YAML might read as a number (1.2, 1e3, 0x1f, 1_000, .5, 12:30) stays quoted;
    # pip options (--pre, -e) start with "-" and a letter or a second "-" and are safe.
    numeric_like = (first.isdigit() or first in "+-.") and all(
        ch.isalnum() or ch in "._+-:" for ch in text
    )
    return not numeric_like or text.startswith("--") or (first == "-" and text[1:2].isalpha())
