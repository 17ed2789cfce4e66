"""Events: what applying a command did. Rejections are values, never exceptions."""

import msgspec

from binance_sandbox.core.accounts import KeyType
from binance_sandbox.core.commands import ClockMode


class Rejected(msgspec.Struct, tag="rejected", frozen=True, kw_only=True):
    code: int
    msg: str


class ExchangeCreated(msgspec.Struct, tag="exchange_created", frozen=True, kw_only=True):
    symbols: tuple[str, ...]


class AccountCreated(msgspec.Struct, tag="account_created", frozen=True, kw_only=True):
    account_id: int
    name: str


class ApiKeyCreated(msgspec.Struct, tag="api_key_created", frozen=True, kw_only=True):
    account_id: int
    api_key: str
    key_type: KeyType
    secret: str  # HMAC only; empty for RSA / ED25519
    can_trade: bool
    read_only: bool


class BalanceChanged(msgspec.Struct, tag="balance_changed", frozen=True, kw_only=True):
    account_id: int
    asset: str
    delta: int
    balance: int
    reason: str  # DEPOSIT | WITHDRAW (TRANSFER-like; Binance income types come with trading)
    tran_id: int


class IndexPricesChanged(msgspec.Struct, tag="index_prices_changed", frozen=True, kw_only=True):
    prices: dict[str, int]
    time: int


class ClockChanged(msgspec.Struct, tag="clock_changed", frozen=True, kw_only=True):
    mode: ClockMode
    speed_milli: int
    paused: bool
    time: int


Event = (
    Rejected
    | ExchangeCreated
    | AccountCreated
    | ApiKeyCreated
    | BalanceChanged
    | IndexPricesChanged
    | ClockChanged
)
