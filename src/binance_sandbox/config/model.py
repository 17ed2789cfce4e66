"""The typed shape of the configuration file. Every field is documented in `default.toml`."""

from typing import Literal

import msgspec

from binance_sandbox.core.instruments import Instrument


class _Section(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class ServerConfig(_Section):
    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: str = ".sandbox"
    log_level: str = "info"


class ClockConfig(_Section):
    mode: Literal["real", "accelerated", "manual"] = "real"
    speed: float = 1.0  # exchange seconds per real second (accelerated mode)
    start: str = ""  # ISO-8601 or epoch ms for a fresh exchange; empty: the wall time at start


class ExchangeConfig(_Section):
    seed: int = 1
    assets: list[str] = msgspec.field(
        default_factory=lambda: ["USDT", "USDC", "BTC", "ETH", "BNB", "FDUSD", "BFUSD"]
    )


class JournalConfig(_Section):
    synchronous: Literal["full", "normal"] = "full"
    max_batch: int = 4096
    snapshot_every_commands: int = 100_000
    snapshot_every_seconds: float = 300.0
    keep_snapshots: int = 2
    compact: bool = True


class LimitsConfig(_Section):
    enabled: bool = True
    request_weight_per_minute: int = 2400
    orders_per_minute: int = 1200
    orders_per_10s: int = 300


class PriceSourceConfig(_Section):
    source: Literal["fixed", "scripted", "gbm"] = "gbm"
    price: str = ""  # fixed price, or the start of a gbm path (decimal string)
    path: str = ""  # scripted: CSV file of time,price (time in epoch ms or ISO-8601)
    drift: float = 0.0  # gbm: annualised drift
    volatility: float = 0.6  # gbm: annualised volatility
    jumps_per_day: float = 0.0  # gbm: Poisson intensity of jumps
    jump_mean: float = 0.0  # gbm: mean of the log jump size
    jump_stdev: float = 0.0  # gbm: standard deviation of the log jump size


class PricesConfig(_Section):
    interval_ms: int = 1000  # exchange time between index price updates
    pairs: dict[str, PriceSourceConfig] = msgspec.field(default_factory=dict)  # index per pair


class AccountKeyConfig(_Section):
    type: Literal["hmac", "rsa", "ed25519"] = "hmac"
    public_key: str = ""  # RSA / Ed25519: PEM of the public key
    read_only: bool = False
    enable_futures: bool = True
    label: str = ""


class AccountConfig(_Section):
    balances: dict[str, str] = msgspec.field(default_factory=dict)
    keys: list[AccountKeyConfig] = msgspec.field(default_factory=list)


class SandboxConfig(_Section):
    server: ServerConfig = msgspec.field(default_factory=ServerConfig)
    clock: ClockConfig = msgspec.field(default_factory=ClockConfig)
    exchange: ExchangeConfig = msgspec.field(default_factory=ExchangeConfig)
    journal: JournalConfig = msgspec.field(default_factory=JournalConfig)
    limits: LimitsConfig = msgspec.field(default_factory=LimitsConfig)
    prices: PricesConfig = msgspec.field(default_factory=PricesConfig)
    instruments: dict[str, Instrument] = msgspec.field(default_factory=dict)
    accounts: dict[str, AccountConfig] = msgspec.field(default_factory=dict)
