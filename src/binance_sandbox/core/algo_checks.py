"""The checks a new conditional order passes, with Binance's codes; no margin check (since the
Algo Service, margin is checked when the order triggers).

In order: -1008 overload (close-position and reduce-only exempt); clientAlgoId (-4015, -4116);
position side against the account's mode (-4061, and close-position's own direction in hedge
mode); GTD date (-5040); callbackRate within 0.1-10 %; LOT_SIZE / MARKET_LOT_SIZE of the
quantity (-4004, -4005, -4023); PRICE_FILTER of the price, trigger and activation prices
(-4013, -4002, -4014); a stop-limit's price within its trigger's PERCENT_PRICE band (-4183,
-4184, `stop_limit_bounds`); MIN_NOTIONAL at the price or trigger (-4164, unless reducing);
-2021 when it would trigger at once; MAX_NUM_ORDERS, which counts open and conditional orders
on the symbol (-2025); and at most 200 untriggered conditional orders per account (-4045).
"""

from binance_sandbox.core import (
    open_algos,
    open_order_count,
    order_checks,
    rejects,
    stop_limit_bounds,
)
from binance_sandbox.core.accounts import Account
from binance_sandbox.core.algo_orders import AlgoOrder
from binance_sandbox.core.algo_rules import reached, rises_to, threshold
from binance_sandbox.core.commands import PlaceAlgoOrder
from binance_sandbox.core.events import Rejected
from binance_sandbox.core.fixed import parse_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.positions import price_8
from binance_sandbox.core.state import ExchangeState

MAX_OPEN_CONDITIONAL = 200  # across all symbols (change-log 2025-12-29)
CALLBACK_RATE_RANGE = (1, 100)  # tenths of a percent: 0.1 % to 10 %

WOULD_TRIGGER = rejects.rejected(-2021, "Order would immediately trigger.")
TOO_MANY = rejects.rejected(-4045, "Reach max stop order limit.")
QTY_WITH_CLOSE_POSITION = rejects.rejected(
    -4137, "Quantity must be zero with closePosition equals true"
)
CALLBACK_RATE = rejects.malformed("callbackRate")


def check(
    state: ExchangeState, account: Account, instrument: Instrument, cmd: PlaceAlgoOrder, ts: int
) -> Rejected | None:
    for rule in (_throttle, _identity, _position_side, _shape):
        refusal = rule(state, account, cmd)
        if refusal is not None:
            return refusal
    if cmd.time_in_force == "GTD" and not (
        ts + order_checks.GTD_MIN_AHEAD_MS < cmd.good_till_date < order_checks.GTD_LATEST_MS
    ):
        return rejects.GTD_DATE
    refusal = _filters(state, instrument, cmd)
    if refusal is not None:
        return refusal
    counted = open_order_count.on_symbol(state, account.account_id, cmd.symbol)
    if counted >= instrument.max_num_orders:
        return rejects.MAX_OPEN_ORDERS
    if len(open_algos.of_account(state, account.account_id)) >= MAX_OPEN_CONDITIONAL:
        return TOO_MANY
    return None


def would_trigger(order: AlgoOrder, price_decimals: int, price_8_now: int | None) -> bool:
    """-2021: the condition (a trailing stop's activation) already holds at the latest price."""
    if price_8_now is None or (
        order.order_type == "TRAILING_STOP_MARKET" and not order.activate_price
    ):
        return False
    level = price_8(threshold(order), price_decimals)
    return reached(rising=rises_to(order), threshold_8=level, price_8=price_8_now)


def _throttle(state: ExchangeState, _account: Account, cmd: PlaceAlgoOrder) -> Rejected | None:
    exempt = cmd.reduce_only or cmd.close_position
    return rejects.OVERLOADED if state.overloaded and not exempt else None


def _identity(state: ExchangeState, account: Account, cmd: PlaceAlgoOrder) -> Rejected | None:
    if not cmd.client_algo_id:
        return None
    if not order_checks.CLIENT_ORDER_ID.fullmatch(cmd.client_algo_id):
        return rejects.CLIENT_ORDER_ID_INVALID
    mine = open_algos.of_account(state, account.account_id)
    if any(o.client_algo_id == cmd.client_algo_id for o in mine):
        return rejects.CLIENT_ORDER_ID_DUPLICATED
    return None


def _position_side(_state: ExchangeState, account: Account, cmd: PlaceAlgoOrder) -> Rejected | None:
    hedged = cmd.position_side in ("LONG", "SHORT")
    if hedged != account.dual_side_position:
        return rejects.POSITION_SIDE_MISMATCH
    opening = (cmd.position_side, cmd.side) in (("LONG", "BUY"), ("SHORT", "SELL"))
    return rejects.POSITION_SIDE_MISMATCH if cmd.close_position and opening else None


def _shape(_state: ExchangeState, _account: Account, cmd: PlaceAlgoOrder) -> Rejected | None:
    if cmd.close_position and cmd.quantity:
        return QTY_WITH_CLOSE_POSITION
    if cmd.order_type == "TRAILING_STOP_MARKET":
        low, high = CALLBACK_RATE_RANGE
        if not low <= cmd.callback_rate <= high:
            return CALLBACK_RATE
    return None


def _filters(state: ExchangeState, inst: Instrument, cmd: PlaceAlgoOrder) -> Rejected | None:
    if not cmd.close_position:
        refusal = _quantity(inst, cmd)
        if refusal is not None:
            return refusal
    for price in (cmd.price, cmd.trigger_price, cmd.activate_price):
        refusal = _price(inst, price) if price else None
        if refusal is not None:
            return refusal
    refusal = stop_limit_bounds.refusal(inst, cmd)
    if refusal is not None:
        return refusal
    if cmd.reduce_only or cmd.close_position:
        return None
    return order_checks.below_min_notional(
        state, inst, cmd.quantity, cmd.price or cmd.trigger_price or cmd.activate_price
    )


def _quantity(inst: Instrument, cmd: PlaceAlgoOrder) -> Rejected | None:
    market = cmd.order_type.endswith("MARKET")
    low_text = (inst.market_min_qty or inst.min_qty) if market else inst.min_qty
    low = parse_scaled(low_text, inst.qty_decimals)
    high = parse_scaled(inst.market_max_qty if market else inst.max_qty, inst.qty_decimals)
    if cmd.quantity < low:
        return rejects.QTY_BELOW_MIN
    if cmd.quantity > high:
        return rejects.QTY_ABOVE_MAX
    if (cmd.quantity - low) % inst.step:
        return rejects.QTY_OFF_STEP
    return None


def _price(inst: Instrument, price: int) -> Rejected | None:
    low = parse_scaled(inst.min_price, inst.price_decimals)
    high = parse_scaled(inst.max_price, inst.price_decimals)
    if price < low:
        return rejects.PRICE_BELOW_MIN
    if price > high:
        return rejects.PRICE_ABOVE_MAX
    if (price - low) % inst.tick:
        return rejects.PRICE_OFF_TICK
    return None
