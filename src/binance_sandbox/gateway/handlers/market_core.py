"""The core of Binance's USDⓈ-M "Market data" group, answered from the sandbox's own state.

Each module holds one idea; this one gathers their endpoints for the table.
"""

from binance_sandbox.gateway.endpoint import Endpoint
from binance_sandbox.gateway.handlers import (
    exchange_info,
    funding,
    klines,
    order_book,
    tickers,
    trades,
)

ENDPOINTS: list[Endpoint] = [
    *exchange_info.ENDPOINTS,
    *order_book.ENDPOINTS,
    *trades.ENDPOINTS,
    *klines.ENDPOINTS,
    *funding.ENDPOINTS,
    *tickers.ENDPOINTS,
]
