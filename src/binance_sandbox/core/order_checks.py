"""The checks a new order passes before it reaches the book, with Binance's codes.

In order: client order id (-4015, -4116); position side against the account's mode (-4061);
priceMatch (-5038, -5037, -5041), which also fixes the limit price; GTD date (-5040);
LOT_SIZE / MARKET_LOT_SIZE (-4004, -4005, -4023); PRICE_FILTER (-4013, -4002, -4014);
PERCENT_PRICE against the mark price (-4016, -4024); MIN_NOTIONAL unless reduce-only (-4164;
MARKET at the mark price); MAX_NUM_ORDERS (-2025); reduce-only (-2022); and the margin
check (`order_margin`: -2027 position limit, -2019 margin insufficient).

`check` returns the limit price the order will carry (0 for MARKET) or the rejection.
"""

import re
from dataclasses import dataclass

from binance_sandbox.core import (
    contract_value,
    open_order_count,
    order_margin,
    order_totals,
    reduce_only,
    rejects,
)
from binance_sandbox.core.accounts import Account
from binance_sandbox.core.commands import PlaceOrder
from binance_sandbox.core.events import Rejected
from binance_sandbox.core.fixed import AMOUNT_DECIMALS, parse_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.positions import price_8
from binance_sandbox.core.price_match import SUSPENDED, price_for
from binance_sandbox.core.state import ExchangeState


@dataclass(frozen=True)
class _Order:
    """A new order with everything its checks read."""

    state: ExchangeState
    account: Account
    inst: Instrument
    cmd: PlaceOrder
    price: int
    ts: int


CLIENT_ORDER_ID = re.compile(r"[\.A-Z\:/a-z0-9_-]{1,36}")
GTD_MIN_AHEAD_MS = 600_000
GTD_LATEST_MS = 253_402_300_799_000


def check(
    state: ExchangeState, account: Account, instrument: Instrument, cmd: PlaceOrder, ts: int
) -> int | Rejected:
    refusal = _identity(state, account, cmd)
    if refusal is not None:
        return refusal
    price = _limit_price(state, instrument, cmd)
    if isinstance(price, Rejected):
        return price
    order = _Order(state, account, instrument, cmd, price, ts)
    for rule in (_good_till, _quantity, _price_filters, _notional, _open_orders, _reduce_only):
        refusal = rule(order)
        if refusal is not None:
            return refusal
    return order_margin.refusal(state, account, instrument, cmd, price) or price


def check_amendment(
    state: ExchangeState, account: Account, inst: Instrument, cmd: PlaceOrder, ts: int
) -> Rejected | None:
    """An amendment's new price and quantity against the filters; a notional below the minimum
    is -5029 here (MODIFICATION_MIN_NOTIONAL), not -4164."""
    order = _Order(state, account, inst, cmd, cmd.price, ts)
    for rule in (_quantity, _price_filters, _notional):
        refusal = rule(order)
        if refusal is not None:
            if refusal.code == -4164:
                return rejects.rejected(
                    -5029, f"Order's notional must be no smaller than {inst.min_notional}"
                )
            return refusal
    return None


def _identity(state: ExchangeState, account: Account, cmd: PlaceOrder) -> Rejected | None:
    if cmd.client_order_id:
        if not CLIENT_ORDER_ID.fullmatch(cmd.client_order_id):
            return rejects.CLIENT_ORDER_ID_INVALID
        if order_totals.order_id_of(state, account.account_id, cmd.client_order_id) is not None:
            return rejects.CLIENT_ORDER_ID_DUPLICATED
    hedged = cmd.position_side in ("LONG", "SHORT")
    if hedged != account.dual_side_position:
        return rejects.POSITION_SIDE_MISMATCH
    return None


def _limit_price(state: ExchangeState, instrument: Instrument, cmd: PlaceOrder) -> int | Rejected:
    if cmd.price_match == "NONE":
        return cmd.price if cmd.order_type == "LIMIT" else 0
    if cmd.order_type != "LIMIT":
        return rejects.PRICE_MATCH_TYPE
    if cmd.price or cmd.price_match in SUSPENDED:
        return rejects.INVALID_PRICE_MATCH
    matched = price_for(state.books[instrument.symbol], cmd.side == "BUY", cmd.price_match)
    return rejects.NO_DEPTH_FOR_PRICE_MATCH if matched is None else matched


def _good_till(c: _Order) -> Rejected | None:
    if c.cmd.time_in_force != "GTD":
        return None
    if not c.ts + GTD_MIN_AHEAD_MS < c.cmd.good_till_date < GTD_LATEST_MS:
        return rejects.GTD_DATE
    return None


def _quantity(c: _Order) -> Rejected | None:
    market = c.cmd.order_type == "MARKET"
    low = _qty(c.inst, (c.inst.market_min_qty or c.inst.min_qty) if market else c.inst.min_qty)
    high = _qty(c.inst, c.inst.market_max_qty if market else c.inst.max_qty)
    if c.cmd.quantity < low:
        return rejects.QTY_BELOW_MIN
    if c.cmd.quantity > high:
        return rejects.QTY_ABOVE_MAX
    if (c.cmd.quantity - low) % _qty(c.inst, c.inst.step_size):
        return rejects.QTY_OFF_STEP
    return None


def _price_filters(c: _Order) -> Rejected | None:
    if c.cmd.order_type != "LIMIT":
        return None
    low, high = _px(c.inst, c.inst.min_price), _px(c.inst, c.inst.max_price)
    if c.price < low:
        return rejects.PRICE_BELOW_MIN
    if c.price > high:
        return rejects.PRICE_ABOVE_MAX
    if (c.price - low) % _px(c.inst, c.inst.tick_size):
        return rejects.PRICE_OFF_TICK
    mark = c.state.mark_price(c.inst)
    if mark is None:
        return None
    at_8 = price_8(c.price, c.inst.price_decimals)
    if c.cmd.side == "BUY" and at_8 * 10**4 > mark * _multiplier(c.inst.percent_price_up):
        return rejects.PRICE_ABOVE_CAP
    if c.cmd.side == "SELL" and at_8 * 10**4 < mark * _multiplier(c.inst.percent_price_down):
        return rejects.PRICE_BELOW_FLOOR
    return None


def _notional(c: _Order) -> Rejected | None:
    if c.cmd.reduce_only:
        return None
    return below_min_notional(c.state, c.inst, c.cmd.quantity, c.price)


def below_min_notional(
    state: ExchangeState, inst: Instrument, qty: int, price: int
) -> Rejected | None:
    """MIN_NOTIONAL (-4164); COIN-M publishes no such filter (its orders are whole contracts
    of a fixed USD size), so an inverse contract never hits it."""
    if inst.inverse:
        return None
    notional_8 = _order_notional_8(state, inst, qty, price)
    if notional_8 is not None and notional_8 < parse_scaled(inst.min_notional, AMOUNT_DECIMALS):
        return rejects.min_notional(inst.min_notional)
    return None


def _open_orders(c: _Order) -> Rejected | None:
    mine = open_order_count.on_symbol(c.state, c.account.account_id, c.inst.symbol)
    return rejects.MAX_OPEN_ORDERS if mine >= c.inst.max_num_orders else None


def _reduce_only(c: _Order) -> Rejected | None:
    cmd = c.cmd
    if not reduce_only.is_closing(cmd.side, cmd.position_side, cmd.reduce_only):
        return None
    account, symbol = c.account.account_id, c.inst.symbol
    if reduce_only.over_closes(c.state, account, symbol, cmd.position_side, cmd.side, cmd.quantity):
        return rejects.REDUCE_ONLY_REJECTED
    return None


def _order_notional_8(state: ExchangeState, inst: Instrument, qty: int, price: int) -> int | None:
    """price x qty at 8 decimals; a MARKET order (price 0) at the mark price, None if unknown."""
    at = price_8(price, inst.price_decimals) if price else state.mark_price(inst)
    return (
        None if at is None else contract_value.notional_down(qty, at, *contract_value.terms(inst))
    )


def _qty(inst: Instrument, text: str) -> int:
    return parse_scaled(text, inst.qty_decimals)


def _px(inst: Instrument, text: str) -> int:
    return parse_scaled(text, inst.price_decimals)


def _multiplier(text: str) -> int:
    """'1.0500' -> 10500 (x 1e4, the filter's multiplierDecimal of 4)."""
    value: int = parse_scaled(text, 4)
    return value
