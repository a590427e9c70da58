"""The three py-rattler types bindermerge parses conda specs with, loaded cheaply.

``import rattler`` runs py-rattler's package ``__init__``, which imports every wrapper module
(index, solver, installer, networking, sigstore, ...): about 25 ms, more than the rest of a
merge of small environment files. The parsing itself lives in py-rattler's one native module,
``rattler.rattler``, which loads in about 4 ms. When py-rattler has not been imported yet, this
module loads that native module alone (registered as ``rattler.rattler``, so a later
``import rattler`` reuses it rather than initialising it twice) and wraps its classes in the
same small API as py-rattler's own ``MatchSpec``, ``VersionSpec`` and ``Version``. When
py-rattler is already imported (locking), or the native module cannot be found, the public
classes are used. ``tests/test_rattler_core.py`` checks the two give the same answers.

Keep the pin on py-rattler in pyproject.toml narrow: the native class names (``PyMatchSpec``,
``PyVersionSpec``, ``PyVersion``) and their constructors' arguments are py-rattler internals.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from functools import lru_cache
from types import ModuleType
from typing import Any, Protocol

_NATIVE = "rattler.rattler"


class VersionLike(Protocol):
    """What :mod:`bindermerge.specs.conda` asks of a conda version."""

    @property
    def segment_count(self) -> int: ...

    @property
    def is_dev(self) -> bool: ...

    @property
    def epoch(self) -> str | None: ...

    def as_major_minor(self) -> tuple[int, int] | None: ...

    def segments(self) -> list[list[str | int]]: ...

    def with_alpha(self) -> VersionLike: ...

    def bump_last(self) -> VersionLike: ...

    def bump_segment(self, index: int) -> VersionLike: ...

    def with_segments(self, start: int, stop: int) -> VersionLike: ...


class _NativeVersion(Protocol):
    """The methods of py-rattler's native ``PyVersion`` used here."""

    def segment_count(self) -> int: ...

    def is_dev(self) -> bool: ...

    def epoch(self) -> str | None: ...

    def as_major_minor(self) -> tuple[int, int] | None: ...

    def segments(self) -> list[list[str | int]]: ...

    def with_alpha(self) -> _NativeVersion: ...

    def bump_last(self) -> _NativeVersion: ...

    def bump_segment(self, index: int) -> _NativeVersion: ...

    def with_segments(self, start: int, stop: int) -> _NativeVersion: ...

    def as_str(self) -> str: ...


class _NativeVersionSpec(Protocol):
    def matches(self, version: _NativeVersion) -> bool: ...

    def as_str(self) -> str: ...


class VersionSpecLike(Protocol):
    """What :mod:`bindermerge.specs.conda` asks of a conda version spec."""

    def matches(self, version: Any) -> bool: ...


@lru_cache(maxsize=1)
def _native() -> ModuleType | None:
    """py-rattler's native module, loaded without the package; None to use the public API."""
    if "rattler" in sys.modules:
        return None  # the package is loaded anyway: its public classes cost nothing more
    if _NATIVE in sys.modules:
        return sys.modules[_NATIVE]
    spec = importlib.util.find_spec("rattler")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folder, "rattler" + suffix)
            if os.path.isfile(path):
                loader = importlib.machinery.ExtensionFileLoader(_NATIVE, path)
                native_spec = importlib.util.spec_from_file_location(_NATIVE, path, loader=loader)
                if native_spec is None:
                    return None
                module = importlib.util.module_from_spec(native_spec)
                sys.modules[_NATIVE] = module  # one initialisation per process, shared
                try:
                    loader.exec_module(module)
                except Exception:  # noqa: BLE001 - an unexpected build: use the public API
                    del sys.modules[_NATIVE]
                    return None
                return module
    return None


class _Version:
    """py-rattler's ``Version`` API over the native ``PyVersion``."""

    __slots__ = ("_v",)

    def __init__(self, native: _NativeVersion) -> None:
        self._v = native

    @property
    def segment_count(self) -> int:
        return int(self._v.segment_count())

    @property
    def is_dev(self) -> bool:
        return bool(self._v.is_dev())

    @property
    def epoch(self) -> str | None:
        return self._v.epoch()

    def as_major_minor(self) -> tuple[int, int] | None:
        return self._v.as_major_minor()

    def segments(self) -> list[list[str | int]]:
        return list(self._v.segments())

    def with_alpha(self) -> _Version:
        return _Version(self._v.with_alpha())

    def bump_last(self) -> _Version:
        return _Version(self._v.bump_last())

    def bump_segment(self, index: int) -> _Version:
        return _Version(self._v.bump_segment(index))

    def with_segments(self, start: int, stop: int) -> _Version:
        return _Version(self._v.with_segments(start, stop))

    def __str__(self) -> str:
        return str(self._v.as_str())


def version(text: str) -> VersionLike:
    """A conda version (raises one of :func:`errors` when ``text`` is not one)."""
    native = _native()
    if native is None:
        from rattler import Version

        v: VersionLike = Version(text)
        return v
    return _Version(native.PyVersion(text))


class _VersionSpec:
    """py-rattler's ``VersionSpec`` API over the native ``PyVersionSpec``."""

    __slots__ = ("_s",)

    def __init__(self, native: _NativeVersionSpec) -> None:
        self._s = native

    def matches(self, version: _Version) -> bool:
        return bool(self._s.matches(version._v))

    def __str__(self) -> str:
        return str(self._s.as_str())


def version_spec(text: str) -> VersionSpecLike:
    """A conda version spec (raises one of :func:`errors` when ``text`` is not one)."""
    native = _native()
    if native is None:
        from rattler import VersionSpec

        spec: VersionSpecLike = VersionSpec(text)
        return spec
    return _VersionSpec(native.PyVersionSpec(text, False))


class MatchSpecParts:
    """What bindermerge reads of a parsed match spec."""

    __slots__ = ("name", "version", "build", "canonical")

    def __init__(self, name: str, version: str | None, build: str | None, canonical: str):
        self.name = name  # rattler's normalised package name (or pattern)
        self.version = version  # rattler's canonical version spec, None when absent
        self.build = build
        self.canonical = canonical  # str(MatchSpec)


def match_spec(text: str) -> MatchSpecParts:
    """Parse a conda match spec as ``rattler.MatchSpec(text)`` does (non-strict)."""
    native = _native()
    if native is None:
        from rattler import MatchSpec

        m = MatchSpec(text)
        version = str(m.version) if m.version is not None else None
        return MatchSpecParts(m.name.normalized, version, m.build, str(m))
    # py-rattler's MatchSpec defaults: strict=False, exact_names_only=True, extras, conditionals
    # and flags allowed.
    n = native.PyMatchSpec(text, False, True, True, True, True)
    version = str(n.version) if n.version is not None else None
    return MatchSpecParts(n.name.normalized, version, n.build, str(n.as_str()))


@lru_cache(maxsize=1)
def errors() -> tuple[type[Exception], ...]:
    """Every exception class py-rattler raises for bad input (its own classes, plus ValueError)."""
    native = _native()
    if native is None:
        import rattler.exceptions as source
    else:
        source = native
    own = tuple(
        v for v in vars(source).values() if isinstance(v, type) and issubclass(v, Exception)
    )
    return (*own, ValueError, TypeError)
