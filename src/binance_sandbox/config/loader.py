"""Builds the effective configuration from its four layers.

Weakest first: the built-in `default.toml`; the user's TOML file; `BINANCE_SANDBOX_<SECTION>_<KEY>`
environment variables; command-line flags. Tables merge key by key, so a user file holds only
what it changes. The result is validated into `SandboxConfig`; any mistake is a `ConfigError`
that names the offending key.
"""

import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import msgspec

from binance_sandbox.config.model import SandboxConfig

ENV_PREFIX = "BINANCE_SANDBOX_"
CONFIG_FILE_ENV = "BINANCE_SANDBOX_CONFIG"
DEFAULT_FILE_NAME = "binance-sandbox.toml"

Tree = dict[str, Any]


class ConfigError(ValueError):
    """The configuration cannot be used; the message says which key and why."""


def default_tree() -> Tree:
    text = resources.files("binance_sandbox.config").joinpath("default.toml").read_text("utf-8")
    return tomllib.loads(text)


def find_config_file(explicit: Path | None, environ: Mapping[str, str]) -> Path | None:
    if explicit is not None:
        return explicit
    if environ.get(CONFIG_FILE_ENV):
        return Path(environ[CONFIG_FILE_ENV])
    local = Path(DEFAULT_FILE_NAME)
    return local if local.is_file() else None


def load_config(
    path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    flags: Mapping[str, object] | None = None,
) -> SandboxConfig:
    environ = os.environ if environ is None else environ
    tree = default_tree()
    file = find_config_file(path, environ)
    if file is not None:
        merge(tree, read_toml(file))
    merge(tree, env_tree(environ, tree))
    for dotted, value in (flags or {}).items():
        if value is not None:
            merge(tree, _nest(dotted.split("."), value))
    return validate(tree)


def read_toml(path: Path) -> Tree:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def env_tree(environ: Mapping[str, str], known: Tree) -> Tree:
    """BINANCE_SANDBOX_SERVER_PORT=9000 -> {"server": {"port": 9000}} for known sections."""
    tree: Tree = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name == CONFIG_FILE_ENV:
            continue
        rest = name[len(ENV_PREFIX) :].lower()
        section = next((s for s in known if rest.startswith(s + "_")), None)
        if section is None:
            raise ConfigError(f"{name}: no configuration section matches (known: {list(known)})")
        key = rest[len(section) + 1 :]
        current = known[section].get(key) if isinstance(known[section], dict) else None
        # A key that holds a string keeps the raw text: clock.start=1767225600000 or
        # 2026-01-01T00:00:00Z would otherwise turn into a TOML integer or datetime.
        value = raw if isinstance(current, str) else _parse_env_value(raw)
        merge(tree, {section: {key: value}})
    return tree


def validate(tree: Tree) -> SandboxConfig:
    for symbol, instrument in tree.get("instruments", {}).items():
        instrument.setdefault("symbol", symbol)
    try:
        return msgspec.convert(tree, SandboxConfig, str_keys=True)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"invalid configuration: {exc}") from exc


def merge(base: Tree, overlay: Mapping[str, Any]) -> Tree:
    """Deep-merges `overlay` into `base` in place: tables key by key, other values replaced."""
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


def _nest(keys: list[str], value: object) -> Tree:
    tree: Tree = {keys[-1]: value}
    for key in reversed(keys[:-1]):
        tree = {key: tree}
    return tree


def _parse_env_value(raw: str) -> object:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw
