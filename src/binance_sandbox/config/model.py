"""The typed shape of the configuration file. Every field is documented in `default.toml`."""

from typing import Any, Literal

import msgspec

from binance_sandbox.core.instruments import Instrument


class _Section(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class ServerConfig(_Section):
    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: str = ".sandbox"
    log_level: str = "info"
    log_format: Literal["text", "json"] = "text"
    request_log_entries: int = 10_000  # kept in memory and per file of the request log
    metrics: bool = True  # Prometheus metrics at /metrics


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
    snapshot_after_recovery_commands: int = 10_000
    keep_snapshots: int = 2
    compact: bool = True
    amendment_history_hours: float = 24.0  # orderAmendment keeps this much exchange time; 0: all


class LimitsConfig(_Section):
    enabled: bool = True
    request_weight_per_minute: int = 2400
    orders_per_minute: int = 1200
    orders_per_10s: int = 300
    # COIN-M (/dapi) counts apart: its exchangeInfo lists no 10-second ORDERS limit
    coinm_request_weight_per_minute: int = 2400
    coinm_orders_per_minute: int = 1200


class TradingConfig(_Section):
    # /fapi/v1/order and batchOrders take STOP, STOP_MARKET, TAKE_PROFIT, TAKE_PROFIT_MARKET and
    # TRAILING_STOP_MARKET with stopPrice as before 2025-12-09 (placed as algo orders)
    legacy_conditional_orders: bool = False


class DownloadsConfig(_Section):
    # exchange seconds a requested history file stays "processing" (and the figure given as
    # avgCostTimestampOfLast30d): a bot's polling loop runs as against Binance
    preparation_s: float = 5.0


class StreamsConfig(_Section):
    strict_routes: bool = False  # answer as Binance when a stream is asked for on the wrong route
    ping_interval_s: float = 180.0  # server ping every 3 minutes
    pong_timeout_s: float = 600.0  # disconnect without a pong within 10 minutes
    lifetime_s: float = 86_400.0  # a connection is closed after 24 hours
    max_streams: int = 1024  # per connection
    messages_per_second: int = 10  # incoming; a connection going beyond is disconnected
    send_queue: int = 4096  # messages waiting to be written; a reader this far behind is dropped


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
    history_days: int = 30  # days of seeded 1-minute klines before the exchange opened
    pairs: dict[str, PriceSourceConfig] = msgspec.field(default_factory=dict)  # index per pair


class MakerConfig(_Section):
    account: str = "market-maker"
    balance: str = "1000000000"  # USDT deposited when the account is made
    levels: int = 25  # orders per side
    spread_bps: float = 1.0  # from the fair price to the best bid and to the best ask
    step_bps: float = 1.5  # between levels (rounded down to a power-of-two number of ticks)
    level_notional: str = "25000"  # USDT per level
    refill_below: float = 0.5  # top a level up when less than this share of it is left
    lag_steps: int = 2  # a side may trail the fair price by this many steps before it moves
    skew_bps: float = 5.0  # fair price shift, against the inventory, at max_inventory
    max_inventory: str = "2000000"  # USDT of position at which the skew is full


class TakerConfig(_Section):
    enabled: bool = True
    account: str = "noise-taker"
    balance: str = "100000000"  # USDT deposited when the account is made
    slot_ms: int = 20_000  # every slot of every symbol holds 1..trades_per_slot trades
    trades_per_slot: int = 3
    min_notional: str = "100"  # USDT per trade, drawn uniformly between min and max
    max_notional: str = "5000"
    max_inventory: str = "500000"  # USDT of position the takers lean back against


class AgentsConfig(_Section):
    enabled: bool = True  # market makers (and noise takers) on every instrument
    seed: int = 0  # 0: the exchange seed
    requote_ms: int = 1000  # how often the makers look at the index and their orders
    symbols: list[str] = msgspec.field(default_factory=list)  # empty: every instrument
    maker: MakerConfig = msgspec.field(default_factory=MakerConfig)
    taker: TakerConfig = msgspec.field(default_factory=TakerConfig)


class ReplayConfig(_Section):
    start: str = ""  # replay window start (ISO-8601 or epoch ms); "" = no replay
    end: str = ""  # window end, exclusive
    store: str = ""  # imported market data; "" = market-data.sqlite in the data directory


class OAuthConfig(_Section):
    strict_rfc: bool = False  # refuse token requests with parameters in the query string
    code_ttl_s: int = 300  # authorization codes (RFC 9700: short-lived)
    access_token_ttl_s: int = 3600
    refresh_token_ttl_s: int = 30 * 86400


class AccountKeyConfig(_Section):
    type: Literal["hmac", "rsa", "ed25519"] = "hmac"
    public_key: str = ""  # RSA / Ed25519: PEM of the public key
    read_only: bool = False
    enable_futures: bool = True
    label: str = ""


class AccountConfig(_Section):
    balances: dict[str, str] = msgspec.field(default_factory=dict)  # the USDⓈ-M wallet
    coinm_balances: dict[str, str] = msgspec.field(default_factory=dict)  # the COIN-M wallet
    keys: list[AccountKeyConfig] = msgspec.field(default_factory=list)


class SandboxConfig(_Section):
    server: ServerConfig = msgspec.field(default_factory=ServerConfig)
    clock: ClockConfig = msgspec.field(default_factory=ClockConfig)
    exchange: ExchangeConfig = msgspec.field(default_factory=ExchangeConfig)
    journal: JournalConfig = msgspec.field(default_factory=JournalConfig)
    limits: LimitsConfig = msgspec.field(default_factory=LimitsConfig)
    streams: StreamsConfig = msgspec.field(default_factory=StreamsConfig)
    trading: TradingConfig = msgspec.field(default_factory=TradingConfig)
    downloads: DownloadsConfig = msgspec.field(default_factory=DownloadsConfig)
    prices: PricesConfig = msgspec.field(default_factory=PricesConfig)
    agents: AgentsConfig = msgspec.field(default_factory=AgentsConfig)
    replay: ReplayConfig = msgspec.field(default_factory=ReplayConfig)
    oauth: OAuthConfig = msgspec.field(default_factory=OAuthConfig)
    instruments: dict[str, Instrument] = msgspec.field(default_factory=dict)
    # fault rules added when a fresh exchange is seeded: the admin API's JSON (admin/faults.py)
    faults: list[dict[str, Any]] = msgspec.field(default_factory=list)
    accounts: dict[str, AccountConfig] = msgspec.field(default_factory=dict)
