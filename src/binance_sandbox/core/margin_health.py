"""Margin ratio of the liquidation scopes (FORMULAS.md §3.1, §4.5): a cross account per margin
asset (maintenance margin of its cross positions over cross wallet + cross unrealized PnL) and
each isolated position (its maintenance margin over isolated wallet + its unrealized PnL).

In Multi-Assets mode an account's USDⓈ-M contracts share one cross scope, the pool (named after
USDT, the asset it settles in): its margin balance is every wallet valued in USD at its haircut
(`collateral.pool_value`) plus the unrealized PnL of its positions, its maintenance margin
theirs summed, so collateral in any asset carries any of its contracts. The mode allows no
isolated position.

A scope is liquidated when its margin ratio reaches 100 % and gets a margin call when it passes
80 % (Binance advises staying below 80 %; it does not publish the MARGIN_CALL level).

Only positions count (open orders do not enter the margin ratio). Which accounts a mark change
needs checked is `liquidation_watch`'s; their positions are found by key and each symbol's
mark looked up once per check.
"""

from dataclasses import dataclass

from binance_sandbox.core import contract_value
from binance_sandbox.core.account_positions import every_position
from binance_sandbox.core.accounts import Account, wallet_of
from binance_sandbox.core.brackets import maintenance_margin
from binance_sandbox.core.collateral import pool_value
from binance_sandbox.core.contract_value import Terms, terms
from binance_sandbox.core.instruments import Instrument, Product
from binance_sandbox.core.margin import mark_of
from binance_sandbox.core.positions import Position, unrealized_pnl
from binance_sandbox.core.state import ExchangeState, position_key

WARNING_PERCENT = 80
CROSS = ""  # the position key of a cross scope
POOL = "USDT"  # the asset a Multi-Assets pool is named after and settles in


@dataclass(frozen=True)
class Scope:
    account_id: int
    asset: str
    position_key: str  # CROSS, or the isolated position's key
    pooled: bool = False  # a Multi-Assets pool: every wallet counts, valued in USD
    product: Product = "usdm"  # whose wallet: a coin's COIN-M scope draws on the COIN-M wallet

    @property
    def key(self) -> str:
        return f"{self.account_id}:{self.asset}:{self.position_key}"


@dataclass(frozen=True)
class Health:
    scope: Scope
    balance: int  # margin balance of the scope, 8 decimals
    maint: int

    @property
    def liquidating(self) -> bool:
        return self.maint > 0 and self.balance <= self.maint

    @property
    def warned(self) -> bool:
        return self.maint > 0 and self.balance * WARNING_PERCENT <= self.maint * 100


class _Marks:
    """Each symbol's mark and valuation terms, looked up once per check."""

    def __init__(self, state: ExchangeState) -> None:
        self.state = state
        self.rows: dict[str, tuple[int, Terms]] = {}

    def of(self, symbol: str) -> tuple[int, Terms]:
        """(mark at 8 decimals, `contract_value.terms`) of the symbol."""
        row = self.rows.get(symbol)
        if row is None:
            instrument = self.state.instruments[symbol]
            row = self.rows[symbol] = (mark_of(self.state, instrument), terms(instrument))
        return row


def scope_asset(account: Account, instrument: Instrument) -> str:
    """The asset of the cross scope holding the instrument's positions: its margin asset, or
    the pool for a USDⓈ-M contract in Multi-Assets mode."""
    pooled = account.multi_assets and not instrument.inverse
    return POOL if pooled else instrument.margin_asset


def is_pool(account: Account, asset: str) -> bool:
    """Whether the account's cross scope of `asset` (`scope_asset`) is a Multi-Assets pool."""
    return account.multi_assets and asset == POOL


def account_health(
    state: ExchangeState, account: Account, positions: list[Position], marks: _Marks | None = None
) -> list[Health]:
    """The account's scopes holding a position: cross per asset first, then isolated ones."""
    marks = marks or _Marks(state)
    cross: dict[tuple[Product, str], list[int]] = {}  # -> [upnl, maint, isolated wallets]
    isolated: list[Health] = []
    for position in positions:
        instrument = state.instruments[position.symbol]
        mark, valued = marks.of(position.symbol)
        upnl = unrealized_pnl(position, mark, *valued)
        notional = contract_value.notional(position.qty, mark, *valued)
        maint = maintenance_margin(instrument.tiers, notional)
        asset = scope_asset(account, instrument)
        sums = cross.setdefault((instrument.product, asset), [0, 0, 0])
        config = account.symbol_configs.get(position.symbol)
        if config is not None and config.isolated:
            sums[2] += position.isolated_wallet
            key = position_key(account.account_id, position.symbol, position.side)
            scope = Scope(account.account_id, asset, key, product=instrument.product)
            isolated.append(Health(scope, position.isolated_wallet + upnl, maint))
        else:
            sums[0] += upnl
            sums[1] += maint
    healths = []
    for (product, asset), (upnl, maint, iso) in sorted(cross.items()):
        if maint:
            scope = Scope(account.account_id, asset, CROSS, is_pool(account, asset), product)
            healths.append(Health(scope, cross_wallet(state, account, scope, iso) + upnl, maint))
    return healths + isolated


def cross_wallet(state: ExchangeState, account: Account, scope: Scope, isolated: int) -> int:
    """A cross scope's wallet: the pool's in USD, or its asset's less the `isolated` wallets."""
    if scope.pooled:
        return pool_value(state, account)
    return wallet_of(account, scope.product).balance(scope.asset) - isolated


def held_positions(state: ExchangeState) -> dict[int, list[Position]]:
    """Every account's open positions, by account id (one pass over the positions)."""
    held: dict[int, list[Position]] = {}
    for position in state.positions.values():
        if position.qty:
            held.setdefault(position.account_id, []).append(position)
    return held


def scan(state: ExchangeState, account_ids: list[int]) -> list[Health]:
    """The scopes of the accounts (each account's position walk is by key)."""
    marks = _Marks(state)
    healths: list[Health] = []
    for account_id in account_ids:
        positions = positions_of(state, account_id)
        healths += account_health(state, state.accounts[account_id - 1], positions, marks)
    return healths


def positions_of(state: ExchangeState, account_id: int) -> list[Position]:
    """The account's open positions (no walk over every position or instrument)."""
    return [position for position in every_position(state, account_id) if position.qty]


def scope_health(state: ExchangeState, scope: Scope) -> Health | None:
    """The scope's health now; None once it holds no position."""
    account = state.accounts[scope.account_id - 1]
    mine = positions_of(state, scope.account_id)
    return next((h for h in account_health(state, account, mine) if h.scope == scope), None)
