"""`config show`: the effective configuration as TOML that could be fed back in."""

import msgspec
import tomli_w

from binance_sandbox.config.model import SandboxConfig


def to_toml(config: SandboxConfig) -> str:
    tree = msgspec.to_builtins(config)
    for instrument in tree["instruments"].values():
        instrument.pop("symbol", None)
    return tomli_w.dumps(tree)
