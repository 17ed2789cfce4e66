"""Placing and cancelling orders: checks, matching, order records, positions and commission.

A placed order gets the next order id, is checked (`order_checks`), then matched against its
symbol's book (`matching.execute`). Each fill is one trade id shared by both sides; for each
side the order's executed quantity and quote grow, its position changes (`positions`), and
its wallet moves by realized PnL minus commission (maker or taker rate, in the margin asset,
rounded half away from zero at 8 decimals). Events come in Binance's order: the taker's NEW,
then per fill the maker's and the taker's TRADE, then any expiry.

Refusals (checks, FOK that cannot fill, post-only that would take) leave no trace but the
Rejected event; the order id counter only moves for accepted orders.
"""

import msgspec

from binance_sandbox.core import (
    contract_value,
    delivery,
    isolated_margin,
    open_orders,
    order_checks,
    reduce_only,
    rejects,
)
from binance_sandbox.core.accounts import Account, wallet_of
from binance_sandbox.core.commands import (
    CancelAllOrders,
    CancelOrder,
    PlaceOrder,
    SetPositionMode,
)
from binance_sandbox.core.events import (
    BalanceChanged,
    Event,
    OrderUpdated,
    PositionModeChanged,
    Rejected,
    Trade,
)
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.key_derivation import derive_token
from binance_sandbox.core.margin import symbol_config
from binance_sandbox.core.mark_price import MarkState
from binance_sandbox.core.market_bound import market_limit
from binance_sandbox.core.matching import Fill, Outcome, Taker, TimeInForce, execute
from binance_sandbox.core.order_ending import copy, end_order
from binance_sandbox.core.orders import Order, OrderStatus
from binance_sandbox.core.positions import Position, apply_fill, charge_opening_fee, price_8
from binance_sandbox.core.state import ExchangeState, position_key

CLIENT_ORDER_ID_LENGTH = 22


def place_order(
    state: ExchangeState, seq: int, ts: int, cmd: PlaceOrder, *, throttled: bool = True
) -> list[Event]:
    """`throttled`: -1008 applies (a request; a triggered conditional order is not one)."""
    instrument = state.instruments.get(cmd.symbol)
    if instrument is None:
        return [rejects.BAD_SYMBOL]
    account = state.account(cmd.account_id)
    if account is None:
        return [rejects.unknown_account(cmd.account_id)]
    if throttled and state.overloaded and not cmd.reduce_only:
        return [rejects.OVERLOADED]
    if (closed := delivery.refusal(state, instrument, cmd, ts)) is not None:
        return [closed]
    price = order_checks.check(state, account, instrument, cmd, ts)
    if isinstance(price, Rejected):
        return [price]
    order = _new_order(state, seq, ts, cmd, price)
    time_in_force = cmd.time_in_force if order.order_type == "LIMIT" else "IOC"
    taker = taker_for(order, time_in_force, account.stp_group)
    if order.order_type == "MARKET":
        bounded = _bounded(state, instrument, taker)
        if isinstance(bounded, Rejected):
            return [bounded]
        taker = bounded
    outcome = execute(state.books[cmd.symbol], taker)
    if outcome.ending == "REFUSED_FOK":
        return [rejects.FOK_REJECTED]
    if outcome.ending == "REFUSED_GTX":
        return [rejects.GTX_REJECTED]
    if not cmd.order_id:
        state.next_order_id += 1
    events: list[Event] = [OrderUpdated(order=copy(order), execution="NEW")]
    events += take_liquidity(state, instrument, order, outcome, ts)
    return events + settle_taker(state, order, outcome, ts)


def _bounded(state: ExchangeState, instrument: Instrument, taker: Taker) -> Taker | Rejected:
    """A MARKET taker limited to marketTakeBound from the mark (market_bound.py)."""
    limit = market_limit(state, instrument, taker.is_buy)
    if limit is None:
        return taker
    opposite = state.books[instrument.symbol].opposite_side(taker.is_buy)
    best = opposite.best()
    if best is not None and not opposite.crosses(best.price, limit):
        return rejects.MARKET_BEYOND_BOUND
    return msgspec.structs.replace(taker, limit=limit)


def _traders(taker: Order, outcome: Outcome) -> set[int]:
    """The accounts whose positions a match changed."""
    return {taker.account_id} | {fill.maker_account_id for fill in outcome.fills}


def take_liquidity(
    state: ExchangeState, instrument: Instrument, taker: Order, outcome: Outcome, ts: int
) -> list[Event]:
    """Books what matching did: each fill on both sides, then makers expired by STP."""
    events: list[Event] = []
    for fill in outcome.fills:
        events += _trade(state, instrument, taker, fill, ts)
    return events + _expire_makers(state, outcome, ts)


def cancel_order(state: ExchangeState, ts: int, cmd: CancelOrder) -> list[Event]:
    order = find_open(state, cmd.account_id, cmd.symbol, cmd.order_id, cmd.client_order_id)
    if order is None:
        return [rejects.UNKNOWN_ORDER]
    return [end_order(state, order, "CANCELED", ts)]


def cancel_all_orders(state: ExchangeState, ts: int, cmd: CancelAllOrders) -> list[Event]:
    mine = [o for o in open_orders.of_account(state, cmd.account_id) if o.symbol == cmd.symbol]
    return [end_order(state, order, "CANCELED", ts) for order in mine]


def set_position_mode(state: ExchangeState, cmd: SetPositionMode) -> list[Event]:
    account = state.account(cmd.account_id)
    if account is None:
        return [rejects.unknown_account(cmd.account_id)]
    if account.dual_side_position == cmd.dual_side_position:
        return [rejects.POSITION_MODE_UNCHANGED]
    if cmd.account_id in state.open_order_ids or cmd.account_id in state.open_algo_ids:
        return [rejects.MODE_CHANGE_WITH_OPEN_ORDERS]
    if any(p.account_id == cmd.account_id and p.qty for p in state.positions.values()):
        return [rejects.MODE_CHANGE_WITH_POSITION]
    account.dual_side_position = cmd.dual_side_position
    return [PositionModeChanged(account_id=cmd.account_id, dual=cmd.dual_side_position)]


def _new_order(state: ExchangeState, seq: int, ts: int, cmd: PlaceOrder, price: int) -> Order:
    # Salted with the genesis time: two fresh sandboxes of one seed (the default) started at
    # different times make different ids; a manual-clock run made again makes the same ones.
    purpose = f"client-order-id:{state.created_at}"
    client_order_id = cmd.client_order_id or derive_token(
        state.seed, seq, purpose, CLIENT_ORDER_ID_LENGTH
    )
    return Order(
        order_id=cmd.order_id or state.next_order_id,
        client_order_id=client_order_id,
        account_id=cmd.account_id,
        symbol=cmd.symbol,
        side=cmd.side,
        position_side=cmd.position_side,
        order_type=cmd.order_type,
        time_in_force=cmd.time_in_force if cmd.order_type == "LIMIT" else "GTC",
        price=price,
        orig_qty=cmd.quantity,
        reduce_only=cmd.reduce_only,
        price_match=cmd.price_match,
        stp_mode=cmd.stp_mode,
        good_till_date=cmd.good_till_date // 1000 * 1000,  # Binance keeps whole seconds
        origin=cmd.origin,
        time=ts,
        update_time=ts,
    )


def taker_for(order: Order, time_in_force: TimeInForce, stp_group: int) -> Taker:
    """The order's remaining quantity as it meets the book (MARKET orders match as IOC)."""
    return Taker(
        order_id=order.order_id,
        account_id=order.account_id,
        is_buy=order.is_buy,
        limit=order.price if order.order_type == "LIMIT" else None,
        qty=order.remaining,
        time_in_force=time_in_force,
        stp_group=stp_group,
        stp_mode=order.stp_mode,
    )


def _trade(
    state: ExchangeState, instrument: Instrument, taker: Order, fill: Fill, ts: int
) -> list[Event]:
    trade_id = state.take_trade_ids(instrument.symbol, 1)
    last = price_8(fill.price, instrument.price_decimals)
    state.marks.setdefault(instrument.symbol, MarkState()).last_trade = last
    maker = state.open_orders[fill.maker_order_id]
    events = _fill_side(state, instrument, maker, fill, trade_id, ts, is_maker=True)
    if fill.maker_remaining == 0:
        open_orders.remove(state, maker.order_id)
    else:
        open_orders.update(state, maker)
    events += _fill_side(state, instrument, taker, fill, trade_id, ts, is_maker=False)
    return events


def _fill_side(
    state: ExchangeState,
    instrument: Instrument,
    order: Order,
    fill: Fill,
    trade_id: int,
    ts: int,
    *,
    is_maker: bool,
    free: bool = False,
) -> list[Event]:
    order.executed_qty += fill.qty
    order.cum_quote += fill.price * fill.qty
    order.status = "FILLED" if order.remaining == 0 else "PARTIALLY_FILLED"
    order.update_time = ts
    position = _position(state, order)
    signed = fill.qty if order.is_buy else -fill.qty
    fill_price_8 = price_8(fill.price, instrument.price_decimals)
    size_before = abs(position.qty)
    qty_decimals, size = contract_value.terms(instrument)
    if size:
        order.cum_base += contract_value.worth_fine(fill.qty, fill_price_8, qty_decimals, size)
    result = apply_fill(position, signed, fill_price_8, qty_decimals, ts, size)
    pnl = result.realized_pnl
    account = state.accounts[order.account_id - 1]
    config = symbol_config(account, instrument)
    if config.isolated:
        isolated_margin.book_fill(position, config.leverage, size_before, result, fill.qty,
                                  fill_price_8, instrument)  # fmt: skip
    if free:
        commission = 0
    else:
        rate = account.maker_rate if is_maker else account.taker_rate
        commission = contract_value.fee(fill.qty, fill_price_8, rate, qty_decimals, size)
    charge_opening_fee(position, result, fill.qty, commission)
    trade = Trade(
        trade_id=trade_id,
        price=fill.price,
        qty=fill.qty,
        quote=fill.price * fill.qty,
        commission=commission,
        commission_asset=instrument.margin_asset,
        realized_pnl=pnl,
        is_maker=is_maker,
    )
    events: list[Event] = [OrderUpdated(order=copy(order), execution="TRADE", trade=trade)]
    delta = pnl - commission
    return events + _book_wallet(account, instrument, delta, trade_id, ts)


def _book_wallet(
    account: Account, instrument: Instrument, delta: int, trade_id: int, ts: int
) -> list[Event]:
    if delta == 0:
        return []
    asset, wallet = instrument.margin_asset, wallet_of(account, instrument.product)
    balance = wallet.balance(asset) + delta
    wallet.balances[asset] = balance
    wallet.balance_times[asset] = ts
    return [
        BalanceChanged(
            account_id=account.account_id,
            asset=asset,
            delta=delta,
            balance=balance,
            reason="TRADE",
            tran_id=trade_id,
            product=instrument.product,
        )
    ]


def _position(state: ExchangeState, order: Order) -> Position:
    key = position_key(order.account_id, order.symbol, order.position_side)
    position = state.positions.get(key)
    if position is None:
        position = Position(
            account_id=order.account_id, symbol=order.symbol, side=order.position_side
        )
        state.positions[key] = position
    return position


def _expire_makers(state: ExchangeState, outcome: Outcome, ts: int) -> list[Event]:
    return [
        end_order(state, state.open_orders[maker.order_id], "EXPIRED_IN_MATCH", ts)
        for maker in outcome.expired_makers
    ]


def settle_taker(state: ExchangeState, order: Order, outcome: Outcome, ts: int) -> list[Event]:
    """After matching a new or amended order: it rests, or it is done (and no longer open);
    then resting reduce-only orders that a trade left over-closing are trimmed."""
    events: list[Event] = []
    if outcome.ending == "RESTED":
        open_orders.add(state, order)
    elif outcome.ending == "FILLED":
        open_orders.remove(state, order.order_id)
    else:
        status: OrderStatus = (
            "EXPIRED_IN_MATCH" if outcome.ending == "EXPIRED_IN_MATCH" else "EXPIRED"
        )
        events.append(end_order(state, order, status, ts))
    return events + reduce_only.trim(state, _traders(order, outcome), order.symbol, ts)


def find_open(
    state: ExchangeState, account_id: int, symbol: str, order_id: int, client_order_id: str
) -> Order | None:
    """An open order of the account on the symbol, by id or else by client order id."""
    if order_id:
        order = state.open_orders.get(order_id)
    else:
        order = next(
            (
                o
                for o in open_orders.of_account(state, account_id)
                if o.client_order_id == client_order_id
            ),
            None,
        )
    if order is None or order.account_id != account_id or order.symbol != symbol:
        return None
    return order


def book_off_book_fill(
    state: ExchangeState, instrument: Instrument, order: Order, fill: Fill, trade_id: int, ts: int
) -> list[Event]:
    """One side of a fill that did not come from the book (an insurance fund take-over, an
    ADL): the order is the taker unless it is the fill's maker; no commission (FORMULAS §4.6)."""
    maker = order.order_id == fill.maker_order_id
    return _fill_side(state, instrument, order, fill, trade_id, ts, is_maker=maker, free=True)
