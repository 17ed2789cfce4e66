"""The open orders summed per account and position side, kept up to date as orders open, fill,
are amended and end, so a new order's checks cost the same with 1 or 1,000 open orders
(issue 17 item 7): margin (notional and open loss per book side), the number of orders per
symbol, closing quantity for reduce-only, and client order ids.

Derived data, not state: it lives beside the state (in the struct's `__dict__`, so it is
neither snapshotted nor hashed) and is built from the open orders on first use, and again when
the open orders were replaced wholesale (ReplaceState, a decoded snapshot). `open_orders` keeps
it current. Notional and quantities do not depend on the mark; open loss does, so a side keeps
its loss at the mark it was last read at and books each changed order's share at that mark; a
new mark recomputes that one side's loss from its orders, once.
"""

from dataclasses import dataclass, field

from binance_sandbox.core.contract_value import Terms, notional_down, open_loss, terms
from binance_sandbox.core.fixed import AMOUNT_DECIMALS
from binance_sandbox.core.orders import Order, Side
from binance_sandbox.core.positions import PositionSide
from binance_sandbox.core.state import ExchangeState

SideKey = tuple[str, PositionSide]  # (symbol, position side)
_HEDGE_CLOSES = frozenset({("LONG", "SELL"), ("SHORT", "BUY")})
_ATTRIBUTE = "order_totals"


def is_closing(side: Side, position_side: PositionSide, reduce_only: bool) -> bool:
    """A reduce-only order, or in hedge mode a SELL on LONG or a BUY on SHORT (FORMULAS §6.6)."""
    return reduce_only or (position_side, side) in _HEDGE_CLOSES


@dataclass(slots=True)
class _Share:
    """What one open order adds to its side, as last recorded."""

    account_id: int
    key: SideKey
    is_buy: bool
    closing: bool
    qty: int  # remaining, in steps
    price: int  # at 8 decimals
    terms: Terms  # the instrument's `contract_value.terms`
    notional: int
    client_order_id: str

    def loss(self, mark: int) -> int:
        """What filling at the price would lose at once at the mark (margin.open_loss)."""
        return open_loss(self.is_buy, self.qty, self.price, mark, *self.terms)


@dataclass
class SideOrders:
    """One account's open orders on one position side of one symbol."""

    shares: dict[int, _Share] = field(default_factory=dict)  # by order id
    bids: int = 0
    asks: int = 0
    closing_buys: int = 0  # remaining quantity of closing orders, per book side
    closing_sells: int = 0
    loss_mark: int | None = None  # the mark bid_loss and ask_loss are at
    bid_loss: int = 0
    ask_loss: int = 0

    def book(self, order_id: int, share: _Share, sign: int) -> None:
        if sign > 0:
            self.shares[order_id] = share
        else:
            del self.shares[order_id]
        if share.is_buy:
            self.bids += sign * share.notional
            self.closing_buys += sign * share.qty * share.closing
        else:
            self.asks += sign * share.notional
            self.closing_sells += sign * share.qty * share.closing
        if self.loss_mark is not None:
            loss = sign * share.loss(self.loss_mark)
            if share.is_buy:
                self.bid_loss += loss
            else:
                self.ask_loss += loss

    def sums(self, mark: int) -> tuple[int, int, int, int]:
        """Notional and open loss per book side: bids, asks, bid loss, ask loss."""
        if mark != self.loss_mark:
            self.loss_mark = mark
            self.bid_loss = sum(s.loss(mark) for s in self.shares.values() if s.is_buy)
            self.ask_loss = sum(s.loss(mark) for s in self.shares.values() if not s.is_buy)
        return self.bids, self.asks, self.bid_loss, self.ask_loss

    def closing(self, side: Side) -> int:
        return self.closing_buys if side == "BUY" else self.closing_sells


@dataclass
class _Totals:
    built_from: dict[int, Order]  # the open-orders dict these totals follow (by identity)
    shares: dict[int, _Share] = field(default_factory=dict)
    sides: dict[int, dict[SideKey, SideOrders]] = field(default_factory=dict)
    client_ids: dict[int, dict[str, int]] = field(default_factory=dict)


def _totals(state: ExchangeState) -> _Totals:
    totals: _Totals | None = state.__dict__.get(_ATTRIBUTE)
    if totals is None or totals.built_from is not state.open_orders:
        totals = _Totals(state.open_orders)
        state.__dict__[_ATTRIBUTE] = totals
        for order in state.open_orders.values():
            _add(state, totals, order)
    return totals


def record(state: ExchangeState, order: Order) -> None:
    """Books an open order as it is now (again, after its quantity or price changed)."""
    totals = _totals(state)
    _drop(totals, order.order_id)
    _add(state, totals, order)


def forget(state: ExchangeState, order_id: int) -> None:
    _drop(_totals(state), order_id)


def sides_of(state: ExchangeState, account_id: int) -> dict[SideKey, SideOrders]:
    """The account's position sides with open orders (not to be changed by the caller)."""
    return _totals(state).sides.get(account_id, {})


def count_on(state: ExchangeState, account_id: int, symbol: str) -> int:
    """The account's open orders on the symbol (MAX_NUM_ORDERS)."""
    sides = sides_of(state, account_id)
    return sum(len(sides[key].shares) for key in _keys(symbol) if key in sides)


def order_id_of(state: ExchangeState, account_id: int, client_order_id: str) -> int | None:
    """The open order of the account with this client order id."""
    return _totals(state).client_ids.get(account_id, {}).get(client_order_id)


def _keys(symbol: str) -> tuple[SideKey, ...]:
    return ((symbol, "BOTH"), (symbol, "LONG"), (symbol, "SHORT"))


def _add(state: ExchangeState, totals: _Totals, order: Order) -> None:
    instrument = state.instruments[order.symbol]
    valued = terms(instrument)
    price = order.price * 10 ** (AMOUNT_DECIMALS - instrument.price_decimals)
    qty = order.remaining
    share = _Share(
        account_id=order.account_id,
        key=(order.symbol, order.position_side),
        is_buy=order.is_buy,
        closing=is_closing(order.side, order.position_side, order.reduce_only),
        qty=qty,
        price=price,
        terms=valued,
        notional=notional_down(qty, price, *valued),
        client_order_id=order.client_order_id,
    )
    totals.shares[order.order_id] = share
    sides = totals.sides.setdefault(order.account_id, {})
    side = sides.get(share.key)
    if side is None:
        side = sides[share.key] = SideOrders()
    side.book(order.order_id, share, 1)
    totals.client_ids.setdefault(order.account_id, {})[order.client_order_id] = order.order_id


def _drop(totals: _Totals, order_id: int) -> None:
    share = totals.shares.pop(order_id, None)
    if share is None:
        return
    sides = totals.sides[share.account_id]
    side = sides[share.key]
    side.book(order_id, share, -1)
    if not side.shares:
        del sides[share.key]
        if not sides:
            del totals.sides[share.account_id]
    ids = totals.client_ids[share.account_id]
    if ids.get(share.client_order_id) == order_id:
        del ids[share.client_order_id]
        if not ids:
            del totals.client_ids[share.account_id]
