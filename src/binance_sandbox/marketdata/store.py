"""The market data store: one SQLite file in the server's data directory, and its read API.

Times are epoch milliseconds; a range is `start_ms` inclusive, `end_ms` exclusive. Prices and
quantities are the archives' decimal strings, exactly; convert them where they are used.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self

import msgspec

from binance_sandbox.marketdata.errors import MarketDataError
from binance_sandbox.marketdata.files import Kind
from binance_sandbox.marketdata.schema import create_or_check
from binance_sandbox.marketdata.writer import StoreWriter

STORE_FILE_NAME = "market-data.sqlite"

# The rows are immutable scalars only, so they need no garbage-collector tracking (gc=False).


def market_data_path(data_dir: Path) -> Path:
    """Where the store lives in a server data directory (`server.data_dir`)."""
    return data_dir / STORE_FILE_NAME


class AggTrade(msgspec.Struct, frozen=True, gc=False):
    agg_trade_id: int
    price: str
    qty: str
    first_trade_id: int
    last_trade_id: int
    time: int
    is_buyer_maker: bool


class Kline(msgspec.Struct, frozen=True, gc=False):
    """A kline of any kind; the volume columns of mark, index and premium klines are 0."""

    open_time: int
    open: str
    high: str
    low: str
    close: str
    volume: str
    close_time: int
    quote_volume: str
    count: int
    taker_buy_volume: str
    taker_buy_quote_volume: str


class FundingRate(msgspec.Struct, frozen=True, gc=False):
    calc_time: int
    funding_interval_hours: int
    last_funding_rate: str


class Coverage(msgspec.Struct, frozen=True, gc=False):
    """What the store holds of one series: first and last time (inclusive) and row count.

    The range says nothing of gaps: a day imported for the 1st and one for the 30th cover the
    1st to the 30th.
    """

    kind: Kind
    symbol: str
    interval: str | None  # kline kinds only
    first_time: int
    last_time: int
    rows: int


class MarketDataStore:
    """Read access to imported market data (and the writer the importer uses).

    A store is used from the thread that opened it. Open it with `MarketDataStore.open(path)`
    and close it, or use it as a context manager.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    @classmethod
    def open(cls, path: Path) -> Self:
        """Open the store at `path`, creating an empty one if there is none."""
        try:
            connection = sqlite3.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise MarketDataError(f"{path}: cannot open the market data store ({exc})") from exc
        try:
            create_or_check(connection)
        except BaseException:
            connection.close()
            raise
        return cls(connection)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def agg_trades(self, symbol: str, start_ms: int, end_ms: int) -> Iterator[AggTrade]:
        """Aggregate trades of `symbol` in [start_ms, end_ms), by (time, agg_trade_id).

        Rows stream from the database as the iterator is consumed, so a month of trades is never
        in memory at once.
        """
        cursor = self._connection.execute(
            "SELECT agg_trade_id, price, qty, first_trade_id, last_trade_id, time, is_buyer_maker "
            "FROM agg_trades WHERE symbol = ? AND time >= ? AND time < ? "
            "ORDER BY time, agg_trade_id",
            (symbol, start_ms, end_ms),
        )
        for agg_trade_id, price, qty, first_id, last_id, time, is_buyer_maker in cursor:
            yield AggTrade(agg_trade_id, price, qty, first_id, last_id, time, is_buyer_maker == 1)

    def klines(
        self, kind: Kind, symbol: str, interval: str, start_ms: int, end_ms: int
    ) -> list[Kline]:
        """Klines of one kind, symbol and interval opening in [start_ms, end_ms), by open time."""
        if not kind.is_kline:
            raise ValueError(f"{kind} is not a kline kind")
        rows = self._connection.execute(
            "SELECT open_time, open, high, low, close, volume, close_time, quote_volume, count, "
            "taker_buy_volume, taker_buy_quote_volume FROM klines "
            "WHERE kind = ? AND symbol = ? AND interval = ? AND open_time >= ? AND open_time < ? "
            "ORDER BY open_time",
            (kind.value, symbol, interval, start_ms, end_ms),
        )
        return [Kline(*row) for row in rows]

    def funding_rates(self, symbol: str, start_ms: int, end_ms: int) -> list[FundingRate]:
        """Funding rates of `symbol` calculated in [start_ms, end_ms), by calculation time."""
        rows = self._connection.execute(
            "SELECT calc_time, funding_interval_hours, last_funding_rate FROM funding_rates "
            "WHERE symbol = ? AND calc_time >= ? AND calc_time < ? ORDER BY calc_time",
            (symbol, start_ms, end_ms),
        )
        return [FundingRate(*row) for row in rows]

    def coverage(self) -> list[Coverage]:
        """Each series the store holds (kind, symbol, interval), with its time range and rows."""
        rows = self._connection.execute(
            "SELECT kind, symbol, interval, first_time, last_time, rows FROM series "
            "ORDER BY kind, symbol, interval"
        )
        return [
            Coverage(Kind(kind), symbol, interval or None, first, last, count)
            for kind, symbol, interval, first, last, count in rows
        ]

    @contextmanager
    def writing(self) -> Iterator[StoreWriter]:
        """A writer whose inserts are committed together when the block ends, or rolled back
        together if it raises: an import is all or nothing."""
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield StoreWriter(self._connection)
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")
