"""The project's config file: ``[tool.bindermerge]`` in pyproject.toml, or bindermerge.toml.

A project keeps its list of sources and its options in one file, so ``bindermerge`` with no
arguments (and the pre-commit hook) runs the merge the project means. :func:`find` looks in
the current directory, then in each parent up to the root of the git work tree (outside a
work tree, only in the current directory: never up to ``$HOME``); :func:`load` reads and
checks one file; :func:`resolve` lays the command line over it.

Keys are ``sources`` and the ``config_key`` of every option in
:data:`bindermerge.options.OPTIONS`, each type-checked by the option's kind. Relative paths
(sources that are not git spellings, and ``output``) are relative to the file's directory.

Standard library only (``tomllib``, or ``tomli`` on Python 3.10, through
:mod:`bindermerge.toml_reading` and only when a file may hold a config): the fast
``--check`` of a configured project reads it.
"""

from __future__ import annotations

import os

from bindermerge.errors import InputError, ParseError, UsageError
from bindermerge.options import BY_CONFIG_KEY, BY_NAME, Option
from bindermerge.sources.spellings import is_git, looks_remote
from bindermerge.user_cache import user_cache

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast --check path avoids typing
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

PYPROJECT = "pyproject.toml"
STANDALONE = "bindermerge.toml"
TABLE = "tool.bindermerge"
SOURCES_KEY = "sources"
KEYS: tuple[str, ...] = (SOURCES_KEY, *BY_CONFIG_KEY)
# Spelled here once: the fast argument reader, the typer application and the help use them.
CONFIG_FLAG = "--config"
NO_CONFIG_FLAG = "--no-config"

NO_SOURCES = (
    "no sources: name them (bindermerge SRC... -o binder) or list them in a config file "
    f"({SOURCES_KEY} = [...] in [{TABLE}] of {PYPROJECT}, or in {STANDALONE})"
)


class ConfigError(InputError):
    """A config file that cannot be used: TOML syntax, an unknown key, a value of the wrong
    type, two config files in one directory. The message names the file (and line)."""


class Config:
    """One config file, read and checked.

    ``path`` is the file as a person would open it from the current directory; ``sources``
    is None when the file lists none, else the specs with relative paths made relative to the
    file's directory; ``values`` maps option names (:class:`~bindermerge.options.MergeOptions`
    attributes) to the file's values.
    """

    __slots__ = ("path", "sources", "values", "_data", "_in_pyproject")

    def __init__(
        self,
        path: str,
        sources: list[str] | None,
        values: dict[str, object],
        *,
        data: bytes = b"",
        in_pyproject: bool = False,
    ) -> None:
        self.path = path
        self.sources = sources
        self.values = values
        self._data = data
        self._in_pyproject = in_pyproject

    def error(self, key: str, message: str) -> ConfigError:
        """A :class:`ConfigError` about ``key``, naming this file and the key's line."""
        return _key_error(self.path, self._data, self._in_pyproject, key, message)

    def __repr__(self) -> str:
        return f"Config({self.path!r})"


def resolve(
    sources: Sequence[str],
    values: Mapping[str, object],
    *,
    config_file: str | None = None,
    no_config: bool = False,
) -> tuple[list[str], dict[str, object], Config | None]:
    """The sources and option values of a run: the config file's, under the command line's.

    ``values`` holds only the options given on the command line; sources given there replace
    the file's list. ``config_file`` names the file (no discovery); ``no_config`` ignores any.
    Raises :class:`ConfigError` for a bad file and :class:`UsageError` when no sources are
    named anywhere.
    """
    if config_file is not None and no_config:
        raise UsageError(f"{CONFIG_FLAG} and {NO_CONFIG_FLAG} exclude each other")
    config: Config | None = None
    if config_file is not None:
        config = load(config_file, required=True)
    elif not no_config:
        found = find()
        config = load(found) if found is not None else None
    merged: dict[str, object] = dict(config.values) if config is not None else {}
    merged.update(values)
    if config is not None:
        _check_requires(config, merged, values)
    chosen = list(sources)
    if not chosen and config is not None and config.sources is not None:
        chosen = list(config.sources)
    if not chosen:
        if config is not None:
            raise UsageError(
                f"{config.path} lists no sources: add {SOURCES_KEY} = [...] to it, or name "
                "them on the command line (bindermerge SRC... -o binder)"
            )
        raise UsageError(NO_SOURCES)
    return chosen, merged, config


def _check_requires(
    config: Config, merged: Mapping[str, object], given: Mapping[str, object]
) -> None:
    """A key the file sets that means nothing without another (``platforms`` without
    ``lock``) is the file's error, named by its key and line; the command line's own
    mistakes (``--platform`` without ``--lock``) are left to the options' check."""
    for name, value in config.values.items():
        option = BY_NAME[name]
        as_given = tuple(value) if isinstance(value, list) else value
        if option.requires is None or name in given or as_given == option.default:
            continue
        needed = BY_NAME[option.requires]
        if not merged.get(needed.name, needed.default):
            raise config.error(
                str(option.config_key),
                f"{option.config_key!r} needs {needed.config_key} = true (or {needed.flag})",
            )


# --- discovery -----------------------------------------------------------------------------


def find(start: str | None = None) -> str | None:
    """The config file that applies in ``start`` (default: the current directory), or None.

    Looks in ``start`` and each parent up to the root of the git work tree (the directory
    holding ``.git``, a directory or a file); outside a work tree only in ``start``. A
    pyproject.toml without ``[tool.bindermerge]`` does not count. Raises :class:`ConfigError`
    when one directory holds both kinds of config.
    """
    here = os.path.abspath(start if start is not None else os.getcwd())
    for directory in _search_path(here):
        pyproject = os.path.join(directory, PYPROJECT)
        standalone = os.path.join(directory, STANDALONE)
        has_pyproject = os.path.isfile(pyproject) and _configures(pyproject)
        has_standalone = os.path.isfile(standalone)
        if has_pyproject and has_standalone:
            raise ConfigError(
                f"{_shown(pyproject)} ([{TABLE}]) and {_shown(standalone)} both configure "
                f"bindermerge: keep one (remove [{TABLE}] from {PYPROJECT}, or delete "
                f"{STANDALONE})"
            )
        if has_standalone:
            return _shown(standalone)
        if has_pyproject:
            return _shown(pyproject)
    return None


def _search_path(here: str) -> list[str]:
    """``here`` and its parents up to the work tree's root; only ``here`` outside one."""
    chain = [here]
    while True:
        if os.path.lexists(os.path.join(chain[-1], ".git")):
            return chain
        parent = os.path.dirname(chain[-1])
        if parent == chain[-1]:
            return [here]  # no work tree: never wander up to $HOME or /
        chain.append(parent)


def _configures(pyproject: str) -> bool:
    """True when ``pyproject`` has a ``[tool.bindermerge]`` table (or does not parse: then
    reading it as the config reports the error rather than looking past it)."""
    try:
        with open(pyproject, "rb") as fh:
            data = fh.read()
    except OSError:
        return False
    # The table's name holds the word: most pyproject.toml files are settled without paying
    # for tomllib's import on the fast --check path.
    if b"bindermerge" not in data:
        return False
    try:
        return _table(data, in_pyproject=True) is not None
    except ValueError:
        return True


# --- reading -------------------------------------------------------------------------------


def load(path: str, *, required: bool = False) -> Config:
    """Read and check the config file ``path``.

    A file named pyproject.toml holds the config in ``[tool.bindermerge]``; any other file
    (bindermerge.toml, or a file given with ``--config``) at its top level. ``required``: the
    file was named by the user, so a pyproject.toml without the table is an error.
    """
    shown = _shown(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ConfigError(f"cannot read the config file: {exc.strerror}", path=shown) from None
    in_pyproject = os.path.basename(path) == PYPROJECT
    try:
        table = _table(data, in_pyproject=in_pyproject)
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=shown) from None
    except ValueError as exc:  # tomllib.TOMLDecodeError: its message has the line and column
        raise _toml_error(shown, data, str(exc)) from None
    if table is None:
        if required:
            raise ConfigError(f"has no [{TABLE}] table", path=shown)
        table = {}
    if not isinstance(table, dict):
        raise _key_error(shown, data, in_pyproject, None, f"{TABLE} must be a table")
    directory = os.path.dirname(os.path.abspath(path))
    sources: list[str] | None = None
    values: dict[str, object] = {}
    for key, value in table.items():
        if key == SOURCES_KEY:
            listed = _string_list(shown, data, in_pyproject, key, value)
            sources = [_place(spec, directory) for spec in listed]
            continue
        option = BY_CONFIG_KEY.get(key)
        if option is None:
            raise _key_error(shown, data, in_pyproject, key, _unknown(key, in_pyproject))
        checked = _checked(shown, data, in_pyproject, key, option, value)
        if option.kind == "path" and isinstance(checked, str):
            checked = _place(checked, directory)
        values[option.name] = checked
    return Config(shown, sources, values, data=data, in_pyproject=in_pyproject)


def _table(data: bytes, *, in_pyproject: bool) -> object:
    """The config table of a file's bytes: the whole document (bindermerge.toml), or
    ``[tool.bindermerge]`` (pyproject.toml; None when it has none). ``ValueError`` when the
    bytes are not UTF-8 TOML.

    Parsed by tomllib once per content: the table is kept as JSON in the user's cache, named
    by the sha256 of the bytes, so the fast ``--check`` of an unchanged config file (a
    pre-commit hook, on every commit) skips tomllib's import, a third of its start-up. The
    name is the content's, so an entry can never be stale; one that does not read back is
    parsed again, and one that cannot be written is not needed.
    """
    import hashlib
    import json

    kind = b"pyproject\0" if in_pyproject else b"standalone\0"
    key = hashlib.sha256(_CACHE_FORMAT + kind + data).hexdigest()
    entry = os.path.join(user_cache(), "config", f"{key}.json")
    try:
        with open(entry, encoding="utf-8") as fh:
            cached = json.load(fh)
        if isinstance(cached, dict) and "table" in cached:
            return cached["table"]
    except (OSError, ValueError):
        pass
    from bindermerge.toml_reading import loads

    doc = loads(data.decode("utf-8"))
    table: object = doc
    if in_pyproject:
        tool = doc.get("tool")
        table = tool.get("bindermerge") if isinstance(tool, dict) else None
    _keep(entry, {"table": table})
    return table


_CACHE_FORMAT = b"bindermerge-config-1\0"


def _keep(entry: str, value: dict[str, object]) -> None:
    """Write ``value`` to the cache entry when JSON holds it exactly; never fail."""
    import json

    try:
        text = json.dumps(value, sort_keys=True)
        if json.loads(text) != value:  # a TOML date or a NaN: parse such a file each time
            return
        os.makedirs(os.path.dirname(entry), exist_ok=True)
        partial = f"{entry}.{os.getpid()}.tmp"
        with open(partial, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(partial, entry)  # whole or absent, with another process writing too
    except (OSError, TypeError, ValueError):
        pass


def _checked(
    shown: str, data: bytes, in_pyproject: bool, key: str, option: Option, value: object
) -> object:
    """``value`` if it has the type the option's kind needs; else a ConfigError."""
    kind = option.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise _type_error(shown, data, in_pyproject, key, "true or false", value)
        return value
    if kind == "list":
        return _string_list(shown, data, in_pyproject, key, value)
    if not isinstance(value, str):
        wanted = _choices(option.choices) if kind == "choice" else "a string"
        raise _type_error(shown, data, in_pyproject, key, wanted, value)
    if kind == "choice" and value not in option.choices:
        raise _type_error(shown, data, in_pyproject, key, _choices(option.choices), value)
    if not value.strip():
        raise _key_error(shown, data, in_pyproject, key, f"{key!r} must not be empty")
    return value


def _string_list(shown: str, data: bytes, in_pyproject: bool, key: str, value: object) -> list[str]:
    if not isinstance(value, list):
        raise _type_error(shown, data, in_pyproject, key, "a list of strings", value)
    for item in value:
        if not isinstance(item, str):
            raise _type_error(shown, data, in_pyproject, key, "a list of strings", item)
        if not item.strip():
            raise _key_error(shown, data, in_pyproject, key, f"{key!r} holds an empty string")
    return list(value)


def _place(spec: str, directory: str) -> str:
    """A spec from the file, as the command line would take it from the current directory.

    Git spellings and URL-like specs (refused later with the list of spellings) stay as they
    are; a path is joined to the file's directory, and shown relative to the current
    directory when the file is here, above it (as discovery finds it) or below it.
    """
    if is_git(spec):
        return spec
    full = os.path.join(directory, spec)
    if looks_remote(spec) and not os.path.isdir(full):
        return spec
    full = os.path.normpath(full)
    cwd = os.getcwd()
    if os.path.isabs(spec) or os.path.commonpath([cwd, directory]) not in (cwd, directory):
        return full
    return os.path.relpath(full, cwd)


def _shown(path: str) -> str:
    """``path`` relative to the current directory when that is shorter to read."""
    full = os.path.abspath(path)
    rel = os.path.relpath(full)
    return rel if len(rel) < len(full) else full


# --- messages ------------------------------------------------------------------------------


def _unknown(key: str, in_pyproject: bool) -> str:
    import difflib

    where = f" in [{TABLE}]" if in_pyproject else ""
    near = key.replace("_", "-").lower()
    close = [near] if near in KEYS else difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r}{where}; did you mean {close[0]!r}?"
    return f"unknown key {key!r}{where}; the keys are {', '.join(KEYS)}"


def _choices(choices: tuple[str, ...]) -> str:
    quoted = [f"{c!r}" for c in choices]
    return ", ".join(quoted[:-1]) + f" or {quoted[-1]}"


def _type_error(
    shown: str, data: bytes, in_pyproject: bool, key: str, wanted: str, value: object
) -> ConfigError:
    return _key_error(
        shown, data, in_pyproject, key, f"{key!r} must be {wanted}, not {_toml_repr(value)}"
    )


def _toml_repr(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return repr(value)
    return f"{type(value).__name__} {value!r}"


def _toml_error(shown: str, data: bytes, message: str) -> ParseError:
    from bindermerge.model import Origin
    from bindermerge.toml_reading import error_position

    line, reason = error_position(message, data.decode("utf-8"))
    return ParseError(
        f"invalid TOML: {reason}", Origin("config", os.path.basename(shown), shown, line)
    )


def _key_error(
    shown: str, data: bytes, in_pyproject: bool, key: str | None, message: str
) -> ConfigError:
    from bindermerge.model import Origin

    line = _line_of(data.decode("utf-8", "replace"), key, TABLE if in_pyproject else "")
    origin = Origin("config", os.path.basename(shown), shown, line)
    return ConfigError(message, origin)


def _line_of(text: str, key: str | None, table: str) -> int | None:
    """The 1-based line where ``key`` of ``table`` is set (``table`` itself when ``key`` is
    None), found by scanning lines: tomllib keeps no positions, and this is only for the
    message. None when the key is spelled in a way the scan does not follow."""
    want = ".".join(part for part in (table, key) if part)
    current = ""  # the table the lines below a [header] belong to
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("["):  # [table] or [[array.of.tables]]
            current = _dotted(line.strip("[]").split("#", 1)[0])
            if current == want or current.startswith(f"{want}."):
                return number
            continue
        if "=" not in line or line.startswith("#"):
            continue
        name = _dotted(line.split("=", 1)[0])
        full = f"{current}.{name}" if current else name
        if full == want or full.startswith(f"{want}."):  # key = ..., or key.sub = ...
            return number
    return None


def _dotted(text: str) -> str:
    """A TOML key as dotted words without quotes or spaces (``"tool" . bindermerge`` ->
    ``tool.bindermerge``): enough to recognise a key by name."""
    return ".".join(part.strip().strip("\"'") for part in text.strip().split("."))
