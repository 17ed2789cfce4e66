"""Shapes the market data endpoints share: symbol-or-all answers, time ranges, pairs, limits.

Invariants:
- An endpoint with an optional `symbol` answers one object for a symbol and a list (in the
  instruments' configured order) without one; an unknown symbol is -1121.
- A `startTime` after the `endTime` is -1023, whatever else the endpoint checks.
- A pair names the index of its perpetual contract; a pair without one is -1121.
- COIN-M's symbol-or-all answers are lists, also for one symbol, and take a `pair` instead
  (every contract of the pair; a pair none has is -1121; symbol and pair together -1128).
"""

from collections.abc import Callable
from typing import Any

from binance_sandbox.core.instruments import Instrument
from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.params import Param

PERPETUAL = "PERPETUAL"

SYMBOL = params.symbol(required=True)
OPTIONAL_SYMBOL = params.symbol(description="Without it: every symbol, in a list.")
PAIR = params.symbol("pair", required=True, description="Underlying pair, e.g. BTCUSDT.")
OPTIONAL_PAIR = params.symbol("pair", description="Every contract of the pair, e.g. BTCUSD.")
TIME_RANGE = (
    params.integer("startTime", description="Timestamp in ms, inclusive."),
    params.integer("endTime", description="Timestamp in ms, inclusive."),
)

Row = Callable[[RequestContext, Instrument], dict[str, Any]]


def limit(default: int, maximum: int) -> Param:
    return params.integer(
        "limit",
        description=f"Default {default}; max {maximum}.",
        minimum=1,
        maximum=maximum,
        default=default,
    )


def one_or_all(ctx: RequestContext, row: Row) -> dict[str, Any] | list[dict[str, Any]]:
    """`row` of the requested symbol, or of every symbol when none is given."""
    if ctx.product == "coinm":
        return [row(ctx, each) for each in symbol_or_pair(ctx)]
    instrument = ctx.optional_instrument()
    if instrument is not None:
        return row(ctx, instrument)
    return [row(ctx, each) for each in ctx.instruments.values()]


def symbol_or_pair(ctx: RequestContext) -> list[Instrument]:
    """The instrument `symbol` names, or every one of the `pair`, or all of them."""
    if "symbol" in ctx.params and "pair" in ctx.params:
        raise errors.BinanceError(-1128, "Combination of optional parameters invalid.")
    if "symbol" in ctx.params:
        return [ctx.instrument()]
    pair = ctx.params.get("pair")
    chosen = [i for i in ctx.instruments.values() if pair is None or i.pair == pair]
    if not chosen and pair is not None:
        raise errors.bad_symbol()
    return chosen


def time_range(ctx: RequestContext) -> tuple[int | None, int | None]:
    """The request's (startTime, endTime), either possibly absent; -1023 if start > end."""
    start, end = ctx.params.get("startTime"), ctx.params.get("endTime")
    if start is not None and end is not None and start > end:
        raise errors.start_after_end()
    return start, end


def perpetual_of_pair(ctx: RequestContext) -> Instrument:
    pair = ctx.params["pair"]
    for instrument in ctx.instruments.values():
        if instrument.pair == pair and instrument.contract_type == PERPETUAL:
            return instrument
    raise errors.bad_symbol()
