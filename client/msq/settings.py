"""The TOML settings file: schema, validation, reading and writing.

Shared by ``msq config`` and the daemon so both agree on what a valid file is.
Precedence when the daemon builds its config: argument > ``MSQ_*`` environment >
this file > default.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class SettingsError(ValueError):
    """A bad key or value in the settings file or on the command line."""


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise SettingsError(f"expected a string, got {v!r}")
    return v


def _str_list(v: Any) -> list[str]:
    if isinstance(v, str):
        v = [p for p in (x.strip() for x in v.split(",")) if p]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise SettingsError(f"expected a list of strings, got {v!r}")
    return list(v)


def _pos_float(v: Any) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise SettingsError(f"expected a number, got {v!r}") from None
    if f <= 0:
        raise SettingsError(f"expected a positive number, got {v!r}")
    return f


def _pos_int(v: Any) -> int:
    try:
        i = int(v)
    except (TypeError, ValueError):
        raise SettingsError(f"expected a whole number, got {v!r}") from None
    if i <= 0:
        raise SettingsError(f"expected a positive whole number, got {v!r}")
    return i


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("true", "yes", "1", "on", "false", "no", "0", "off"):
        return v.lower() in ("true", "yes", "1", "on")
    raise SettingsError(f"expected true or false, got {v!r}")


@dataclass(frozen=True)
class Key:
    """One settings key: dotted name, parser, default, help."""

    name: str
    parse: Callable[[Any], Any]
    default: Any
    help: str


KEYS: dict[str, Key] = {
    k.name: k
    for k in (
        Key("roots", _str_list, [], "Folders to watch and index."),
        Key("ignore", _str_list, [], "Extra gitignore-style globs never indexed."),
        Key("socket", _str, "", "Unix socket path (default: under the runtime dir)."),
        Key("tcp", _str, "", "Also listen on this loopback address, e.g. 127.0.0.1:50551."),
        Key(
            "follow_symlinks",
            _bool,
            False,
            "Follow symlinks that point outside every root (else they are listed as skipped).",
        ),
        Key("max_file_bytes", _pos_int, 2_000_000, "Files larger than this are skipped."),
        Key("embedding.model", _str, "all-MiniLM-L6-v2", "Embedding model name or local path."),
        Key("embedding.batch_size", _pos_int, 32, "Texts embedded per batch."),
        Key("llm.model_path", _str, "", "GGUF file for narratives (default: the llm extra's)."),
        Key("llm.enabled", _bool, True, "Write narratives when a model is available."),
        Key("llm.idle_unload_seconds", _pos_float, 300.0, "Unload the LLM after this idle time."),
        Key("llm.max_tokens", _pos_int, 200, "Longest narrative, in tokens."),
        Key("llm.max_seconds", _pos_float, 30.0, "Longest narrative, in seconds."),
        Key("llm.describe_cards", _bool, False, "Write LLM descriptions in the background."),
        Key("watch.debounce_seconds", _pos_float, 0.2, "Quiet time before a changed file is read."),
        Key("watch.reconcile_minutes", _pos_float, 30.0, "How often to rescan roots."),
        Key("client.autostart", _bool, True, "msq starts the daemon when it is not running."),
    )
}


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        name = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, name + "."))
        else:
            out[name] = v
    return out


def validate(flat: dict[str, Any]) -> dict[str, Any]:
    """Parse every key; unknown keys and bad values raise SettingsError."""
    out: dict[str, Any] = {}
    for name, raw in flat.items():
        key = KEYS.get(name)
        if key is None:
            import difflib

            close = difflib.get_close_matches(name, KEYS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise SettingsError(f"unknown setting {name!r}{hint}")
        try:
            out[name] = key.parse(raw)
        except SettingsError as e:
            raise SettingsError(f"{name}: {e}") from None
    return out


def read(path: Path) -> dict[str, Any]:
    """The validated flat settings in ``path`` ({} when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as e:
        raise SettingsError(f"cannot read {path}: {e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{path} is not valid TOML: {e}") from None
    return validate(_flatten(data))


def effective(path: Path) -> dict[str, Any]:
    """Defaults overlaid with the file (no environment)."""
    values = {k.name: k.default for k in KEYS.values()}
    values.update(read(path))
    return values


def env_overrides(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """``MSQ_EMBEDDING_MODEL=...`` style overrides for keys, validated."""
    environ = dict(os.environ) if environ is None else environ
    flat = {}
    for name in KEYS:
        var = "MSQ_" + name.upper().replace(".", "_")
        if var in environ:
            flat[name] = environ[var]
    return validate(flat)


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, v in sorted(flat.items()):
        *parents, leaf = name.split(".")
        node = out
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = v
    return out


def write(path: Path, flat: dict[str, Any], own_folder: bool = False) -> None:
    """Atomically write validated ``flat`` settings to ``path`` (mode 0600).

    The folder is made 0700 when this creates it, or when ``own_folder`` says it is
    msq's own (the platform's config folder); a ``--home DIR`` keeps its mode.
    """
    import tomli_w

    from .private import private_dir, write_private

    text = tomli_w.dumps(_nest(validate(flat)))
    if own_folder or not path.parent.exists():
        private_dir(path.parent)
    # Born 0600: the file names every root the user indexes.
    write_private(path, text)


def set_key(path: Path, name: str, raw: Any, own_folder: bool = False) -> Any:
    """Set one key in the file (validated) and return the parsed value."""
    current = read(path)
    parsed = validate({name: raw})[name]
    current[name] = parsed
    write(path, current, own_folder=own_folder)
    return parsed
