"""``bindermerge basebox``: merge the sources and commit the result onto a base-box branch.

A base-box branch holds only an environment: ``binder/`` (the merged output, manifest
included) and a README.md with its launch links. Content lives in another repository and is
pulled in with nbgitpuller when a session starts, so content changes never rebuild the image.

The run reads the branch as it is (its ``binder/`` is the previous output: the recorded git
commits are kept, a lock is reused, a file changed by hand is refused without ``--force``),
merges exactly as ``bindermerge`` does, and commits only when the tree changed, with the
plumbing of :mod:`.branch`: the user's checkout is never touched.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bindermerge.basebox import branch as git
from bindermerge.basebox.branch import BranchError
from bindermerge.errors import BinderMergeError, UsageError

if TYPE_CHECKING:
    from bindermerge.cli.report import Reporter
    from bindermerge.options import MergeOptions
    from bindermerge.pipeline import MergeResult

BINDER = "binder"
README = "README.md"
README_TEMPLATE = "basebox-README.md.j2"
TRAILER = "Bindermerge-Readme"  # the sha256 of the README this tool wrote, in the commit
NBGITPULLER = "nbgitpuller"
DEFAULT_REMOTE = "origin"  # --remote's default: absent, it only costs the link
EXIT_OK, EXIT_CONFLICT, EXIT_BAD_INPUT = 0, 1, 2


@dataclass
class BaseboxRequest:
    """What ``bindermerge basebox`` was asked to do (the command line's words, parsed).

    ``values`` are the merge options given on the command line (the config file fills in the
    rest, as for a merge); ``push`` is the remote to push to, or None.
    """

    branch: str
    sources: list[str] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)
    config_file: str | None = None
    no_config: bool = False
    repo: str = "."
    content: str | None = None
    content_branch: str | None = None
    target_path: str | None = None
    binder_repo: str | None = None
    remote: str = DEFAULT_REMOTE
    templates: str | None = None
    push: str | None = None
    hub: str | None = None
    app: str | None = None


@dataclass(frozen=True)
class Launch:
    url: str
    badge: str
    plain: str | None  # the environment without content, when the main link pulls content


def run_basebox(request: BaseboxRequest) -> int:
    """Run ``bindermerge basebox``; print what happened and the launch URL last; exit code."""
    from bindermerge.cli.report import Reporter

    rep = Reporter(as_json=False)
    try:
        return _run(request, rep)
    except BinderMergeError as exc:
        return rep.usage(str(exc)) if isinstance(exc, UsageError) else rep.error(exc)


def _run(request: BaseboxRequest, rep: Reporter) -> int:
    from bindermerge.config import resolve
    from bindermerge.options import MergeOptions

    sources, values, _config = resolve(
        request.sources,
        request.values,
        config_file=request.config_file,
        no_config=request.no_config,
    )
    values.pop("output", None)  # the branch is the output
    try:
        opts = MergeOptions(**values)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    problem = opts.misplaced()
    if problem:
        raise UsageError(problem)
    repo = git.open_repository(request.repo)
    ref = git.check_branch_name(repo, request.branch)
    holder = git.checked_out(repo, ref)
    if holder is not None:
        raise BranchError(
            f"branch {request.branch} is checked out in {holder}: basebox would change it under "
            "that work tree; check out another branch there, or name another --branch"
        )
    # The remote's URL names the repository for the link, unless --binder-repo does.
    fetched_from = None if request.binder_repo else git.remote_url(repo, request.remote)
    named = request.remote != DEFAULT_REMOTE and request.binder_repo is None
    if named and fetched_from is None:  # a typo: say so, commit nothing
        raise BranchError(
            f"--remote {request.remote}: the repository has no remote named {request.remote}"
        )
    launch = _launch(request, fetched_from)  # before any work: bad --content or --hub: exit 2
    if request.push is not None:
        git.check_push_target(repo, request.push)
    old = git.head_of(repo, ref)
    with tempfile.TemporaryDirectory(prefix="bindermerge-basebox-") as tmp:
        out = Path(tmp) / BINDER
        _check_out_previous(repo, request, old, out, force=opts.force)
        result = _merge(request, sources, opts, out, Path(tmp))
        rep.findings(result)
        if not result.ok:
            return rep.finish(result, EXIT_CONFLICT, f"unresolved conflicts: {ref} unchanged")
        if opts.strict and (any(not w.is_info for w in result.warnings) or result.conflicts):
            return rep.finish(result, EXIT_CONFLICT, f"warnings under --strict: {ref} unchanged")
        if opts.lock:
            locked = _lock(result, out, opts, rep)
            if locked is None:
                return EXIT_CONFLICT
            result = locked
        result.write(out, force=True)  # our own temporary copy: checked above
        readme = _readme(request, sources, result, launch).encode("utf-8")
        files = _tree_files(out)
        files[README] = ("100644", readme)
        tree = git.write_tree(repo, files)
    if old is not None and git.tree_of(repo, old) == tree:
        rep.finish(result, EXIT_OK, f"branch {request.branch} is up to date")
    else:
        message = _message(sources, result, readme)
        new = git.commit(repo, tree, old, message)
        git.move(repo, ref, new, old)
        made = "created" if old is None else "updated"
        rep.finish(
            result, EXIT_OK, f"{made} branch {request.branch} ({new[:12]}): {BINDER}/, {README}"
        )
    if request.push is not None:
        try:
            git.push(repo, request.push, ref)
        except BranchError as exc:
            raise BranchError(
                f"branch {request.branch} is committed here, but the push failed ({exc}); "
                f"push it with: git push {request.push} {request.branch}"
            ) from None
        print(f"bindermerge: pushed {request.branch} to {request.push}", file=sys.stderr)
    if launch is not None:
        print(launch.url)
    else:
        why = (
            "names no repository a BinderHub can fetch"
            if fetched_from is not None
            else "is not a remote of this repository"
        )
        print(
            f"bindermerge: no launch link: {request.remote!r} {why}; name the repository with "
            "--binder-repo gh:OWNER/REPO",
            file=sys.stderr,
        )
    return EXIT_OK


# --- the previous state of the branch -------------------------------------------------------


def _check_out_previous(
    repo: git.Repository, request: BaseboxRequest, old: str | None, out: Path, *, force: bool
) -> None:
    """Write the branch's ``binder/`` to ``out`` (the previous output: its manifest pins the
    git sources and lets a lock be reused). Refuses, without ``force``, a branch holding
    files bindermerge did not write, or a README someone changed."""
    if old is None:
        return
    from bindermerge.output.write import ownership_problem

    entries = git.files_of(repo, old)
    prefix = f"{BINDER}/"
    foreign = sorted(p for p in entries if not p.startswith(prefix) and p != README)
    foreign += sorted(p for p, e in entries.items() if p.startswith(prefix) and e.mode == "160000")
    if foreign and not force:
        raise BranchError(_would_lose(request.branch, "holds files bindermerge did not write",
                                      foreign))  # fmt: skip
    mine = {p: e for p, e in entries.items() if p.startswith(prefix) and e.mode != "160000"}
    paths = sorted(mine)
    for path, data in zip(paths, git.read_blobs(repo, [mine[p].blob for p in paths]), strict=True):
        target = out / path[len(prefix) :]
        target.parent.mkdir(parents=True, exist_ok=True)
        if mine[path].mode == "120000":
            os.symlink(data, target)
        else:
            target.write_bytes(data)
            target.chmod(0o755 if mine[path].mode == "100755" else 0o644)
    problem = ownership_problem(out) if out.exists() else None
    if problem and not force:
        raise BranchError(f"branch {request.branch}: {BINDER}/ {problem}")
    if problem:  # --force: start from nothing, as the output of a merge would
        import shutil

        shutil.rmtree(out)
    readme = entries.get(README)
    if readme is not None and not force:
        data = git.read_blobs(repo, [readme.blob])[0]
        if hashlib.sha256(data).hexdigest() not in _written_readmes(repo, old):
            raise BranchError(_would_lose(
                request.branch, f"has a {README} changed since bindermerge wrote it", [README]
            ))  # fmt: skip


def _would_lose(branch: str, what: str, paths: list[str]) -> str:
    from bindermerge.output.write import would_lose

    return f"branch {branch} {what}{would_lose(paths)}"


def _written_readmes(repo: git.Repository, old: str) -> set[str]:
    """The sha256 of every README a run of basebox wrote on this branch (the trailer of its
    commits): a README found on the branch is bindermerge's when it is one of them, whatever
    was committed since (a revert, an amend, a merge)."""
    log = repo.git("log", "--format=%B", old).decode("utf-8", "replace")
    prefix = f"{TRAILER}: sha256:"
    return {line[len(prefix) :].strip() for line in log.splitlines() if line.startswith(prefix)}


def _tree_files(out: Path) -> dict[str, tuple[str, bytes]]:
    files = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            mode = "100755" if os.access(path, os.X_OK) else "100644"
            files[f"{BINDER}/{path.relative_to(out).as_posix()}"] = (mode, path.read_bytes())
    return files


# --- the merge ------------------------------------------------------------------------------


def _merge(request: BaseboxRequest, sources: Sequence[str], opts: MergeOptions, out: Path,
           tmp: Path) -> MergeResult:  # fmt: skip
    """Merge as ``bindermerge`` would into ``out``; with ``--content``, nbgitpuller is added
    to where the environment installs Python packages unless a source installs it already."""
    from bindermerge.output.manifest import Manifest, ManifestError
    from bindermerge.pipeline import merge
    from bindermerge.sources.open import open_sources

    try:
        recorded = Manifest.read(out)
    except (ManifestError, OSError):
        recorded = None
    pins = recorded.git_pins() if recorded is not None else {}
    result = merge(open_sources(list(sources), pins=pins, update=opts.update), opts)
    if request.content is None or not result.ok or installs(result, NBGITPULLER):
        return result
    added = tmp / NBGITPULLER
    added.mkdir()
    (added / "requirements.txt").write_text(
        "# bindermerge basebox --content: nbgitpuller pulls the content repository in\n"
        f"{NBGITPULLER}\n"
    )
    specs = [*sources, str(added)]
    result = merge(open_sources(specs, pins=pins, update=opts.update), opts)
    if result.ok and not installs(result, NBGITPULLER):
        why = (
            "with --no-fold it would go to a requirements.txt that repo2docker ignores beside "
            "environment.yml: drop --no-fold, or add nbgitpuller to a source's environment.yml"
            if not opts.fold
            else "the merged environment does not install the nbgitpuller added to it: add it "
            "to a source's environment.yml or requirements.txt"
        )
        raise UsageError(f"--content needs nbgitpuller in the environment, but {why}")
    return result


def installs(result: MergeResult, package: str) -> bool:
    """True when repo2docker would install ``package`` from the merged output: a conda
    dependency or ``pip:`` entry of environment.yml when there is one (a requirements.txt
    beside it is ignored), else a line of requirements.txt."""
    from packaging.utils import canonicalize_name

    from bindermerge.kinds.environment.model import MergedEnvironment
    from bindermerge.specs.pip import MergedPip

    wanted = canonicalize_name(package)
    environment = result.values.get("environment")
    if isinstance(environment, MergedEnvironment):
        if any(canonicalize_name(d.name) == wanted for d in environment.dependencies):
            return True
        pip: object = environment.pip
    else:
        pip = result.values.get("requirements")
    # By name: "nbgitpuller>=1", "nbgitpuller @ git+...", "git+...#egg=nbgitpuller" alike.
    return isinstance(pip, MergedPip) and any(r.key == wanted for r in pip.requirements)


def _lock(result: MergeResult, out: Path, opts: MergeOptions, rep: Reporter) -> MergeResult | None:
    from bindermerge.lock import UnsatisfiableError
    from bindermerge.lock.apply import lock_result

    try:
        return lock_result(result, out, platforms=opts.platforms, backend=opts.lock_backend,
                           lock_pip=opts.lock_pip, solve=True)  # fmt: skip
    except UnsatisfiableError as exc:
        by = f"; packages asked for by {', '.join(exc.sources)}" if exc.sources else ""
        rep.finish(result, EXIT_CONFLICT,
                   f"the merged environment cannot be solved for {exc.platform}{by}:\n"
                   f"{exc.explanation}")  # fmt: skip
        return None


# --- links, README and the commit message ---------------------------------------------------


def _launch(request: BaseboxRequest, fetched_from: str | None) -> Launch | None:
    """The branch's launch link (with nbgitpuller when there is content), or None when the
    repository cannot be named for a BinderHub: ``--binder-repo`` names it, else the remote's
    URL ``fetched_from`` (None: no such remote)."""
    from bindermerge.links import badge, content, environment, launch_url

    pulled = None
    if request.content is not None:
        pulled = content(request.content, branch=request.content_branch,
                         target_path=request.target_path)  # fmt: skip
    spec = request.binder_repo or _spelling_of_remote(fetched_from)
    if spec is None:
        return None
    env = environment(spec, ref=request.branch, what="--binder-repo")
    if env.ref != request.branch:
        raise UsageError(f"--binder-repo {spec!r}: give no @REF; the branch is the ref")
    url = launch_url(env, hub=request.hub, app=request.app, content=pulled)
    plain = launch_url(env, hub=request.hub) if pulled is not None else None
    return Launch(url, badge(url, "markdown"), plain)


def _spelling_of_remote(fetched_from: str | None) -> str | None:
    """``gh:OWNER/REPO``, ``gl:...`` or ``git+https://...`` for a remote URL a hub can fetch."""
    from bindermerge.links.content import public_url

    url = public_url(fetched_from) if fetched_from is not None else None
    if url is None:
        return None
    host, _, path = url.removeprefix("https://").partition("/")
    if host == "github.com" and path.count("/") == 1:
        return f"gh:{path}"
    if host == "gitlab.com":
        return f"gl:{path}"
    return f"git+{url}"


def _readme(
    request: BaseboxRequest, specs: Sequence[str], result: MergeResult, launch: Launch | None
) -> str:
    from bindermerge._version import __version__

    values = {
        "branch": request.branch,
        "sources": _sources(specs, result),
        "launch": launch,
        "content": _content(request),
        "command": _command(request),
        "version": __version__,
    }
    if request.templates is not None:
        return _render_user_template(request.templates, values)
    from bindermerge.render.templates import render

    return render(README_TEMPLATE, **values)


def _render_user_template(directory: str, values: Mapping[str, object]) -> str:
    import jinja2

    path = os.path.join(directory, README_TEMPLATE)
    if not os.path.isfile(path):
        raise UsageError(f"--templates {directory}: has no {README_TEMPLATE}")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    try:
        return env.get_template(README_TEMPLATE).render(**values)
    except jinja2.TemplateError as exc:
        where = f":{exc.lineno}" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise UsageError(f"{path}{where}: {exc.message or exc}") from None


def _sources(specs: Sequence[str], result: MergeResult) -> list[dict[str, str]]:
    """One row per source, in merge order: its name, where it came from (the spec as given,
    without credentials for git; the package bindermerge added for ``--content``) and the
    commit it was merged at."""
    rows = []
    for i, record in enumerate(result.source_records):
        commit = record.get("commit", "")
        if i < len(specs):
            spec = f"`{record.get('spec') or specs[i]}`"
        else:
            spec = f"added by `--content` ({NBGITPULLER})"
        rows.append({"name": record.get("name", ""), "spec": spec, "commit": commit[:12]})
    return rows


def _content(request: BaseboxRequest) -> dict[str, str | None] | None:
    if request.content is None:
        return None
    return {"repo": request.content, "branch": request.content_branch}


# Options a regeneration must not repeat: a one-off override of the branch's own state.
_ONE_OFF = ("force", "update")


def _command(request: BaseboxRequest) -> str:
    """The command that makes this branch again: the sources and every option given."""
    from bindermerge.options import BY_NAME

    words = ["bindermerge", "basebox", *request.sources, "--branch", request.branch]
    for flag, value in (
        ("--content", request.content),
        ("--content-branch", request.content_branch),
        ("--target-path", request.target_path),
        ("--binder-repo", request.binder_repo),
        ("--remote", request.remote if request.remote != DEFAULT_REMOTE else None),
        ("--hub", request.hub),
        ("--app", request.app),
        ("--templates", request.templates),
        ("--config", request.config_file),
    ):
        if value is not None:
            words += [flag, value]
    if request.no_config:
        words.append("--no-config")
    for name, given in request.values.items():
        option = BY_NAME[name]
        if name in _ONE_OFF:
            continue
        if option.kind == "bool":
            switch = option.flag if bool(given) != option.negate else option.opposite
            words += [switch] if switch else []
        elif isinstance(given, (list, tuple)):
            for item in given:
                words += [option.flag, str(item)]
        elif given is not None:
            words += [option.flag, str(given)]
    return shlex.join(words)


def _message(specs: Sequence[str], result: MergeResult, readme: bytes) -> str:
    names = ", ".join(result.sources)
    lines = [f"bindermerge basebox: {BINDER}/ from {names}", ""]
    for row, record in zip(_sources(specs, result), result.source_records, strict=True):
        commit = record.get("commit")
        at = f" at {commit}" if commit else ""
        lines.append(f"- {row['name']}: {row['spec'].replace('`', '')}{at}")
    lines += ["", f"{TRAILER}: sha256:{hashlib.sha256(readme).hexdigest()}", ""]
    return "\n".join(lines)
