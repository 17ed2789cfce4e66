"""The order book: GET /fapi/v1/depth and its top, GET /fapi/v1/ticker/bookTicker.

Levels are read from the live book as [price, quantity] strings at the instrument's precisions;
an empty side's top of book is zero at those precisions, as Binance prints it. `lastUpdateId`
is the exchange's sequence number and the transaction time `T` / `time` the exchange time of
the last applied command, so both only grow. Depth limits other than Binance's seven are -4021.
"""

from typing import Any

from binance_sandbox.core.instruments import Instrument
from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import (
    BY_DEPTH_LIMIT,
    Endpoint,
    Security,
    with_or_without_symbol,
)
from binance_sandbox.gateway.handlers.market_common import OPTIONAL_SYMBOL, SYMBOL, one_or_all
from binance_sandbox.gateway.render import price, quantity

DEPTH_LIMITS = (5, 10, 20, 50, 100, 500, 1000)
DEFAULT_DEPTH = 500


async def depth(ctx: RequestContext) -> dict[str, Any]:
    limit = ctx.params.get("limit", DEFAULT_DEPTH)
    if limit not in DEPTH_LIMITS:
        raise errors.invalid_depth_limit(str(limit))
    return book_snapshot(ctx, ctx.instrument(), limit)


def book_snapshot(ctx: RequestContext, instrument: Instrument, limit: int) -> dict[str, Any]:
    """The best `limit` levels a side, Binance's depth answer."""
    book = ctx.state.books[instrument.symbol]
    return {
        "lastUpdateId": ctx.state.last_seq,
        **({"symbol": instrument.symbol, "pair": instrument.pair} if instrument.inverse else {}),
        "E": ctx.now_ms(),
        "T": ctx.state.last_ts,
        "bids": _levels(instrument, book.bids.depth(limit)),
        "asks": _levels(instrument, book.asks.depth(limit)),
    }


def _levels(instrument: Instrument, levels: list[tuple[int, int]]) -> list[list[str]]:
    return [[price(instrument, p), quantity(instrument, q)] for p, q in levels]


async def book_ticker(ctx: RequestContext) -> dict[str, Any] | list[dict[str, Any]]:
    return one_or_all(ctx, _top_of_book)


def _top_of_book(ctx: RequestContext, instrument: Instrument) -> dict[str, Any]:
    book = ctx.state.books[instrument.symbol]
    bid_price, bid_qty = (book.bids.depth(1) or [(0, 0)])[0]
    ask_price, ask_qty = (book.asks.depth(1) or [(0, 0)])[0]
    return {
        "symbol": instrument.symbol,
        **({"pair": instrument.pair} if instrument.inverse else {}),
        "bidPrice": price(instrument, bid_price),
        "bidQty": quantity(instrument, bid_qty),
        "askPrice": price(instrument, ask_price),
        "askQty": quantity(instrument, ask_qty),
        "time": ctx.state.last_ts,
        "lastUpdateId": ctx.state.last_seq,
    }


_DEPTH_LIMIT = params.integer(
    "limit", description="Default 500; valid limits: 5, 10, 20, 50, 100, 500, 1000.", default=500
)

ENDPOINTS = [
    Endpoint(
        "GET", "/fapi/v1/depth", Security.NONE, BY_DEPTH_LIMIT, depth, (SYMBOL, _DEPTH_LIMIT),
        summary="Order Book",
    ),
    Endpoint(
        "GET", "/fapi/v1/ticker/bookTicker", Security.NONE, with_or_without_symbol(2, 5),
        book_ticker, (OPTIONAL_SYMBOL,), summary="Symbol Order Book Ticker",
    ),
]  # fmt: skip
