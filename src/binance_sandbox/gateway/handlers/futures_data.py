"""The futures trading statistics under /futures/data: basis, settlement prices and the series of
long/short ratios, open interest and taker volume.

Invariants:
- Every series takes its subject (a symbol, or for basis a pair and a contract type), a `period`
  from PERIODS, `limit` 1..500 (default 30) and optional `startTime` <= `endTime` (else -1023);
  an unknown symbol is -1121, and so is a pair without a perpetual (a pair names the index of
  its perpetual). The checks live in one place (`SERIES_PARAMS`, `_series_window`).
- A row is a snapshot at `timestamp`: a multiple of the period, no later than exchange now and
  within the last 30 days (what Binance keeps). Without startTime the newest `limit` snapshots
  up to endTime (default now) are returned, with it the first `limit` that have data from
  startTime on; oldest first either way.
- Only basis has data: at a snapshot, the index price is the pair's index and the futures price
  the contract's mark price (rounded half up to its pricePrecision), each the last price before
  the snapshot, read from the index candles. The futures price is still read from the pair's
  index candles, not from the contract's mark candles (the projection keeps them under
  `mark_key`), so the basis is zero.
  basis = futures - index; basisRate = basis / index and annualizedBasisRate = basisRate x
  year / time to delivery ("" for perpetuals), both at 4 places, half up. Snapshots before a
  path's first price are left out.
- The other series summarise trading (accounts, positions, taker volume, open interest), of
  which there is no history yet: []. delivery-price lists the pair's delivered quarterlies,
  newest first, the price a JSON number as Binance's example prints it.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from binance_sandbox.core.fixed import AMOUNT_DECIMALS, format_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.gateway import params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed
from binance_sandbox.gateway.handlers.market_common import (
    PAIR,
    PERPETUAL,
    SYMBOL,
    TIME_RANGE,
    limit,
    perpetual_of_pair,
    time_range,
)
from binance_sandbox.gateway.render import amount
from binance_sandbox.projections.kline_buckets import next_open_time

PERIODS = ("5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d")
CONTRACT_TYPES = (PERPETUAL, "CURRENT_QUARTER", "NEXT_QUARTER")
DEFAULT_LIMIT = 30
MAX_LIMIT = 500
RETENTION_MS = 30 * 24 * 60 * 60_000
YEAR_MS = 365 * 24 * 60 * 60_000
RATE_PLACES = Decimal("0.0001")

SERIES_PARAMS = (
    params.enum("period", PERIODS, required=True),
    limit(DEFAULT_LIMIT, MAX_LIMIT),
    *TIME_RANGE,
)


def _period_ms(period: str) -> int:
    return next_open_time(period, 0)


@dataclass(frozen=True)
class Window:
    """Which snapshots a series request asks for."""

    period: str
    first: int  # no snapshot before
    last: int  # no snapshot after
    limit: int
    from_first: bool  # startTime sent: the first `limit` from `first`; else the last up to `last`

    @property
    def length(self) -> int:
        return _period_ms(self.period)

    def times(self) -> list[int]:
        """The candidate snapshot times, oldest first: all of them from startTime, or the
        newest `limit` (the newest always have prices, if any snapshot does)."""
        length = self.length
        earliest = -(-self.first // length) * length
        latest = self.last - self.last % length
        if not self.from_first:
            earliest = max(earliest, latest - (self.limit - 1) * length)
        return list(range(earliest, latest + 1, length))

    def pick(self, times: list[int]) -> list[int]:
        """`limit` of the snapshot times that have data (given oldest first)."""
        return times[: self.limit] if self.from_first else times[-self.limit :]


def _series_window(ctx: RequestContext) -> Window:
    start, end = time_range(ctx)
    now = ctx.now_ms()
    first = max(start or 0, now - RETENTION_MS)
    last = min(now if end is None else end, now)
    limit = ctx.params.get("limit", DEFAULT_LIMIT)
    return Window(ctx.params["period"], first, last, limit, start is not None)


async def no_history(ctx: RequestContext) -> list[dict[str, Any]]:
    """A series of trading statistics: validated, and empty until there is trading."""
    ctx.instrument()
    _series_window(ctx)
    return []


async def no_pair_history(ctx: RequestContext) -> list[dict[str, Any]]:
    """COIN-M's series, keyed by a pair (BTCUSD): validated, and empty as USDⓈ-M's."""
    perpetual_of_pair(ctx)
    _series_window(ctx)
    return []


async def delivery_price(ctx: RequestContext) -> list[dict[str, Any]]:
    pair = perpetual_of_pair(ctx).pair
    delivered = [
        (done.time, done.price)
        for symbol, done in ctx.state.deliveries.items()
        if done.time and ctx.state.instruments[symbol].pair == pair
    ]
    return [
        {"deliveryTime": time, "deliveryPrice": float(amount(price))}
        for time, price in sorted(delivered, reverse=True)
    ]


def _closes(ctx: RequestContext, pair: str, period: str, first: int, last: int) -> dict[int, int]:
    """Snapshot time -> the pair's last index before it, for the snapshots in [first, last]
    whose period saw a tick (the close of the candle that ends at the snapshot)."""
    length = _period_ms(period)
    count = (last - first) // length + 1
    candles = ctx.services.klines.candles(pair, period, first - length, last - length, count)
    return {c.open_time + length: c.close for c in candles}


def _price_before(ctx: RequestContext, pair: str, period: str, time: int) -> int | None:
    """The last price before `time` from the ticks of the 30 days before it, if there is one."""
    closes = _closes(ctx, pair, period, time - RETENTION_MS, time)
    return closes[max(closes)] if closes else None


def _prices_at(ctx: RequestContext, pair: str, window: Window) -> dict[int, int]:
    """Snapshot time -> the pair's last price before it, for the window's snapshots that have
    one: a period without a tick keeps the price before it, and after the path's last change
    the price is the current one."""
    times = window.times()
    if not times:
        return {}
    closes = _closes(ctx, pair, window.period, times[0], times[-1])
    price = None if times[0] in closes else _price_before(ctx, pair, window.period, times[0])
    changed = ctx.state.index_price_times[pair]  # every pair has an index
    prices: dict[int, int] = {}
    for at in times:
        price = closes.get(at, price)
        if at > changed:
            price = ctx.state.index_prices[pair]
        if price is not None:
            prices[at] = price
    return prices


def _rate(ratio: Decimal) -> str:
    """At 4 places, half up ('0.0004'); a rate that rounds to zero is '0.0000', never '-0.0000'."""
    rounded = ratio.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
    return str(rounded if rounded else rounded.copy_abs())


def _annualized(contract: Instrument, ratio: Decimal, at: int) -> str:
    """Basis rate over a year at the time left to delivery; "" for perpetuals (nothing left)."""
    left = contract.delivery_date - at
    if contract.contract_type == PERPETUAL or left <= 0:
        return ""
    return _rate(ratio * YEAR_MS / left)


def _basis_row(contract: Instrument, index: int, price: int, at: int) -> dict[str, Any]:
    unit = 10 ** (AMOUNT_DECIMALS - contract.price_precision)
    ticks = (price + unit // 2) // unit  # the futures price at its precision, half up
    basis = ticks * unit - index
    ratio = Decimal(basis) / Decimal(index)  # index prices are positive (a core invariant)
    return {
        "indexPrice": amount(index),
        "contractType": contract.contract_type,
        "basisRate": _rate(ratio),
        "futuresPrice": format_scaled(ticks, contract.price_precision),
        "annualizedBasisRate": _annualized(contract, ratio, at),
        "basis": amount(basis),
        "pair": contract.pair,
        "timestamp": at,
    }


async def basis(ctx: RequestContext) -> list[dict[str, Any]]:
    index = perpetual_of_pair(ctx).pair
    window = _series_window(ctx)
    pair, wanted = ctx.params["pair"], ctx.params["contractType"]
    contracts = ctx.instruments.values()
    contract = next((c for c in contracts if (c.pair, c.contract_type) == (pair, wanted)), None)
    if contract is None:
        return []
    indices = _prices_at(ctx, index, window)
    prices = _prices_at(ctx, contract.pair, window)  # the pair's index (see the docstring)
    return [
        _basis_row(contract, indices[at], prices[at], at)
        for at in window.pick(sorted(indices.keys() & prices.keys()))
    ]


def _series(path: str, security: Security, summary: str) -> Endpoint:
    """One of the symbol series that summarise trading."""
    return Endpoint(
        "GET", path, security, fixed(0), no_history, (SYMBOL, *SERIES_PARAMS), summary=summary
    )


ENDPOINTS = [
    Endpoint(
        "GET", "/futures/data/basis", Security.NONE, fixed(0), basis,
        (
            PAIR,
            params.enum("contractType", CONTRACT_TYPES, required=True),
            *SERIES_PARAMS,
        ),
        summary="Basis",
    ),
    Endpoint(
        "GET", "/futures/data/delivery-price", Security.NONE, fixed(0), delivery_price,
        (PAIR,), summary="Quarterly Contract Settlement Price",
    ),
    _series(
        "/futures/data/globalLongShortAccountRatio", Security.NONE, "Long/Short Ratio"
    ),
    _series(
        "/futures/data/openInterestHist", Security.NONE, "Open Interest Statistics"
    ),
    _series(
        "/futures/data/takerlongshortRatio", Security.NONE, "Taker Buy/Sell Volume"
    ),
    _series(
        "/futures/data/topLongShortAccountRatio", Security.MARKET_DATA,
        "Top Trader Long/Short Account Ratio",
    ),
    _series(
        "/futures/data/topLongShortPositionRatio", Security.MARKET_DATA,
        "Top Trader Long/Short Position Ratio",
    ),
]  # fmt: skip
