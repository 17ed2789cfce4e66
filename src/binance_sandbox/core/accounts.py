"""Accounts, their wallet balances, API keys and net transfers in and out.

Balances are integers at `AMOUNT_DECIMALS`. A balance never goes below zero through a transfer:
a withdrawal larger than the balance is refused, not clipped.
"""

from typing import Literal

import msgspec

from binance_sandbox.core.instruments import Product

KeyType = Literal["HMAC", "RSA", "ED25519"]


class ApiKey(msgspec.Struct, kw_only=True):
    api_key: str
    key_type: KeyType
    secret: str  # HMAC: the shared secret; RSA / ED25519: the public key (PEM)
    can_trade: bool  # futures trading enabled
    read_only: bool
    label: str
    created: int  # exchange time, ms


class SymbolConfig(msgspec.Struct, kw_only=True):
    """An account's settings on one symbol; absent: the symbol's default leverage, cross."""

    leverage: int
    isolated: bool = False


class MarginChange(msgspec.Struct, frozen=True, kw_only=True):
    """A manual change of an isolated position's margin (positionMargin/history)."""

    symbol: str
    position_side: str
    kind: int  # 1 add, 2 reduce
    amount: int  # at AMOUNT_DECIMALS
    asset: str
    time: int


class Wallet(msgspec.Struct, kw_only=True):
    """The COIN-M futures wallet: kept apart from the USDⓈ-M one, as on Binance, where money
    moves between the two only through spot."""

    balances: dict[str, int] = msgspec.field(default_factory=dict)
    balance_times: dict[str, int] = msgspec.field(default_factory=dict)
    transferred: dict[str, int] = msgspec.field(default_factory=dict)

    def balance(self, asset: str) -> int:
        return self.balances.get(asset, 0)


class Account(msgspec.Struct, kw_only=True):
    account_id: int
    name: str
    created: int
    balances: dict[str, int] = msgspec.field(default_factory=dict)
    balance_times: dict[str, int] = msgspec.field(default_factory=dict)  # last change per asset
    api_keys: list[str] = msgspec.field(default_factory=list)
    # net transfers in per asset; the ledger itself is a projection (projections/transfers.py)
    transferred: dict[str, int] = msgspec.field(default_factory=dict)
    dual_side_position: bool = False  # hedge mode (LONG / SHORT positions)
    trade_group_id: int = -1  # accounts of one group never trade with each other under STP
    maker_rate: int = 20_000  # commission per unit of notional, x 1e8: 0.0200 % (VIP 0)
    taker_rate: int = 50_000  # 0.0500 % (FORMULAS.md §8)
    fee_burn: bool = (
        False  # BNB fee discount switch (feeBurn); commissions stay in the margin asset
    )
    symbol_configs: dict[str, SymbolConfig] = msgspec.field(default_factory=dict)
    margin_changes: list[MarginChange] = msgspec.field(default_factory=list)
    multi_assets: bool = False  # Multi-Assets mode: one cross margin pool over every asset
    coinm: Wallet = msgspec.field(default_factory=Wallet)  # the fields above: the USDⓈ-M wallet

    @property
    def stp_group(self) -> int:
        """The self-trade prevention scope: the trade group, or else the account alone."""
        return self.trade_group_id if self.trade_group_id >= 0 else -self.account_id

    def balance(self, asset: str) -> int:
        return self.balances.get(asset, 0)


def wallet_of(account: Account, product: Product) -> Account | Wallet:
    """The wallet an instrument of `product` takes its money from: the account's own fields
    for USDⓈ-M, its COIN-M wallet for COIN-M (both have balances, balance_times, transferred)."""
    return account.coinm if product == "coinm" else account
