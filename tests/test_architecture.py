"""The shape of the package: one options table, a registry that orders and loads kinds lazily,
no import cycles, and start-up that imports only what a run needs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, write_tree

from bindermerge import registry
from bindermerge.cli import argv
from bindermerge.options import BY_CONFIG_KEY, OPTIONS, MergeOptions
from bindermerge.registry import ENTRIES, Entry, RegistryError

PACKAGE = REPO / "bindermerge"
HEAVY = ("packaging", "ruamel", "typer", "click", "rattler", "jinja2", "conda_lock")


# --- options -------------------------------------------------------------------------------


def test_options_are_immutable_and_validated():
    opts = MergeOptions(on_conflict="first")
    with pytest.raises(AttributeError):
        opts.on_conflict = "last"  # type: ignore[misc]
    assert opts.replace(on_conflict="last").on_conflict == "last"
    assert opts == MergeOptions(on_conflict="first") and hash(opts) == hash(
        MergeOptions(on_conflict="first")
    )
    with pytest.raises(ValueError, match="--on-conflict must be fail, first or last"):
        MergeOptions(on_conflict="random")
    with pytest.raises(ValueError, match="unknown option"):
        MergeOptions(colour=True)
    assert MergeOptions(platforms=["osx-64", "osx-64"]).platforms == ("osx-64",)
    assert MergeOptions(platforms=["osx-64"]).misplaced() == "--platform needs --lock"


def test_digest_holds_exactly_the_merge_scoped_options():
    merge_scoped = {o.name for o in OPTIONS if o.scope == "merge"}
    assert set(MergeOptions().digest_items()) == merge_scoped
    # a run option never changes what is digested
    assert MergeOptions(force=True, json=True).digest_items() == MergeOptions().digest_items()
    assert MergeOptions(name="x").digest_items() != MergeOptions().digest_items()


def test_every_option_is_spelled_the_same_by_both_readers_and_the_help(cli):
    help_text = cli("merge", "--help").out
    for option in OPTIONS:
        for flag in option.flags:
            assert flag in help_text, flag
    # The fast reader knows every flag of the table, with the table's meaning.
    request = argv.parse(["src", "-o", "out", "--no-fold", "--platform", "a", "--platform", "b",
                          "--lock", "--on-conflict=last"])  # fmt: skip
    assert request is not None
    opts = MergeOptions(**request.values)
    assert (opts.fold, opts.platforms, opts.lock, opts.on_conflict, opts.output) == (
        False, ("a", "b"), True, "last", "out",
    )  # fmt: skip
    # Anything else is typer's to read and explain.
    for words in (["--help"], ["explain", "x"], ["src", "--bogus"], ["src", "--on-conflict", "x"],
                  ["src", "-o"], ["src", "--check=yes"]):  # fmt: skip
        assert argv.parse(words) is None, words


def test_config_keys_are_unique_and_kebab_case():
    keys = [o.config_key for o in OPTIONS if o.config_key]
    assert len(keys) == len(set(keys)) == len(BY_CONFIG_KEY)
    assert all(k == k.lower() and "_" not in k for k in keys)


# --- registry ------------------------------------------------------------------------------


def test_consumers_run_before_what_they_consume():
    order = [e.name for e in registry.run_order(e.name for e in ENTRIES)]
    for e in ENTRIES:
        for consumed in e.consumes:
            assert order.index(e.name) < order.index(consumed)


def test_registry_refuses_a_cycle_and_unknown_names():
    a = Entry("a", "a", consumes=("b",))
    b = Entry("b", "b", consumes=("a",))
    fallback = Entry("z", "z", fallback=True)
    with pytest.raises(RegistryError, match="consume each other"):
        registry.check([a, b, fallback])
    with pytest.raises(RegistryError, match="unknown kind"):
        registry.check([Entry("a", "a", reads=("nope",)), fallback])
    with pytest.raises(RegistryError, match="fallback"):
        registry.check([Entry("a", "a")])


def test_every_entry_loads_its_kind():
    for e in ENTRIES:
        kind = e.load()
        assert kind.name == e.name


def test_each_file_has_one_kind():
    assert registry.entry_for("apt.txt").name == "apt"
    assert registry.entry_for("environment.yaml").name == "environment"
    assert registry.entry_for("Manifest-v1.11.toml").name == "julia_project"
    assert registry.entry_for("sub/apt.txt").fallback
    assert registry.entry_for("seed.sql").fallback


# --- imports -------------------------------------------------------------------------------


def _module_imports(path: Path) -> set[str]:
    """bindermerge modules a module imports at load time (not inside functions)."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in tree.body:
        nodes = [node]
        if isinstance(node, ast.If):  # TYPE_CHECKING blocks import nothing at run time
            continue
        if isinstance(node, ast.Try):
            nodes = list(node.body)
        for n in nodes:
            if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("bindermerge"):
                found.add(n.module)
                for alias in n.names:  # from bindermerge.x import module
                    candidate = f"{n.module}.{alias.name}"
                    if _module_path(candidate) is not None:
                        found.add(candidate)
            elif isinstance(n, ast.Import):
                found |= {a.name for a in n.names if a.name.startswith("bindermerge")}
    return found


def _module_path(name: str) -> Path | None:
    rel = Path(*name.split("."))
    for candidate in (REPO / rel.with_suffix(".py"), REPO / rel / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def test_no_import_cycles():
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(REPO).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        graph[".".join(parts)] = _module_imports(path)
    # Importing a.b.c also runs a and a.b: count those edges too.
    for name in list(graph):
        for dep in list(graph[name]):
            pieces = dep.split(".")
            graph[name] |= {".".join(pieces[:i]) for i in range(1, len(pieces))}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if dep == node or dep not in graph or node.startswith(dep + "."):
                continue  # a package's own submodules and a module's parents are not cycles
            if state.get(dep) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*stack, node, dep]))
            if state.get(dep) is None:
                visit(dep, [*stack, node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def _imported_after(code: str, *args: str) -> list[str]:
    script = (
        "import sys\nfrom bindermerge.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )
    return eval(proc.stdout.strip().splitlines()[-1])  # a list literal we printed


def test_a_merge_imports_only_what_its_kinds_need(tmp_path):
    apt = write_tree(tmp_path / "apt", {"apt.txt": "git\n"})
    env = write_tree(tmp_path / "env", {"environment.yml": "dependencies:\n  - numpy\n"})
    scripts = write_tree(tmp_path / "s", {"postBuild": "echo hi\n"})
    assert _imported_after("", str(apt), "-o", str(tmp_path / "o1")) == []
    assert _imported_after("", str(env), "-o", str(tmp_path / "o2")) == ["rattler", "ruamel"]
    assert _imported_after("", str(scripts), "-o", str(tmp_path / "o3")) == ["jinja2"]
    # typer only for what the fast reader leaves to it
    assert "typer" in _imported_after("", str(apt), "-o", str(tmp_path / "o4"), "--bogus")


def test_refused_files_each_have_a_reason():
    from bindermerge.kinds import refused

    assert set(refused.REASONS) == set(registry.BY_NAME["refused"].files)


def test_the_manifest_is_read_in_one_module():
    readers = [
        p.relative_to(REPO).as_posix()
        for p in PACKAGE.rglob("*.py")
        if ".bindermerge.json" in p.read_text() and p.name not in ("manifest.py", "layout.py")
    ]
    assert readers == []


def test_the_registry_declares_what_placement_reads():
    from bindermerge.scripts import placement

    for name in ("postbuild", "start", "install_r", "root_files", "auxiliary"):
        assert set(placement.READS) <= set(registry.BY_NAME[name].reads), name
