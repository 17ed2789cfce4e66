"""Turning a New Algo Order request into a `PlaceAlgoOrder` on the instrument's scales.

Binance's request-level refusals: algoType other than CONDITIONAL, or a type that is not
conditional -1116 (invalid orderType); triggerPrice missing for the stop and take-profit
types and callbackRate for trailing stops -1102; price missing for STOP / TAKE_PROFIT
without priceMatch -1102, and sent with a *_MARKET type -1106; closePosition with another
type than STOP_MARKET / TAKE_PROFIT_MARKET, or with reduceOnly, -1106; reduceOnly in hedge
mode -1106; price with priceMatch -5037; quantity with closePosition -4137 (the core),
quantity missing otherwise -1102; callbackRate with more than one decimal -1111.
"""

from decimal import Decimal
from typing import Any

from binance_sandbox.core import rejects
from binance_sandbox.core.algo_orders import ALGO_ORDER_TYPES
from binance_sandbox.core.commands import PlaceAlgoOrder
from binance_sandbox.core.order_checks import CLIENT_ORDER_ID
from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.handlers.order_params import (
    PRICE_MATCH,
    STP_MODES,
    TIME_IN_FORCE,
    price_units,
    quantity_steps,
)

WORKING_TYPES = ("MARK_PRICE", "CONTRACT_PRICE")
ALGO_PARAMS = (
    params.enum("algoType", ("CONDITIONAL",), required=True, error=errors.invalid_order_type),
    params.symbol(required=True),
    params.enum("side", ("BUY", "SELL"), required=True, error=errors.invalid_side),
    params.enum("positionSide", ("BOTH", "LONG", "SHORT")),
    params.enum("type", ALGO_ORDER_TYPES, required=True, error=errors.invalid_order_type),
    params.enum("timeInForce", TIME_IN_FORCE, error=errors.invalid_time_in_force),
    params.decimal("quantity"),
    params.decimal("price"),
    params.decimal("triggerPrice"),
    params.enum("workingType", WORKING_TYPES, error=errors.invalid_working_type),
    params.enum("priceMatch", PRICE_MATCH, error=errors.invalid_price_match),
    params.boolean("closePosition"),
    params.boolean("priceProtect"),
    params.boolean("reduceOnly"),
    params.decimal("activatePrice"),
    params.decimal("callbackRate"),
    params.string("clientAlgoId", pattern=CLIENT_ORDER_ID.pattern, max_length=36,
                  error=errors.invalid_client_order_id),
    params.enum("newOrderRespType", ("ACK", "RESULT"), error=errors.invalid_response_type),
    params.enum("selfTradePreventionMode", STP_MODES, error=errors.invalid_stp_mode),
    params.integer("goodTillDate", minimum=0),
)  # fmt: skip


def algo_command(ctx: RequestContext, p: dict[str, Any] | None = None) -> PlaceAlgoOrder:
    """`p`: the parameters as New Algo Order names them (default: the request's)."""
    p = ctx.params if p is None else p
    instrument = ctx.instrument()
    order_type = p["type"]
    market = order_type.endswith("MARKET")
    trailing = order_type == "TRAILING_STOP_MARKET"
    close_position = p.get("closePosition", False)
    price_match = p.get("priceMatch", "NONE")
    _require(p, "callbackRate" if trailing else "triggerPrice")
    if not market and "price" not in p and price_match == "NONE":
        raise errors.mandatory("price")
    if "price" in p and price_match != "NONE":
        raise errors.from_rejection(
            rejects.INVALID_PRICE_MATCH.code, rejects.INVALID_PRICE_MATCH.msg
        )
    for name in ("price", "priceMatch"):
        if market and name in p:
            raise errors.not_required(name)
    if close_position and (
        order_type not in ("STOP_MARKET", "TAKE_PROFIT_MARKET") or "reduceOnly" in p
    ):
        raise errors.not_required("closePosition")
    if not close_position:
        _require(p, "quantity")
    if "reduceOnly" in p and ctx.account().dual_side_position:
        raise errors.not_required("reduceOnly")
    time_in_force = p.get("timeInForce", "GTC")
    return PlaceAlgoOrder(
        account_id=ctx.account().account_id,
        symbol=instrument.symbol,
        side=p["side"],
        order_type=order_type,
        quantity=quantity_steps(instrument, p["quantity"]) if "quantity" in p else 0,
        price=price_units(instrument, p["price"]) if "price" in p else 0,
        trigger_price=price_units(instrument, p["triggerPrice"]) if not trailing else 0,
        working_type=p.get("workingType", "CONTRACT_PRICE"),
        time_in_force=time_in_force,
        position_side=p.get("positionSide", "BOTH"),
        reduce_only=p.get("reduceOnly", False),
        close_position=close_position,
        price_protect=p.get("priceProtect", False),
        activate_price=price_units(instrument, p["activatePrice"]) if "activatePrice" in p else 0,
        callback_rate=_callback_rate(p["callbackRate"]) if trailing else 0,
        client_algo_id=p.get("clientAlgoId", ""),
        price_match=price_match,
        stp_mode=p.get("selfTradePreventionMode", "NONE"),
        good_till_date=p.get("goodTillDate", 0) if time_in_force == "GTD" else 0,
    )


def _require(p: dict[str, Any], name: str) -> None:
    if name not in p:
        raise errors.mandatory(name)


def _callback_rate(value: Decimal) -> int:
    """callbackRate in tenths of a percent ('1' -> 10); a finer rate is -1111."""
    tenths = value * 10
    if tenths != tenths.to_integral_value():
        raise errors.bad_precision()
    return int(tenths) if abs(tenths) < 10**6 else 10**6
