"""COIN-M's "Market Data" group (/dapi/v1 and COIN-M's /futures/data), declared on the USDⓈ-M
handlers: the context hands them COIN-M's instruments, and they render COIN-M's differences
(lists with `pair`, `ps`, baseVolume, the exchangeInfo shape) from `Instrument.inverse`.
Weights and parameters are COIN-M's (derivatives-docs/coin-margined-futures/market-data)."""

from binance_sandbox.gateway import params
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed
from binance_sandbox.gateway.endpoint import with_or_without_symbol as by_symbol
from binance_sandbox.gateway.handlers import (
    exchange_info,
    funding,
    futures_data,
    general,
    klines,
    market_extra,
    order_book,
    tickers,
    trades,
)
from binance_sandbox.gateway.handlers.coinm_common import dapi, usdm
from binance_sandbox.gateway.handlers.market_common import (
    OPTIONAL_PAIR,
    OPTIONAL_SYMBOL,
    PAIR,
    SYMBOL,
)

_SYMBOL_OR_PAIR = (OPTIONAL_SYMBOL, OPTIONAL_PAIR)
_CONTRACT_TYPES = ("ALL", *futures_data.CONTRACT_TYPES)


def _data(path: str, subject: tuple[params.Param, ...], summary: str) -> Endpoint:
    """A /futures/data series on COIN-M: weight 1, keyed by pair (or symbol), empty."""
    handler = futures_data.no_pair_history if subject[0].name == "pair" else futures_data.no_history
    return Endpoint(
        "GET", path, Security.NONE, fixed(1), handler, (*subject, *futures_data.SERIES_PARAMS),
        summary, product="coinm",
    )  # fmt: skip


_USDM = usdm(general, exchange_info, order_book, trades, klines, funding, tickers, market_extra,
             futures_data)  # fmt: skip


def _of(path: str) -> Endpoint:
    return _USDM["GET", path]


_CONTRACT_TYPE = params.enum("contractType", _CONTRACT_TYPES, required=True)

ENDPOINTS = [
    dapi(_of("/fapi/v1/ping"), "/dapi/v1/ping"),
    dapi(_of("/fapi/v1/time"), "/dapi/v1/time"),
    dapi(_of("/fapi/v1/exchangeInfo"), "/dapi/v1/exchangeInfo"),
    dapi(_of("/fapi/v1/depth"), "/dapi/v1/depth"),
    dapi(_of("/fapi/v1/ticker/bookTicker"), "/dapi/v1/ticker/bookTicker",
         weight=by_symbol(2, 5, pair=True), params=_SYMBOL_OR_PAIR),
    dapi(_of("/fapi/v1/trades"), "/dapi/v1/trades"),
    dapi(_of("/fapi/v1/historicalTrades"), "/dapi/v1/historicalTrades", weight=fixed(20)),
    dapi(_of("/fapi/v1/aggTrades"), "/dapi/v1/aggTrades"),
    dapi(_of("/fapi/v1/klines"), "/dapi/v1/klines"),
    dapi(_of("/fapi/v1/continuousKlines"), "/dapi/v1/continuousKlines"),
    dapi(_of("/fapi/v1/indexPriceKlines"), "/dapi/v1/indexPriceKlines"),
    dapi(_of("/fapi/v1/markPriceKlines"), "/dapi/v1/markPriceKlines"),
    dapi(_of("/fapi/v1/premiumIndexKlines"), "/dapi/v1/premiumIndexKlines"),
    dapi(_of("/fapi/v1/premiumIndex"), "/dapi/v1/premiumIndex",
         weight=fixed(10), params=_SYMBOL_OR_PAIR),
    dapi(_of("/fapi/v1/fundingRate"), "/dapi/v1/fundingRate", weight=fixed(1),
         params=(SYMBOL, *_of("/fapi/v1/fundingRate").params[1:])),
    dapi(_of("/fapi/v1/fundingInfo"), "/dapi/v1/fundingInfo"),
    dapi(_of("/fapi/v1/ticker/24hr"), "/dapi/v1/ticker/24hr",
         weight=by_symbol(1, 40, pair=True), params=_SYMBOL_OR_PAIR),
    dapi(_of("/fapi/v1/ticker/price"), "/dapi/v1/ticker/price",
         weight=by_symbol(1, 2, pair=True), params=_SYMBOL_OR_PAIR),
    dapi(_of("/fapi/v1/openInterest"), "/dapi/v1/openInterest"),
    dapi(_of("/fapi/v1/constituents"), "/dapi/v1/constituents", weight=fixed(1)),
    dapi(_of("/futures/data/basis"), "/futures/data/basis", weight=fixed(1)),
    _data("/futures/data/globalLongShortAccountRatio", (PAIR,), "Long/Short Ratio"),
    _data("/futures/data/openInterestHist", (PAIR, _CONTRACT_TYPE), "Open Interest Statistics"),
    _data("/futures/data/takerBuySellVol", (PAIR, _CONTRACT_TYPE), "Taker Buy/Sell Volume"),
    _data("/futures/data/topLongShortAccountRatio", (SYMBOL,),
          "Top Trader Long/Short Account Ratio"),
    _data("/futures/data/topLongShortPositionRatio", (PAIR,),
          "Top Trader Long/Short Position Ratio"),
]  # fmt: skip
