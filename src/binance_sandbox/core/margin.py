"""The margin model (FORMULAS.md §3): what an account's positions and open orders need, per
position side and per margin asset, recomputed from the state. Every figure is in the margin
asset, valued by `contract_value` (COIN-M: in coin, so a BTC-margined position draws on the BTC
wallet only and its brackets are read with its coin notional).

Per position side (a symbol's BOTH, or its LONG and SHORT in hedge mode):
- notional = Q x mark; unrealized PnL = Q x (mark - entry); position IM = |notional| / leverage;
  maintenance margin = |notional| x MMR - cum of its bracket;
- open orders' IM on the worse side (FORMULAS §3.2): a side's orders cost
  max(0, |P + V| - |P|) / leverage plus their open loss (qty x the price's distance past the
  mark on the losing side) and nothing when they only shrink the position; the side costs the
  larger of its buy and sell sides. So quantity that reduces a position is free.

The open orders' sums per position side are kept as orders change (`order_totals`); the figures
that move with the mark are computed on read, so a mark move touches no account.

Per margin asset: cross wallet = wallet - isolated wallets; available = cross wallet + cross
unrealized PnL - cross IM (positions and orders) - isolated positions' open-order IM;
max withdraw is the same without unrealized profit (Binance does not publish it; unrealized
profit cannot leave the account).
"""

from dataclasses import dataclass, field
from typing import cast

from binance_sandbox.core import contract_value, order_totals
from binance_sandbox.core.account_positions import SIDE_ORDER, every_position
from binance_sandbox.core.accounts import Account, SymbolConfig, wallet_of
from binance_sandbox.core.brackets import default_leverage, maintenance_margin
from binance_sandbox.core.instruments import Instrument, Product
from binance_sandbox.core.positions import Position, PositionSide, price_8, unrealized_pnl
from binance_sandbox.core.rounding import div_half_up
from binance_sandbox.core.state import ExchangeState, position_key


@dataclass
class OrderSums:
    """One position side's open orders: notional and open loss per book side (8 decimals)."""

    bids: int = 0
    asks: int = 0
    bid_loss: int = 0
    ask_loss: int = 0

    def add(self, is_buy: bool, notional: int, loss: int) -> None:
        if is_buy:
            self.bids += notional
            self.bid_loss += loss
        else:
            self.asks += notional
            self.ask_loss += loss


@dataclass(frozen=True)
class SideRisk:
    instrument: Instrument
    side: PositionSide
    position: Position | None
    config: SymbolConfig
    mark: int
    notional: int  # signed, at the mark
    upnl: int
    position_im: int
    maint: int
    order_im: int
    bids: int  # open orders' notional per book side
    asks: int

    @property
    def isolated(self) -> bool:
        return self.config.isolated

    @property
    def isolated_wallet(self) -> int:
        return self.position.isolated_wallet if self.position and self.isolated else 0


@dataclass
class AssetRisk:
    asset: str
    wallet: int
    isolated_wallets: int = 0
    upnl: int = 0
    cross_upnl: int = 0
    position_im: int = 0
    order_im: int = 0
    cross_im: int = 0  # cross positions' and orders' IM
    isolated_order_im: int = 0
    maint: int = 0

    @property
    def cross_wallet(self) -> int:
        return self.wallet - self.isolated_wallets

    @property
    def margin_balance(self) -> int:
        return self.wallet + self.upnl

    @property
    def free(self) -> int:
        """Available balance before the floor at 0: what a new order may still use."""
        return self.cross_wallet + self.cross_upnl - self.cross_im - self.isolated_order_im

    @property
    def available(self) -> int:
        return max(0, self.free)

    @property
    def max_withdraw(self) -> int:
        return max(0, self.free - max(0, self.cross_upnl))


@dataclass
class AccountRisk:
    sides: list[SideRisk] = field(default_factory=list)
    assets: dict[str, AssetRisk] = field(default_factory=dict)  # the USDⓈ-M wallet's
    coinm: dict[str, AssetRisk] = field(default_factory=dict)  # the COIN-M wallet's

    def of(self, product: Product) -> dict[str, AssetRisk]:
        return self.coinm if product == "coinm" else self.assets

    def asset(self, asset: str, account: Account, product: Product = "usdm") -> AssetRisk:
        row = self.of(product).get(asset)
        return row or AssetRisk(asset, wallet_of(account, product).balance(asset))


def symbol_config(account: Account, instrument: Instrument) -> SymbolConfig:
    config = account.symbol_configs.get(instrument.symbol)
    return config or SymbolConfig(leverage=default_leverage(instrument.tiers))


def mark_of(state: ExchangeState, instrument: Instrument) -> int:
    return state.mark_price(instrument) or 0


def order_notional(instrument: Instrument, qty: int, price: int) -> int:
    """What qty at a price on the tick grid is worth at 8 decimals, floored."""
    terms = contract_value.terms(instrument)
    return contract_value.notional_down(qty, price_8(price, instrument.price_decimals), *terms)


def open_loss(instrument: Instrument, is_buy: bool, qty: int, price_8_: int, mark: int) -> int:
    """Qty x |min(0, d x (mark - price))|: a buy above or a sell below the mark."""
    return contract_value.open_loss(is_buy, qty, price_8_, mark, *contract_value.terms(instrument))


def order_margin(position_notional: int, sums: OrderSums, leverage: int) -> int:
    """The worse side's cost of a position side's open orders."""
    size = abs(position_notional)
    bid_growth = abs(position_notional + sums.bids) - size
    ask_growth = abs(position_notional - sums.asks) - size
    bid_cost = div_half_up(bid_growth, leverage) + sums.bid_loss if bid_growth > 0 else 0
    ask_cost = div_half_up(ask_growth, leverage) + sums.ask_loss if ask_growth > 0 else 0
    return max(bid_cost, ask_cost)


def exposure(position_notional: int, sums: OrderSums) -> int:
    """The position's notional if the worse side's orders all filled (for the position limit)."""
    return max(abs(position_notional + sums.bids), abs(position_notional - sums.asks))


def order_sums(state: ExchangeState, account_id: int) -> dict[tuple[str, str], OrderSums]:
    """The account's open orders summed per (symbol, position side), from the totals kept as
    orders change (`order_totals`): the cost does not grow with the number of orders."""
    return {
        key: OrderSums(*side.sums(mark_of(state, state.instruments[key[0]])))
        for key, side in order_totals.sides_of(state, account_id).items()
    }


def side_risk(
    state: ExchangeState,
    account: Account,
    instrument: Instrument,
    side: PositionSide,
    sums: OrderSums,
) -> SideRisk:
    position = state.positions.get(position_key(account.account_id, instrument.symbol, side))
    config = symbol_config(account, instrument)
    mark = mark_of(state, instrument)
    qty = position.qty if position else 0
    terms = contract_value.terms(instrument)
    notional = contract_value.notional(qty, mark, *terms)
    upnl = unrealized_pnl(position, mark, *terms) if position else 0
    return SideRisk(
        instrument=instrument,
        side=side,
        position=position,
        config=config,
        mark=mark,
        notional=notional,
        upnl=upnl,
        position_im=div_half_up(abs(notional), config.leverage),
        maint=maintenance_margin(instrument.tiers, notional),
        order_im=order_margin(notional, sums, config.leverage),
        bids=sums.bids,
        asks=sums.asks,
    )


def held_sides(
    state: ExchangeState, account: Account, groups: dict[tuple[str, str], OrderSums]
) -> list[tuple[Instrument, PositionSide]]:
    """The position sides where the account has a position or open orders, in symbol order
    (the account's own positions and order groups: not a walk over every instrument)."""
    held: set[tuple[str, str]] = {
        (p.symbol, p.side) for p in every_position(state, account.account_id) if p.qty
    }
    held.update(groups)
    listed = state.instruments
    return [
        (listed[symbol], cast(PositionSide, side))
        for symbol, side in sorted(held, key=lambda key: (key[0], SIDE_ORDER[key[1]]))
        if symbol in listed
    ]


def account_risk(
    state: ExchangeState,
    account: Account,
    groups: dict[tuple[str, str], OrderSums] | None = None,
    known: SideRisk | None = None,
) -> AccountRisk:
    """Every held position side's figures and their totals per margin asset; `groups` are the
    account's `order_sums` and `known` one side's figures when the caller has them already."""
    risk = AccountRisk()
    if groups is None:
        groups = order_sums(state, account.account_id)
    for instrument, side in held_sides(state, account, groups):
        if known is not None and known.side == side and known.instrument is instrument:
            one = known
        else:
            sums = groups.get((instrument.symbol, side), OrderSums())
            one = side_risk(state, account, instrument, side, sums)
        risk.sides.append(one)
        _add_side(_asset(risk, account, instrument), one)
    return risk


def _asset(risk: AccountRisk, account: Account, instrument: Instrument) -> AssetRisk:
    rows, asset = risk.of(instrument.product), instrument.margin_asset
    row = rows.get(asset)
    if row is None:
        wallet = wallet_of(account, instrument.product)
        row = rows[asset] = AssetRisk(asset, wallet.balance(asset))
    return row


def _add_side(row: AssetRisk, side: SideRisk) -> None:
    row.upnl += side.upnl
    row.position_im += side.position_im
    row.order_im += side.order_im
    row.maint += side.maint
    if side.isolated:
        row.isolated_wallets += side.isolated_wallet
        row.isolated_order_im += side.order_im
    else:
        row.cross_upnl += side.upnl
        row.cross_im += side.position_im + side.order_im
