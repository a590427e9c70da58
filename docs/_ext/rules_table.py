"""The ``bindermerge-repo2docker-rules`` directive: :mod:`bindermerge.repo2docker.table` shown.

The tables are made from the module's data (the same rows ``bindermerge explain`` applies and
the tests check against the real repo2docker), never copied: buildpacks in detection order,
the files each reads, the files every buildpack reads, why a present file is not read, and
the words the rows are written in.
"""

from __future__ import annotations

from typing import Any

from doc_tables import code, codes, table
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from bindermerge.repo2docker import table as r2d
from bindermerge.repo2docker.constants import LEGACY_KERNEL_BELOW, REPO2DOCKER_VERSION


def condition_text(condition: str) -> list[nodes.Node]:
    """A condition of the table in words (``file:NAME`` and ``root:NAME`` spelled out)."""
    kind, _, name = condition.partition(":")
    if kind == "file":
        return [code(name), nodes.Text(" is in the config directory")]
    if kind == "root":
        return [code(name), nodes.Text(" is at the root and there is no binder directory")]
    return [nodes.Text(r2d.CONDITIONS[condition])]


def _conditions(conditions: tuple[str, ...], sep: str) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for i, condition in enumerate(conditions):
        if i:
            out.append(nodes.Text(sep))
        out.extend(condition_text(condition))
    return out or [nodes.Text("-")]


def buildpack_rows() -> list[list[Any]]:
    return [
        [
            str(i),
            code(rule.name),
            _conditions(rule.picked_when, "; or "),
            _conditions(rule.unless, "; or ") if rule.unless else "-",
            code(rule.python_from) if rule.python_from else "no conda Python",
            codes(rule.checks) if rule.checks else "-",
            rule.fails or "-",
        ]
        for i, rule in enumerate(r2d.BUILDPACKS, start=1)
    ]


def _read_row(owner: str, read: r2d.Read) -> list[Any]:
    return [
        owner,
        codes(read.names, " or "),
        "repository root" if read.where == "root" else "config directory",
        condition_text(read.when),
        read.purpose,
        code(read.check) if read.check else "-",
        code(read.into) if read.into else "-",
    ]


def read_rows() -> list[list[Any]]:
    rows = [_read_row(rule.name, read) for rule in r2d.BUILDPACKS for read in rule.reads]
    rows += [_read_row("every buildpack but Docker", read) for read in r2d.EVERY_BUILDPACK_READS]
    return rows


def ignored_rows() -> list[list[Any]]:
    def name(text: str, what: str) -> nodes.Node | str:
        return f"any {what}" if text == "*" else code(text)

    return [
        [name(file, "file"), name(bp, "buildpack"), reason]
        for (file, bp), reason in r2d.IGNORED_BECAUSE.items()
    ] + [
        [name(file, "file"), "with a binder directory, at the root", reason]
        for file, reason in r2d.IGNORED_AT_ROOT.items()
    ]


class RulesDirective(SphinxDirective):
    """The repo2docker rules tables."""

    def run(self) -> list[nodes.Node]:
        intro = nodes.paragraph()
        intro += nodes.Text("The rules of repo2docker ")
        intro += code(REPO2DOCKER_VERSION)
        intro += nodes.Text(" on linux/amd64, as ")
        intro += code("bindermerge/repo2docker/table.py")
        intro += nodes.Text(" holds them. The default buildpack, when no row is picked, is ")
        intro += code(r2d.DEFAULT_BUILDPACK)
        intro += nodes.Text(".")
        out: list[nodes.Node] = [intro]
        out.append(_rubric("Buildpacks, in detection order"))
        out.append(
            table(
                ["#", "buildpack", "picked when", "unless", "Python from", "checks", "fails"],
                buildpack_rows(),
                ids="r2d-buildpacks",
            )
        )
        out.append(_rubric("Files each buildpack reads"))
        out.append(
            table(
                ["buildpack", "file", "where", "when", "what repo2docker does", "check", "into"],
                read_rows(),
                ids="r2d-reads",
            )
        )
        out.append(_rubric("Environments the packages go to"))
        out.append(
            table(
                ["into", f"Python below {_dotted(LEGACY_KERNEL_BELOW)}", "environment", "what"],
                [
                    [code(into), "yes" if legacy else "no", code(env), _environment(env)]
                    for (into, legacy), env in r2d.INSTALLED_INTO.items()
                ],
                ids="r2d-environments",
            )
        )
        out.append(_rubric("Why a present file is not read"))
        out.append(table(["file", "buildpack", "reason"], ignored_rows(), ids="r2d-ignored"))
        out.append(_rubric("Checks"))
        out.append(
            table(
                ["check", "what repo2docker requires"],
                [[code(k), v] for k, v in r2d.CHECK_NAMES.items()],
                ids="r2d-checks",
            )
        )
        return out


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


def _environment(name: str) -> str:
    # The sentences are format strings for explain; the docs show their placeholders.
    return r2d.ENVIRONMENTS[name].replace("{{", "{").replace("}}", "}")


def _rubric(text: str) -> nodes.rubric:
    return nodes.rubric(text, text)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("bindermerge-repo2docker-rules", RulesDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
