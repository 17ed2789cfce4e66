"""The store's tables: rows keyed so that overlapping files add each row once.

Prices and quantities are TEXT, exactly as in the files. Ids and times are INTEGER columns, so
SQLite converts the parser's digit strings to integers on the way in.
"""

import sqlite3

from binance_sandbox.marketdata.errors import MarketDataError
from binance_sandbox.marketdata.files import DataFile, Kind

SCHEMA_VERSION = 1

_TABLES = """
CREATE TABLE IF NOT EXISTS agg_trades (
    symbol TEXT NOT NULL,
    agg_trade_id INTEGER NOT NULL,
    price TEXT NOT NULL,
    qty TEXT NOT NULL,
    first_trade_id INTEGER NOT NULL,
    last_trade_id INTEGER NOT NULL,
    time INTEGER NOT NULL,
    is_buyer_maker INTEGER NOT NULL,
    PRIMARY KEY (symbol, agg_trade_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS agg_trades_by_time ON agg_trades (symbol, time, agg_trade_id);

CREATE TABLE IF NOT EXISTS klines (
    kind TEXT NOT NULL,
    symbol TEXT NOT NULL,
    interval TEXT NOT NULL,
    open_time INTEGER NOT NULL,
    open TEXT NOT NULL,
    high TEXT NOT NULL,
    low TEXT NOT NULL,
    close TEXT NOT NULL,
    volume TEXT NOT NULL,
    close_time INTEGER NOT NULL,
    quote_volume TEXT NOT NULL,
    count INTEGER NOT NULL,
    taker_buy_volume TEXT NOT NULL,
    taker_buy_quote_volume TEXT NOT NULL,
    PRIMARY KEY (kind, symbol, interval, open_time)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS funding_rates (
    symbol TEXT NOT NULL,
    calc_time INTEGER NOT NULL,
    funding_interval_hours INTEGER NOT NULL,
    last_funding_rate TEXT NOT NULL,
    PRIMARY KEY (symbol, calc_time)
) WITHOUT ROWID;

-- One row per imported archive: a file with the same content is not imported twice.
CREATE TABLE IF NOT EXISTS imported_files (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    symbol TEXT NOT NULL,
    interval TEXT NOT NULL,
    rows INTEGER NOT NULL
);

-- Kept up to date by each import, so coverage does not count millions of rows.
-- interval is '' for the kinds that have none.
CREATE TABLE IF NOT EXISTS series (
    kind TEXT NOT NULL,
    symbol TEXT NOT NULL,
    interval TEXT NOT NULL,
    first_time INTEGER NOT NULL,
    last_time INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    PRIMARY KEY (kind, symbol, interval)
);
"""

# INSERT OR IGNORE: a row already there (from an overlapping file) is kept, and the statement's
# rowcount is the number of new rows.
_KLINE_INSERT = "INSERT OR IGNORE INTO klines VALUES (" + ", ".join("?" * 14) + ")"
INSERTS: dict[Kind, str] = {
    # Futures files say true/false, spot files True/False.
    Kind.AGG_TRADES: (
        "INSERT OR IGNORE INTO agg_trades VALUES (?, ?, ?, ?, ?, ?, ?, lower(?) = 'true')"
    ),
    Kind.KLINES: _KLINE_INSERT,
    Kind.MARK_PRICE_KLINES: _KLINE_INSERT,
    Kind.INDEX_PRICE_KLINES: _KLINE_INSERT,
    Kind.PREMIUM_INDEX_KLINES: _KLINE_INSERT,
    Kind.FUNDING_RATE: "INSERT OR IGNORE INTO funding_rates VALUES (?, ?, ?, ?)",
}


def row_prefix(file: DataFile) -> tuple[str, ...]:
    """The key columns a file's rows share, which its CSV does not carry."""
    if file.kind.is_kline:
        return (file.kind.value, file.symbol, file.interval or "")
    return (file.symbol,)


def create_or_check(connection: sqlite3.Connection) -> None:
    """Create the tables in a new store; refuse a store written by another version."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version not in (0, SCHEMA_VERSION):
        raise MarketDataError(
            f"the market data store has schema version {version}, this program knows "
            f"{SCHEMA_VERSION}; import the files into a new data directory"
        )
    if version == 0:
        connection.executescript(_TABLES + f"PRAGMA user_version = {SCHEMA_VERSION};")
