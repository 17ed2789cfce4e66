"""Orders, trades and positions in Binance's JSON shapes.

Prices print at pricePrecision and quantities at quantityPrecision; cumQuote and avgPrice at
the exact scale of price x quantity (BTCUSDT: 2 + 3 = 5 decimals, as Binance's "0.00000").
"""

from typing import Any

from binance_sandbox.core import contract_value
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.orders import Order
from binance_sandbox.core.rounding import div_half_up
from binance_sandbox.gateway.handlers.trigger_origin_views import rest_fields
from binance_sandbox.gateway.render import (
    amount,
    base_qty,
    derived_price,
    price,
    quantity,
    quote,
)
from binance_sandbox.projections.history import AmendmentRecord, TradeRecord


def average_price(instrument: Instrument, order: Order) -> str:
    if not order.executed_qty:
        return "0.00"  # Binance's text until the first fill, whatever the symbol's precision
    scale = 10**instrument.qty_decimals
    return quote(instrument, div_half_up(order.cum_quote * scale, order.executed_qty))


def fill_totals(instrument: Instrument, order: Order) -> dict[str, str]:
    """avgPrice and the filled value: cumQuote (USDⓈ-M), or COIN-M's cumBase in the coin with
    avgPrice the contract-weighted harmonic mean at the price's precision (Binance's Users
    Force Orders example: 1 BTCUSD contract at 11326.9 -> cumBase "0.00882854"); "0.0" and
    "0" before the first fill, as its Query Order example."""
    if not instrument.inverse:
        return {
            "avgPrice": average_price(instrument, order),
            "cumQuote": quote(instrument, order.cum_quote),
        }
    if not order.executed_qty:
        return {"avgPrice": "0.0", "cumBase": "0"}
    qty_decimals, size = contract_value.terms(instrument)
    mean_8 = contract_value.average_price(order.executed_qty, order.cum_base, qty_decimals, size)
    return {
        "avgPrice": derived_price(instrument, mean_8),
        "cumBase": amount(div_half_up(order.cum_base, contract_value.FINE)),
    }


def order_view(instrument: Instrument, order: Order, *, with_cum_qty: bool) -> dict[str, Any]:
    """New/cancel answers carry cumQty; queries carry `time` instead."""
    conditional = rest_fields(instrument, order)
    totals = fill_totals(instrument, order)
    view: dict[str, Any] = {
        "avgPrice": totals.pop("avgPrice"),
        "clientOrderId": order.client_order_id,
        **totals,  # cumQuote or cumBase
        "executedQty": quantity(instrument, order.executed_qty),
        "orderId": order.order_id,
        "origQty": quantity(instrument, order.orig_qty),
        "origType": conditional.pop("origType"),
        "price": price(instrument, order.price),
        "reduceOnly": order.reduce_only,
        "side": order.side,
        "positionSide": order.position_side,
        "status": order.status,
        "stopPrice": conditional.pop("stopPrice"),
        "closePosition": conditional.pop("closePosition"),
        "symbol": order.symbol,
    }
    if instrument.inverse:  # as COIN-M's New / Query / Cancel Order examples
        view["pair"] = instrument.pair
    if with_cum_qty:
        view["cumQty"] = view["executedQty"]
    else:
        view["time"] = order.time
    view |= {
        "timeInForce": order.time_in_force,
        "type": order.order_type,
        "updateTime": order.update_time,
        "workingType": conditional.pop("workingType"),
        "priceProtect": conditional.pop("priceProtect"),
        **conditional,
        "priceMatch": order.price_match,
        "selfTradePreventionMode": order.stp_mode,
        # not in COIN-M's examples (2026-01), but in its SDK's allOrders / forceOrders rows
        # since 2026-08 (12.0.0)
        "goodTillDate": order.good_till_date,
    }
    return view


def amendment_view(instrument: Instrument, record: AmendmentRecord) -> dict[str, Any]:
    change = record.amendment
    return {
        "amendmentId": record.amendment_id,
        "symbol": record.symbol,
        "pair": instrument.pair,
        "orderId": record.order_id,
        "clientOrderId": record.client_order_id,
        "time": record.time,
        "amendment": {
            "price": {
                "before": price(instrument, change.price_before),
                "after": price(instrument, change.price_after),
            },
            "origQty": {
                "before": quantity(instrument, change.qty_before),
                "after": quantity(instrument, change.qty_after),
            },
            "count": change.count,
        },
    }


def trade_view(instrument: Instrument, record: TradeRecord) -> dict[str, Any]:
    if instrument.inverse:
        return _coinm_trade_view(instrument, record)
    trade = record.trade
    return {
        "buyer": record.side == "BUY",
        "commission": amount(trade.commission),
        "commissionAsset": trade.commission_asset,
        "id": trade.trade_id,
        "maker": trade.is_maker,
        "orderId": record.order_id,
        "price": price(instrument, trade.price),
        "qty": quantity(instrument, trade.qty),
        "quoteQty": quote(instrument, trade.quote),
        "realizedPnl": amount(trade.realized_pnl),
        "side": record.side,
        "positionSide": record.position_side,
        "symbol": record.symbol,
        "time": record.time,
    }


def _coinm_trade_view(instrument: Instrument, record: TradeRecord) -> dict[str, Any]:
    """COIN-M's Account Trade List row: the pair and margin asset, and `baseQty` (the fill's
    value in the coin) where USDⓈ-M has quoteQty."""
    trade = record.trade
    return {
        "symbol": record.symbol,
        "id": trade.trade_id,
        "orderId": record.order_id,
        "pair": instrument.pair,
        "side": record.side,
        "price": price(instrument, trade.price),
        "qty": quantity(instrument, trade.qty),
        "realizedPnl": amount(trade.realized_pnl),
        "marginAsset": instrument.margin_asset,
        "baseQty": base_qty(instrument, trade.qty, trade.price),
        "commission": amount(trade.commission),
        "commissionAsset": trade.commission_asset,
        "time": record.time,
        "positionSide": record.position_side,
        "buyer": record.side == "BUY",
        "maker": trade.is_maker,
    }
