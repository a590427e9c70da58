"""Git repositories for tests: real bare repositories built in a temporary directory, and a
git configuration routing ``https://github.com/`` and ``https://gitlab.com/`` to them.

:class:`GitWorld` is one isolated git setup: its own ``HOME``, an empty system
configuration (``GIT_CONFIG_NOSYSTEM=1``), a ``GIT_CONFIG_GLOBAL`` holding the
``url.<base>.insteadOf`` routes, and its own ``XDG_CACHE_HOME``. :class:`Remote` is a bare
repository that tests commit to (through a work tree of its own), branch and tag; hostile
trees that no work tree can hold (a ``..`` entry, a ``.git`` file) are written with
``git mktree``. Nothing here touches the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

GITHUB = "https://github.com/"
GITLAB = "https://gitlab.com/"


@dataclass(frozen=True)
class Link:
    """A symbolic link to ``target`` (as the link's text) in a commit."""

    target: str


@dataclass(frozen=True)
class Submodule:
    """A submodule entry (mode 160000) pointing at ``commit``."""

    commit: str


Content = str | bytes | Link | Submodule | None  # None: remove the path


@dataclass
class GitWorld:
    """An isolated git setup under ``root``; :meth:`env` is the environment to run in."""

    root: Path
    routes: dict[str, Path] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.config.touch()
        self.cache.mkdir(parents=True, exist_ok=True)

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def config(self) -> Path:
        return self.root / "gitconfig"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def git_cache(self) -> Path:
        """Where bindermerge keeps its git cache entries in this world."""
        return self.cache / "bindermerge" / "git"

    def env(self) -> dict[str, str]:
        """The variables that make git (and bindermerge) use this world only."""
        return {
            "HOME": str(self.home),
            "GIT_CONFIG_GLOBAL": str(self.config),
            "GIT_CONFIG_NOSYSTEM": "1",
            "XDG_CACHE_HOME": str(self.cache),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.invalid",
        }

    def full_env(self) -> dict[str, str]:
        """``os.environ`` with this world's variables (for subprocesses)."""
        return {**os.environ, **self.env()}

    def git(self, *args: str | Path, cwd: Path | None = None, input: bytes | None = None) -> str:
        """Run git in this world; its stdout (stripped)."""
        proc = subprocess.run(
            ["git", *map(str, args)],
            cwd=cwd,
            env=self.full_env(),
            input=input,
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            raise AssertionError(f"git {' '.join(map(str, args))}: {proc.stderr.decode()}")
        return proc.stdout.decode("utf-8", "surrogateescape").strip()

    def set_config(self, key: str, value: str, *, add: bool = False) -> None:
        self.git("config", "--file", self.config, *(["--add"] if add else []), key, value)

    def route(self, base: str, to: Path) -> None:
        """Make git fetch ``base...`` from ``to/...`` (``url.<to>.insteadOf <base>``)."""
        to.mkdir(parents=True, exist_ok=True)
        self.set_config(f"url.{to.as_uri()}/.insteadOf", base, add=True)
        self.routes[base] = to

    def remote(self, name: str, *, under: Path | None = None, branch: str = "main") -> Remote:
        """A new bare repository ``<under>/<name>.git`` (default: ``root/remotes``)."""
        return Remote(self, (under or self.root / "remotes") / f"{name}.git", branch)

    def github(self, owner_repo: str, branch: str = "main") -> Remote:
        """The bare repository that ``gh:<owner_repo>`` reaches through the route."""
        if GITHUB not in self.routes:
            self.route(GITHUB, self.root / "github")
        return Remote(self, self.routes[GITHUB] / f"{owner_repo}.git", branch)

    def gitlab(self, path: str, branch: str = "main") -> Remote:
        if GITLAB not in self.routes:
            self.route(GITLAB, self.root / "gitlab")
        return Remote(self, self.routes[GITLAB] / f"{path}.git", branch)


class Remote:
    """A bare repository with a work tree of its own to make commits from."""

    def __init__(self, world: GitWorld, bare: Path, branch: str) -> None:
        self.world = world
        self.bare = bare
        self.work = world.root / "work" / bare.relative_to(world.root).with_suffix("")
        if not bare.exists():
            bare.parent.mkdir(parents=True, exist_ok=True)
            world.git("init", "--quiet", "--bare", f"--initial-branch={branch}", bare)
            world.git("init", "--quiet", f"--initial-branch={branch}", self.work)
            world.git("remote", "add", "origin", bare, cwd=self.work)

    @property
    def url(self) -> str:
        """``file://`` URL of the bare repository."""
        return self.bare.as_uri()

    def git(self, *args: str | Path, input: bytes | None = None) -> str:
        return self.world.git(*args, cwd=self.work, input=input)

    def commit(self, files: Mapping[str, Content], message: str = "change") -> str:
        """Write ``files`` into the work tree, commit everything and push; the commit id."""
        for rel, content in files.items():
            path = self.work / rel
            if path.is_symlink() or path.is_file():
                path.unlink()
            elif path.is_dir() and content is None:
                shutil.rmtree(path)
            if content is None:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Link):
                os.symlink(content.target, path)
            elif isinstance(content, Submodule):
                raise TypeError("use raw_commit for submodule entries")
            elif isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", newline="")
            if path.name in ("postBuild", "start") and not isinstance(content, Link):
                path.chmod(0o755)
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "--no-verify", "-m", message)
        self.push()
        return self.head()

    def raw_commit(self, tree: Mapping[str, Content], message: str = "raw") -> str:
        """Commit a tree built object by object (``git mktree``), so it may hold entries no
        work tree can (``..``, ``.git``, submodules), on the current branch; push it."""
        tree_id = self._mktree(tree)
        parent = ["-p", self.head()] if self._has_head() else []
        commit = self.git("commit-tree", tree_id, "-m", message, *parent)
        self.git("update-ref", "HEAD", commit)
        self.push()
        return commit

    def _has_head(self) -> bool:
        try:
            self.git("rev-parse", "--verify", "--quiet", "HEAD")
        except AssertionError:
            return False
        return True

    def _mktree(self, tree: Mapping[str, Content]) -> str:
        nested: dict[str, dict[str, Content]] = {}
        lines = []
        for rel, content in tree.items():
            head, _, rest = rel.partition("/")
            if rest:
                nested.setdefault(head, {})[rest] = content
                continue
            if content is None:
                continue
            if isinstance(content, Submodule):
                lines.append(f"160000 commit {content.commit}\t{head}")
                continue
            if isinstance(content, Link):
                data, mode = content.target.encode(), "120000"
            else:
                data = content if isinstance(content, bytes) else content.encode()
                mode = "100755" if head in ("postBuild", "start") else "100644"
            blob = self.git("hash-object", "-w", "--stdin", input=data)
            lines.append(f"{mode} blob {blob}\t{head}")
        for name, sub in nested.items():
            lines.append(f"040000 tree {self._mktree(sub)}\t{name}")
        return self.git("mktree", input="".join(line + "\n" for line in lines).encode())

    def push(self) -> None:
        self.git("push", "--quiet", "--force", "--all", "origin")
        self.git("push", "--quiet", "--force", "--tags", "origin")

    def branch(self, name: str, start: str = "HEAD") -> None:
        self.git("branch", "--force", name, start)
        self.push()

    def checkout(self, name: str) -> None:
        self.git("checkout", "--quiet", name)

    def tag(self, name: str, *, annotated: bool = False, at: str = "HEAD") -> None:
        if annotated:
            self.git("tag", "--force", "-a", "-m", f"release {name}", name, at)
        else:
            self.git("tag", "--force", name, at)
        self.push()

    def head(self, ref: str = "HEAD") -> str:
        return self.git("rev-parse", f"{ref}^{{commit}}")

    def set_default_branch(self, name: str) -> None:
        self.world.git("symbolic-ref", "HEAD", f"refs/heads/{name}", cwd=self.bare)

    def remove(self) -> None:
        """Delete the bare repository: the remote is gone."""
        shutil.rmtree(self.bare)

    def many_commits(self, count: int, *, files_per_commit: int = 3, size: int = 2000) -> str:
        """``count`` commits of generated files, written with ``git fast-import`` (quick)."""
        lines: list[bytes] = []
        parent = self.head() if self._has_head() else None
        branch = self.git("symbolic-ref", "--short", "HEAD")
        for i in range(count):
            msg = f"commit {i}".encode()
            lines.append(f"commit refs/heads/{branch}\n".encode())
            lines.append(b"committer Test <test@example.invalid> 1700000000 +0000\n")
            lines.append(b"data %d\n%s\n" % (len(msg), msg))
            if i == 0 and parent:
                lines.append(f"from {parent}\n".encode())
            for j in range(files_per_commit):
                body = (f"{i} {j} " * (size // 8 + 1))[:size].encode()
                lines.append(f"M 100644 inline data/{(i * 7 + j) % 97}/file{j}.txt\n".encode())
                lines.append(b"data %d\n%s\n" % (len(body), body))
        self.git("fast-import", "--quiet", input=b"".join(lines))
        self.git("reset", "--quiet", "--hard", branch)
        self.push()
        return self.head()


def snapshot(root: Path, *, skip: tuple[Path, ...] = ()) -> dict[str, tuple[str, bytes]]:
    """Every path under ``root`` (but ``skip``) with its kind and bytes or link text: to
    assert that nothing else was written, changed or removed."""
    out: dict[str, tuple[str, bytes]] = {}
    skipped = [s.resolve() for s in skip]
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if (here / d).resolve() not in skipped]
        for name in [*dirnames, *filenames]:
            path = here / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path).encode())
            elif path.is_dir():
                out[rel] = ("dir", b"")
            elif path.resolve() not in skipped:
                out[rel] = ("file", path.read_bytes())
    return out
