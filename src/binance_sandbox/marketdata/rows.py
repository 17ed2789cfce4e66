"""The CSV rows of each kind, checked and split into the tuples the store takes.

One compiled pattern per kind validates and splits a whole line in a single C call, which is
what makes tens of millions of rows affordable; a line that does not match is then examined
field by field, only to say exactly what is wrong with it. Values stay text: the store's
INTEGER columns convert ids and times, and prices keep the file's exact decimals.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from binance_sandbox.marketdata.errors import MarketDataError
from binance_sandbox.marketdata.files import Kind

Row = tuple[str, ...]


@dataclass(frozen=True)
class Field:
    """A column's value: its pattern (one group if stored) and what a good value looks like."""

    pattern: str
    expected: str


# 18 digits fit SQLite's 64-bit integers; more would be stored as a (rounded) REAL.
INTEGER = Field(r"(\d{1,18})", "a non-negative integer")
# Futures archives are in ms; µs (16 digits, as spot switched to in 2025) keep the ms digits.
TIME = Field(r"(\d{13})(?:\d{3})?", "a time in ms (13 digits) or µs (16 digits)")
PRICE = Field(r"((?=[0.]*[1-9])\d+(?:\.\d+)?)", "a positive decimal number")
AMOUNT = Field(r"(\d+(?:\.\d+)?)", "a non-negative decimal number")
SIGNED = Field(r"(-?\d+(?:\.\d+)?)", "a decimal number")
BOOLEAN = Field(r"(true|false|True|False)", "true or false")
IGNORED = Field(r"[^,]*", "anything")


@dataclass(frozen=True)
class Layout:
    """The columns of one kind, in file order, with header names as Binance writes them."""

    columns: tuple[tuple[str, Field], ...]
    time_column: str
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        line = ",".join(f.pattern for _, f in self.columns)
        object.__setattr__(self, "pattern", re.compile(line + r"\r?$"))

    @property
    def time_index(self) -> int:
        """Position of the time among the stored (captured) values."""
        stored = [name for name, f in self.columns if f is not IGNORED]
        return stored.index(self.time_column)

    def diagnose(self, line: str) -> str:
        """What is wrong with a line the pattern refused."""
        values = line.rstrip("\r\n").split(",")
        if len(values) != len(self.columns):
            names = ",".join(name for name, _ in self.columns)
            return f"{len(values)} columns, expected {len(self.columns)} ({names})"
        for number, ((name, f), value) in enumerate(zip(self.columns, values, strict=True), 1):
            if re.fullmatch(f.pattern, value) is None:
                return f"column {number} ({name}) is {value!r}, expected {f.expected}"
        return f"cannot be read: {line!r}"  # stray characters around the fields, e.g. "\r\r"


def _kline_layout(ohlc: Field) -> Layout:
    return Layout(
        (
            ("open_time", TIME),
            ("open", ohlc),
            ("high", ohlc),
            ("low", ohlc),
            ("close", ohlc),
            ("volume", AMOUNT),
            ("close_time", TIME),
            ("quote_volume", AMOUNT),
            ("count", INTEGER),
            ("taker_buy_volume", AMOUNT),
            ("taker_buy_quote_volume", AMOUNT),
            ("ignore", IGNORED),
        ),
        time_column="open_time",
    )


_PRICE_KLINES = _kline_layout(PRICE)
LAYOUTS: dict[Kind, Layout] = {
    Kind.AGG_TRADES: Layout(
        (
            ("agg_trade_id", INTEGER),
            ("price", PRICE),
            ("quantity", AMOUNT),
            ("first_trade_id", INTEGER),
            ("last_trade_id", INTEGER),
            ("transact_time", TIME),
            ("is_buyer_maker", BOOLEAN),
        ),
        time_column="transact_time",
    ),
    Kind.KLINES: _PRICE_KLINES,
    Kind.MARK_PRICE_KLINES: _PRICE_KLINES,
    Kind.INDEX_PRICE_KLINES: _PRICE_KLINES,
    # A premium index is a signed spread, not a price.
    Kind.PREMIUM_INDEX_KLINES: _kline_layout(SIGNED),
    Kind.FUNDING_RATE: Layout(
        (
            ("calc_time", TIME),
            ("funding_interval_hours", INTEGER),
            ("last_funding_rate", SIGNED),
        ),
        time_column="calc_time",
    ),
}


def parse_rows(
    lines: Iterable[tuple[int, str]], layout: Layout, prefix: Row, source: Path
) -> Iterator[Row]:
    """`prefix` + the stored values of each line; a header line is skipped, a bad one refused.

    A first line whose first field is not a number is a header (files from 2022 on have one).
    """
    match = layout.pattern.match
    for number, line in lines:
        found = match(line)
        if found is None:
            if number == 1 and _is_header(line):
                _check_header(line, layout, source)
                continue
            raise MarketDataError(f"{source}, line {number}: {layout.diagnose(line)}")
        yield prefix + found.groups()


def _is_header(line: str) -> bool:
    first = line.split(",", 1)[0].strip()
    return not first.lstrip("-").replace(".", "", 1).isdigit()


def _check_header(line: str, layout: Layout, source: Path) -> None:
    found = line.rstrip("\r\n").split(",")
    if len(found) != len(layout.columns):
        names = ",".join(name for name, _ in layout.columns)
        raise MarketDataError(
            f"{source}, line 1: the header has {len(found)} columns ({','.join(found)}), "
            f"expected {len(layout.columns)} ({names}); is this file of another kind?"
        )
