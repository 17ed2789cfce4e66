"""Mark price by Binance's current rule (FORMULAS.md §1.2-§1.3, since 2025-09-18), computed on
the exchange clock at every index tick, so a replay of the journal computes the same marks.

Perpetual: median(Price1, Price2, last trade price) with
  Price1 = index x (1 + lastFundingRate x time to the next funding / funding interval),
  Price2 = index + the mean of the last 30 one-second samples of (best bid + best ask) / 2 - index.
Delivery contracts: index + that mean. A sample is taken at most once per exchange second, at
an index tick; a book without both sides gives a basis of 0. Before the first trade the last
trade price is Price2. lastFundingRate is the running estimate of the funding rate
(core/funding.py).
"""

import msgspec

from binance_sandbox.core.fixed import AMOUNT_SCALE
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.order_book import OrderBook
from binance_sandbox.core.positions import price_8
from binance_sandbox.core.rounding import div_half_up

BASIS_SAMPLES = 30
FUNDING_INTERVAL_MS = 8 * 3_600_000
INTEREST_RATE = 10_000  # 0.0001 at 8 decimals
PERPETUAL = "PERPETUAL"


class MarkState(msgspec.Struct, kw_only=True):
    basis: list[int] = msgspec.field(default_factory=list)  # newest last, at 8 decimals
    sampled_second: int = -1  # exchange second of the newest sample
    last_trade: int = 0  # price of the last trade at 8 decimals; 0: none yet
    mark: int = 0


def next_funding_time(now_ms: int, interval_ms: int = FUNDING_INTERVAL_MS) -> int:
    """The first funding time after `now_ms` on the UTC grid of the interval (8 hours: 00:00,
    08:00 and 16:00 UTC)."""
    return now_ms - now_ms % interval_ms + interval_ms


def perpetual_mark(
    index: int,
    funding_rate: int,
    until_funding_ms: int,
    basis: list[int],
    last_trade: int,
    interval_ms: int = FUNDING_INTERVAL_MS,
) -> int:
    """median(Price1, Price2, last trade), all at 8 decimals."""
    until = index * funding_rate * until_funding_ms
    price1 = index + div_half_up(until, AMOUNT_SCALE * interval_ms)
    price2 = delivery_mark(index, basis)
    return sorted((price1, price2, last_trade or price2))[1]


def delivery_mark(index: int, basis: list[int]) -> int:
    return index + (div_half_up(sum(basis), len(basis)) if basis else 0)


def tick(
    marks: MarkState,
    instrument: Instrument,
    book: OrderBook,
    index: int,
    ts: int,
    funding_rate: int = INTEREST_RATE,
    interval_ms: int = FUNDING_INTERVAL_MS,
) -> int:
    """Samples the basis (once per exchange second) and sets the mark; returns it.
    `funding_rate` is the perpetual's lastFundingRate (core/funding.py) at 8 decimals and
    `interval_ms` its funding interval in force."""
    second = ts // 1000
    if second != marks.sampled_second:
        marks.sampled_second = second
        marks.basis.append(_basis(instrument, book, index))
        del marks.basis[:-BASIS_SAMPLES]
    if instrument.contract_type == PERPETUAL:
        until = next_funding_time(ts, interval_ms) - ts
        marks.mark = perpetual_mark(
            index, funding_rate, until, marks.basis, marks.last_trade, interval_ms
        )
    else:
        marks.mark = delivery_mark(index, marks.basis)
    return marks.mark


def _basis(instrument: Instrument, book: OrderBook, index: int) -> int:
    bid, ask = book.bids.best(), book.asks.best()
    if bid is None or ask is None:
        return 0
    mid = div_half_up(price_8(bid.price + ask.price, instrument.price_decimals), 2)
    return mid - index
