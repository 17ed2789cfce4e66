"""Which accounts a mark change can put at the margin-call level: an index beside the state so
the check at every mark change does not walk every open position (FORMULAS.md §3.1, §4.5).

An account holding one position has a trigger price: the mark at which its scope's margin
ratio would reach 80 % (the margin call, before the 100 % of liquidation), from
W + s x Q x (m - e) = 1.25 x (Q x m x MMR - cum) in the bracket the price falls in (for an
inverse position the same in x = 1/m, as `liquidation` solves it), widened by
0.1 % so rounding cannot hide a crossing. A long is checked when the mark is at or under it, a
short at or over it. An account holding more than one position (other marks move its figures
too) is checked at every change of a mark it holds, and so is every scope under a margin call.
So is an account in Multi-Assets mode, also at every change of a mark on the index pairs that
value its collateral: its pool moves with those indexes (BTC behind a BTCUSDT long loses value
as the mark falls), so no price of one symbol bounds it, and an exact check of the few such
accounts is simpler than a trigger that would have to follow every index.
The exact check (`margin_health`) then decides, so the index only saves work: the state and
the events are those of a full scan.

An account's trigger is recomputed after an event says its money or positions changed
(balances, fills, isolated margin, margin type, leverage, position mode, asset mode, funding
fees, delivery); a replaced state starts the index over. A new kind of change to an account's
money or positions must be added to `note`. The index is not state: it is rebuilt from the
state when missing.
"""

import math
from fractions import Fraction

from binance_sandbox.core.accounts import Account, wallet_of
from binance_sandbox.core.collateral import index_pair
from binance_sandbox.core.events import (
    BalanceChanged,
    ContractDelivered,
    Event,
    FundingFeeCharged,
    LeverageChanged,
    MarginTypeChanged,
    MultiAssetsModeChanged,
    OrderUpdated,
    PositionMarginChanged,
    PositionModeChanged,
    StateReplaced,
)
from binance_sandbox.core.fixed import AMOUNT_SCALE
from binance_sandbox.core.liquidation import leg
from binance_sandbox.core.margin_health import WARNING_PERCENT, held_positions, positions_of
from binance_sandbox.core.positions import Position
from binance_sandbox.core.state import ExchangeState

CALL_FACTOR = Fraction(100, WARNING_PERCENT)  # balance <= 1.25 x maintenance margin
WIDEN = Fraction(1, 1000)
UNREACHABLE = 2**62  # a price above every mark


class LiquidationWatch:
    def __init__(self) -> None:
        self.built = False
        self.dirty: set[int] = set()
        self.triggers: dict[str, dict[int, tuple[bool, int]]] = {}  # symbol -> account -> ...
        self.always: dict[str, set[int]] = {}  # symbol -> accounts checked at every change
        self.symbols_of: dict[int, list[str]] = {}  # account -> symbols it is indexed under

    def note(self, events: list[Event]) -> None:
        """Marks the accounts whose figures the events changed."""
        for event in events:
            if isinstance(event, OrderUpdated):
                if event.trade is not None:
                    self.dirty.add(event.order.account_id)
            elif isinstance(
                event,
                BalanceChanged | PositionMarginChanged | MarginTypeChanged | LeverageChanged
                | PositionModeChanged | MultiAssetsModeChanged | FundingFeeCharged
                | ContractDelivered,
            ):  # fmt: skip
                self.dirty.add(event.account_id)
            elif isinstance(event, StateReplaced):
                self.built = False

    def candidates(self, state: ExchangeState, symbols: set[str]) -> list[int]:
        """The accounts to check exactly after the marks of `symbols` changed, in id order."""
        self._refresh(state)
        found: set[int] = set()
        for symbol in symbols:
            instrument = state.instruments[symbol]
            mark = state.mark_price(instrument) or 0
            for account_id, (long, trigger) in self.triggers.get(symbol, {}).items():
                if (mark <= trigger) if long else (mark >= trigger):
                    found.add(account_id)
            found |= self.always.get(symbol, set())
        found.update(int(key.split(":", 1)[0]) for key in state.margin_calls)
        return sorted(found)

    def _refresh(self, state: ExchangeState) -> None:
        if not self.built:
            self.triggers, self.always, self.symbols_of = {}, {}, {}
            for account_id, positions in held_positions(state).items():
                self._index(state, account_id, positions)
            self.built = True
        else:
            for account_id in self.dirty:
                self._unindex(account_id)
                self._index(state, account_id, positions_of(state, account_id))
        self.dirty.clear()

    def _unindex(self, account_id: int) -> None:
        for symbol in self.symbols_of.pop(account_id, ()):
            self.triggers.get(symbol, {}).pop(account_id, None)
            self.always.get(symbol, set()).discard(account_id)

    def _index(self, state: ExchangeState, account_id: int, positions: list[Position]) -> None:
        if not positions:
            return
        account = state.accounts[account_id - 1]
        symbols = _watched(state, account, positions)
        self.symbols_of[account_id] = symbols
        lone = len(positions) == 1 and not account.multi_assets
        trigger = _trigger(state, account, positions[0]) if lone else None
        for symbol in symbols:
            if trigger is None:
                self.always.setdefault(symbol, set()).add(account_id)
            else:
                self.triggers.setdefault(symbol, {})[account_id] = trigger


def _watched(state: ExchangeState, account: Account, positions: list[Position]) -> list[str]:
    """The symbols whose mark changes can move the account's margin ratio: those it holds and,
    in Multi-Assets mode, those on the index pairs of its collateral (an index change lists
    every mark of its pair, `IndexPricesChanged.marks`)."""
    symbols = {p.symbol for p in positions}
    if account.multi_assets:
        pairs = {index_pair(asset) for asset, amount in account.balances.items() if amount}
        symbols.update(s for s, i in state.instruments.items() if i.pair in pairs)
    return sorted(symbols)


def _trigger(state: ExchangeState, account: Account, position: Position) -> tuple[bool, int]:
    """(is long, the mark at 8 decimals at which the margin call level may be reached)."""
    instrument = state.instruments[position.symbol]
    config = account.symbol_configs.get(position.symbol)
    if config is not None and config.isolated:
        wallet = position.isolated_wallet
    else:
        # its only position: no isolated ones
        wallet = wallet_of(account, instrument.product).balance(instrument.margin_asset)
    long = position.qty > 0
    # an inverse position solves in x = 1/P with its sign reversed (liquidation.leg)
    term = leg(instrument, position.qty, position.entry_price, Fraction(0), Fraction(0))
    size, entry, funds = term.size, term.entry * AMOUNT_SCALE, Fraction(wallet)
    candidates = []
    for tier in instrument.tiers:
        rate, cum = Fraction(tier.mmr, AMOUNT_SCALE) * CALL_FACTOR, tier.cum * CALL_FACTOR
        if term.sign > 0:
            price = (size * entry - funds - cum) / (size * (1 - rate))
        else:
            price = (funds + size * entry + cum) / (size * (1 + rate))
        candidates.append(price)
        if tier.floor < size * price <= tier.cap:
            candidates = [price]
            break
    # no bracket holds its own price: the loosest of them is still on the safe side
    price = max(candidates) if term.sign > 0 else min(candidates)
    if instrument.inverse:
        # x <= 0: every price reaches the call (a long) or none does (a short)
        price = Fraction(AMOUNT_SCALE**2) / price if price > 0 else Fraction(UNREACHABLE)
    margin = abs(price) * WIDEN + 1
    return long, math.ceil(price + margin) if long else math.floor(price - margin)
