"""Shapes the market data endpoints share: symbol-or-all answers, time ranges, pairs, limits.

Invariants:
- An endpoint with an optional `symbol` answers one object for a symbol and a list (in the
  instruments' configured order) without one; an unknown symbol is -1121.
- A `startTime` after the `endTime` is -1023, whatever else the endpoint checks.
- A pair names the index of its perpetual contract; a pair without one is -1121.
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
    instrument = ctx.optional_instrument()
    if instrument is not None:
        return row(ctx, instrument)
    return [row(ctx, each) for each in ctx.state.instruments.values()]


def time_range(ctx: RequestContext) -> tuple[int | None, int | None]:
    """The request's (startTime, endTime), either possibly absent; -1023 if start > end."""
    start, end = ctx.params.get("startTime"), ctx.params.get("endTime")
    if start is not None and end is not None and start > end:
        raise errors.start_after_end()
    return start, end


def perpetual_of_pair(ctx: RequestContext) -> Instrument:
    pair = ctx.params["pair"]
    for instrument in ctx.state.instruments.values():
        if instrument.pair == pair and instrument.contract_type == PERPETUAL:
            return instrument
    raise errors.bad_symbol()
