"""Binance's public market data (data.binance.vision): verified import and a read API.

`binance-sandbox data import` loads USDⓈ-M archives (aggTrades, klines of the four kinds,
fundingRate) into `market-data.sqlite` in the server's data directory; `MarketDataStore` reads
them back for a replay.
"""

from binance_sandbox.marketdata.errors import MarketDataError
from binance_sandbox.marketdata.files import DataFile, Kind
from binance_sandbox.marketdata.importer import FileReport, ImportListener, import_files
from binance_sandbox.marketdata.store import (
    AggTrade,
    Coverage,
    FundingRate,
    Kline,
    MarketDataStore,
    market_data_path,
)

__all__ = [
    "AggTrade",
    "Coverage",
    "DataFile",
    "FileReport",
    "FundingRate",
    "ImportListener",
    "Kind",
    "Kline",
    "MarketDataError",
    "MarketDataStore",
    "import_files",
    "market_data_path",
]
