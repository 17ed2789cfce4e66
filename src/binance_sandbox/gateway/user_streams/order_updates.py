"""ORDER_TRADE_UPDATE and TRADE_LITE payloads of an order event, in Binance's fields and types
(samples/ws_order_update_*.json, ws_trade_lite_*.json).

Numbers print as the REST order views print them (price and quantity at the symbol's
precisions); `b` / `a` are the account's open orders' notional on the symbol per book side after
the event, as Binance reports them. `N` and `n` come only with a fill's commission.

The fills of the orders the exchange places itself, a liquidation's (`autoclose-…`) and ADL's
(`adl_autoclose`), are execution type CALCULATED ("Liquidation Execution"; the Chinese page:
"ADL or liquidation"), not TRADE, and a liquidation order's type `o` / `ot` is LIQUIDATION, as
Binance's payloads show (`x` CALCULATED, `X` FILLED, `o` LIQUIDATION, `f` IOC). Their NEW
keeps its type: the docs show the forced order as NEW first.

A delivery's settlement close (`delivery_autoclose-…` / `settlement_autoclose-…`,
`settlement_fill`) is pushed as one filled order: the pages name only its client order id, so
its other fields are the sandbox's choice (tests/test_coinm_delivery_user_data.py says why).
"""

from typing import Any, cast

from binance_sandbox.core import contract_value
from binance_sandbox.core.events import ContractDelivered, OrderUpdated, Trade
from binance_sandbox.core.forced_orders import (
    ADL_CLIENT_ORDER_ID,
    LIQUIDATION_PREFIX,
    SETTLEMENT_PREFIXES,
)
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.margin import OrderSums
from binance_sandbox.core.orders import Order
from binance_sandbox.core.positions import PositionSide
from binance_sandbox.gateway.handlers.order_views import fill_totals
from binance_sandbox.gateway.handlers.trigger_origin_views import stream_fields
from binance_sandbox.gateway.render import amount, plain, price, quantity

LIQUIDATION = "LIQUIDATION"  # `o` / `ot` of a liquidation order's fills


def order_trade_update(
    instrument: Instrument, event: OrderUpdated, sums: OrderSums, ts: int
) -> dict[str, Any]:
    order, trade = event.order, event.trade
    conditional = stream_fields(instrument, order)
    liquidation = _liquidation_fill(event)
    original_type = conditional.pop("ot")
    fields: dict[str, Any] = {
        "s": order.symbol,
        "c": order.client_order_id,
        "S": order.side,
        "o": LIQUIDATION if liquidation else order.order_type,
        "f": order.time_in_force,
        "q": quantity(instrument, order.orig_qty),
        "p": price(instrument, order.price),
        "ap": fill_totals(instrument, order)["avgPrice"] if order.executed_qty else "0",
        "sp": conditional.pop("sp"),
        "x": execution_type(event),
        "X": order.status,
        "i": order.order_id,
        "l": quantity(instrument, trade.qty) if trade else "0",
        "z": quantity(instrument, order.executed_qty),
        "L": price(instrument, trade.price) if trade else "0",
    }
    if trade is not None:
        fields |= {"N": trade.commission_asset, "n": amount(trade.commission)}
    fields |= {
        "T": ts,
        "t": trade.trade_id if trade else 0,
        "b": plain(sums.bids),
        "a": plain(sums.asks),
        "m": trade.is_maker if trade else False,
        "R": order.reduce_only,
        "wt": conditional.pop("wt"),
        "ot": LIQUIDATION if liquidation else original_type,
        "ps": order.position_side,
        **conditional,
        "si": 0,
        "ss": 0,
        "rp": amount(trade.realized_pnl) if trade else "0",
        "V": order.stp_mode,
        "pm": order.price_match,
        "gtd": order.good_till_date,
        "er": expiry_reason(event),
    }
    return {"e": "ORDER_TRADE_UPDATE", "E": ts, "T": ts, "o": fields}


def _liquidation_fill(event: OrderUpdated) -> bool:
    return event.trade is not None and event.order.client_order_id.startswith(LIQUIDATION_PREFIX)


def execution_type(event: OrderUpdated) -> str:
    """`x`: CALCULATED for a fill of a liquidation, ADL or settlement order, else the event's
    own."""
    client_id = event.order.client_order_id
    exchanges = client_id == ADL_CLIENT_ORDER_ID or client_id.startswith(_SETTLEMENTS)
    if _liquidation_fill(event) or (event.trade is not None and exchanges):
        return "CALCULATED"
    return event.execution


_SETTLEMENTS = tuple(SETTLEMENT_PREFIXES.values())


def settlement_fill(instrument: Instrument, event: ContractDelivered) -> OrderUpdated:
    """A delivery's close as its settlement order's one fill: a MARKET order of the whole
    position at the settlement price, FILLED, no fee."""
    qty = abs(event.qty)
    price_units = event.price // 10 ** (8 - instrument.price_decimals)  # on the tick
    qty_decimals, size = contract_value.terms(instrument)
    order = Order(
        order_id=event.order_id, client_order_id=event.client_order_id,
        account_id=event.account_id, symbol=event.symbol,
        side="SELL" if event.qty > 0 else "BUY",
        position_side=cast(PositionSide, event.position_side),
        order_type="MARKET", time_in_force="GTC", price=0, orig_qty=qty, executed_qty=qty,
        cum_quote=price_units * qty,
        cum_base=contract_value.worth_fine(qty, event.price, qty_decimals, size) if size else 0,
        status="FILLED", time=event.time, update_time=event.time,
    )  # fmt: skip
    trade = Trade(
        trade_id=event.trade_id, price=price_units, qty=qty, quote=price_units * qty,
        commission=0, commission_asset=event.asset, realized_pnl=event.realized_pnl,
        is_maker=False,
    )  # fmt: skip
    return OrderUpdated(order=order, execution="TRADE", trade=trade)


def trade_lite(instrument: Instrument, event: OrderUpdated, ts: int) -> dict[str, Any]:
    order, trade = event.order, event.trade
    assert trade is not None
    return {
        "e": "TRADE_LITE",
        "E": ts,
        "T": ts,
        "s": order.symbol,
        "q": quantity(instrument, order.orig_qty),
        "p": price(instrument, order.price),
        "m": trade.is_maker,
        "c": order.client_order_id,
        "S": order.side,
        "L": price(instrument, trade.price),
        "l": quantity(instrument, trade.qty),
        "t": trade.trade_id,
        "i": order.order_id,
    }


def expiry_reason(event: OrderUpdated) -> str:
    """Binance's `er` code for why an order expired ("0" for anything else): 1 self-trade
    prevention, 2 an IOC / FOK remainder, 5 the account was liquidated, 9 a MARKET remainder."""
    order: Order = event.order
    if event.execution != "EXPIRED":
        return "0"
    if event.expiry_reason:
        return str(event.expiry_reason)
    if order.status == "EXPIRED_IN_MATCH":
        return "1"
    if order.order_type == "MARKET":
        return "9"
    return "2" if order.time_in_force in ("IOC", "FOK") else "0"
