"""The output's manifest, ``.bindermerge.json``: the one module that reads and writes it.

The manifest lists every file bindermerge wrote with its sha256 and mode, the sources it was
made from, the options and the digest of the inputs. A later run reads it to know that the
directory is bindermerge's own and unchanged by hand (:mod:`bindermerge.output.write`), the
fast ``--check`` reads it to decide without merging (:mod:`bindermerge.cli.fastcheck`), and
``--lock`` reads it to reuse lock files nobody edited (:mod:`bindermerge.lock.apply`).

Schema (``format`` 2)::

    {
      "generator": "bindermerge",
      "format": 2,
      "version": "<bindermerge version>",
      "sources": [{"name": "db", "kind": "local"},
                  {"name": "postgres-binder", "kind": "git", "spec": "gh:me/postgres-binder@v2",
                   "url": "https://github.com/me/postgres-binder.git", "ref": "v2",
                   "commit": "<full id>", "subdir": ""}],
      "options": {"on_conflict": "fail", ...},          # the digested options
      "input_digest": "sha256:...",
      "strict_findings": 0,                             # what --strict fails on
      "files": {"apt.txt": {"sha256": "<hex>", "mode": "644"}, ...}
    }

``strict_findings`` counts the warnings and resolved conflicts of the merge that wrote the
directory (what ``--strict`` fails on): an up-to-date ``--check --strict`` answers from it,
without the sources' files, so a git source needs neither cache nor network there either. A
manifest without it (written before it existed) leaves that answer to the full merge.

A git source's record is what makes a merge reproducible: the next run with the same spec
uses the recorded commit (:meth:`Manifest.git_pins`) instead of resolving REF again, and needs
no network when the cache holds it. URLs are recorded without credentials.

Format 1 (bindermerge 0.1) had ``sources`` as a list of names; it is still read, so a
directory written by it stays bindermerge's own. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os

NAME = ".bindermerge.json"
FORMAT = 2
READABLE_FORMATS = (1, 2)
GENERATOR = "bindermerge"

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast --check path avoids typing
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


def mode_text(mode: int) -> str:
    """A file mode as the manifest (and the JSON report) write it: ``755`` or ``644``."""
    return "755" if mode & 0o111 else "644"


class ManifestError(ValueError):
    """A manifest that is not one bindermerge wrote (wrong JSON, wrong shape)."""


class Manifest:
    """A parsed manifest. ``files`` maps output paths to ``(sha256 hex, mode text)``."""

    __slots__ = (
        "version",
        "format",
        "sources",
        "options",
        "input_digest",
        "files",
        "strict_findings",
    )

    def __init__(
        self,
        *,
        version: str,
        sources: list[dict[str, str]],
        options: dict[str, object],
        input_digest: str,
        files: dict[str, tuple[str, str]],
        format: int = FORMAT,
        strict_findings: int | None = None,
    ) -> None:
        self.version = version
        self.format = format
        self.sources = sources
        self.options = options
        self.input_digest = input_digest
        self.files = files
        self.strict_findings = strict_findings

    # -- writing

    @classmethod
    def build(
        cls,
        *,
        version: str,
        sources: Iterable[Mapping[str, str]],
        options: Mapping[str, object],
        input_digest: str,
        files: Iterable[tuple[str, bytes, int]],
        strict_findings: int | None = None,
    ) -> Manifest:
        """The manifest of ``files`` given as ``(path, content, mode)``; ``strict_findings``
        is the number of warnings and resolved conflicts ``--strict`` would fail on (None:
        not known, and then ``--strict`` is left to the full merge)."""
        return cls(
            version=version,
            sources=[dict(s) for s in sources],
            options=dict(options),
            input_digest=input_digest,
            files={
                path: (hashlib.sha256(content).hexdigest(), mode_text(mode))
                for path, content, mode in sorted(files)
            },
            strict_findings=strict_findings,
        )

    def to_json(self) -> dict[str, object]:
        doc: dict[str, object] = {
            "generator": GENERATOR,
            "format": self.format,
            "version": self.version,
            "sources": self.sources,
            "options": self.options,
            "input_digest": self.input_digest,
            "files": {p: {"sha256": h, "mode": m} for p, (h, m) in sorted(self.files.items())},
        }
        if self.strict_findings is not None:
            doc["strict_findings"] = self.strict_findings
        return doc

    def render(self) -> bytes:
        """The file's bytes: sorted keys and a final newline, so it diffs cleanly."""
        text = json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n"
        return text.encode("utf-8")

    # -- reading

    @classmethod
    def parse(cls, data: bytes) -> Manifest:
        """Parse manifest bytes; :class:`ManifestError` when they are not a manifest."""
        try:
            doc = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ManifestError(f"{NAME} is not a bindermerge manifest") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("files"), dict):
            raise ManifestError(f"{NAME} is not a bindermerge manifest")
        fmt = doc.get("format", 1)
        if fmt not in READABLE_FORMATS:
            raise ManifestError(f"{NAME} has format {fmt!r}, which this bindermerge cannot read")
        files: dict[str, tuple[str, str]] = {}
        for path, entry in doc["files"].items():
            if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
                raise ManifestError(f"{NAME} is not a bindermerge manifest")
            files[str(path)] = (entry["sha256"], str(entry.get("mode", "644")))
        raw_sources = doc.get("sources") or []
        sources = [
            {"name": s} if isinstance(s, str) else {str(k): str(v) for k, v in s.items()}
            for s in raw_sources
            if isinstance(s, (str, dict))
        ]
        options = doc.get("options")
        findings = doc.get("strict_findings")
        return cls(
            version=str(doc.get("version", "")),
            format=int(fmt),
            sources=sources,
            options=options if isinstance(options, dict) else {},
            input_digest=str(doc.get("input_digest", "")),
            files=files,
            # bool is an int to isinstance, and no count
            strict_findings=findings
            if isinstance(findings, int) and not isinstance(findings, bool) and findings >= 0
            else None,
        )

    @classmethod
    def read(cls, directory: str | os.PathLike[str]) -> Manifest | None:
        """The manifest of an output directory; None when it has none.

        Raises :class:`ManifestError` when the file exists but is not a manifest.
        """
        try:
            with open(os.path.join(directory, NAME), "rb") as fh:
                data = fh.read()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return cls.parse(data)

    def lists(self, path: str, content: bytes) -> bool:
        """True when ``path`` is listed with exactly this content."""
        entry = self.files.get(path)
        return entry is not None and entry[0] == hashlib.sha256(content).hexdigest()

    def source_record(self, name: str) -> dict[str, str] | None:
        """The recorded facts of the source called ``name`` (kind, identity, commit, ...)."""
        return next((s for s in self.sources if s.get("name") == name), None)

    def git_pins(self) -> dict[str, str]:
        """The commit recorded for each git source, by its spec (as recorded: canonical and
        without credentials). A record whose commit is not a full commit id is left out."""
        pins = {}
        for record in self.sources:
            spec, commit = record.get("spec", ""), record.get("commit", "").lower()
            if record.get("kind") == "git" and spec and _is_commit(commit):
                pins[spec] = commit
        return pins


def _is_commit(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)
