"""Writing the merged environment: environment.yml through ruamel.yaml's emitter, and the pip
constraints file beside it.

The document is built as ruamel's mappings and sequences with the comments attached to their
entries (users' comments above and beside entries, ``# from <source>`` provenance), then
written by the one dumper of :mod:`bindermerge.render.yaml`, so every name, spec, pip line,
variable and carried value reads back as merged, in YAML 1.2 and YAML 1.1 readers alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from bindermerge.context import MergeContext
from bindermerge.kinds.environment.model import ALT_FILE, FILE, MergedEnvironment
from bindermerge.model import Origin, OutputFile
from bindermerge.repo2docker.constants import RUNTIME_TXT
from bindermerge.specs import pip

if TYPE_CHECKING:
    from bindermerge.render.yaml import Container


def render(merged: MergedEnvironment, ctx: MergeContext) -> list[OutputFile]:
    """environment.yml (and constraints.txt when the pip block has constraints)."""
    from bindermerge.render import yaml

    # Columns of the comment lines above entries: a dependency's dash sits one dash offset in;
    # a pip line's dash one more sequence indent in, under "- pip:".
    dependency_column = yaml.SEQUENCE_DASH_OFFSET
    pip_column = yaml.SEQUENCE_INDENT + yaml.SEQUENCE_DASH_OFFSET

    files: list[OutputFile] = []
    doc = yaml.mapping()
    if merged.name is not None:
        doc["name"] = merged.name
    if merged.channels:
        channels = yaml.sequence()
        for name, origins in merged.channels:
            channels.append(name)
            _tail(channels, len(channels) - 1, origins)
        doc["channels"] = channels

    deps = yaml.sequence()
    for d in merged.dependencies:
        deps.append(d.text)
        index = len(deps) - 1
        yaml.comments_above(deps, index, d.leading, dependency_column)
        _tail(deps, index, d.origins, [d.added] if d.added else [], d.comments)
    if merged.pip is not None:
        block = yaml.sequence()
        if merged.pip.constraints:
            sources = _provenance(o for c in merged.pip.constraints for o in c.origins)
            block.append(f"-c {merged.constraints_file}")
            yaml.comment_after(block, 0, f"constraints from {sources}")
            body = [f"{c.text}{_requirement_comment(c.origins)}" for c in merged.pip.constraints]
            files.append(ctx.text_file(merged.constraints_file, "\n".join(body)))
        texts = pip.render_lines(merged.pip, with_sources=False)
        origin_lists = [o for _, o in merged.pip.options]
        origin_lists += [r.origins for r in merged.pip.requirements]
        for text, origins in zip(texts, origin_lists, strict=True):
            notes = [merged.notes[o] for o in origins if o in merged.notes]
            # A folded requirements.txt line keeps its comments too (issue 9 item 11).
            folded = merged.pip.comment_of(origins)
            block.append(text)
            index = len(block) - 1
            leading = [x for n in notes for x in n.leading] + list(folded.leading)
            yaml.comments_above(block, index, list(dict.fromkeys(leading)), pip_column)
            comments = [n.comment for n in notes if n.comment] + [folded.trailing or ""]
            _tail(block, index, origins, list(dict.fromkeys(c for c in comments if c)))
        deps.append(yaml.mapping([("pip", block)]))
    doc["dependencies"] = deps

    if merged.variables:
        variables = yaml.mapping()
        for key, value, origins in merged.variables:
            variables[key] = value
            _tail(variables, key, origins)
        doc["variables"] = variables
    for key, carried in merged.others:
        doc[key] = carried
        if key in merged.other_comments:
            yaml.comment_after(doc, key, merged.other_comments[key])
    files.append(ctx.text_file(FILE, yaml.dumps(doc)))
    if merged.runtime is not None:  # read whole as one value: no header (the manifest has it)
        files.append(OutputFile(RUNTIME_TXT, (merged.runtime + "\n").encode("utf-8")))
    return files


def _provenance(origins: Iterable[Origin]) -> str:
    labels: list[str] = []
    for o in origins:
        label = o.source if o.file in (FILE, ALT_FILE) else f"{o.source} ({o.file})"
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)


def _tail_text(origins: Sequence[Origin], *notes: Sequence[str]) -> str:
    """``from a, b; note; note``: where an entry came from, then what its sources said of it."""
    parts = []
    if origins:
        parts.append(f"from {_provenance(origins)}")
    parts += [" ".join(n.split()) for group in notes for n in group if n]
    return "; ".join(parts)


def _tail(
    container: Container, key: str | int, origins: Sequence[Origin], *notes: Sequence[str]
) -> None:
    from bindermerge.render import yaml

    text = _tail_text(origins, *notes)
    if text:
        yaml.comment_after(container, key, text)


def _requirement_comment(origins: Sequence[Origin]) -> str:
    """The same comment for a line of a requirements file (constraints.txt is not YAML)."""
    text = _tail_text(origins)
    return f"  # {text}" if text else ""
