"""Stream names as Binance spells them, parsed into what a stream is about.

Names are lower case (`btcusdt@aggTrade`; the event part keeps Binance's camel case); a name
with an upper-case symbol, an unknown event, interval, level count or speed is not a stream.
A well-formed name for a symbol the exchange does not list is a stream that stays silent, as
on Binance. `<symbol>@trade` is not in Binance's USDⓈ-M documentation, yet it is served (one
event per trade, `X` "MARKET"): ccxt's watchTrades asks for it by default.

COIN-M's streams (dstream) share these names: its symbols (`btcusd_perp`) and pairs (`btcusd`)
are distinct from USDⓈ-M's, so one parser serves both. COIN-M adds `<pair>@indexPrice[@1s]`,
and `<pair>@markPrice[@1s]` (every contract of the pair), which reads like a symbol's mark
price stream: which one a name is depends on what the exchange lists (`market_feed`).

Each stream has the route Binance serves it on since the 2026 split (`public`: the order book
and the raw trades; `private`: a user-data stream, named by its listenKey, see
`user_streams/`; `market`: everything else) and its update period on the exchange clock
(0: pushed as it happens).
"""

import re
from dataclasses import dataclass
from typing import Literal

from binance_sandbox.gateway.params import KLINE_INTERVALS

Kind = Literal[
    "aggTrade", "trade", "markPrice", "markPriceArr", "kline", "continuousKline", "indexPriceKline",
    "markPriceKline", "miniTicker", "miniTickerArr", "ticker", "tickerArr", "bookTicker",
    "bookTickerAll", "forceOrder", "forceOrderArr", "depth", "partialDepth", "contractInfo",
    "compositeIndex", "assetIndex", "assetIndexArr", "indexPrice", "userData",
]  # fmt: skip
Route = Literal["public", "market", "private"]

CONTRACT_TYPES = ("perpetual", "current_quarter", "next_quarter", "tradifi_perpetual")
DEPTH_SPEEDS = {"": 250, "@100ms": 100, "@500ms": 500}
PARTIAL_LEVELS = (5, 10, 20)
KLINE_PERIOD_MS = 250


@dataclass(frozen=True)
class Stream:
    name: str
    kind: Kind
    key: str = ""  # upper-case symbol, pair or asset; "" for the all-market streams
    interval: str = ""
    contract_type: str = ""  # continuous klines: upper case, as in exchangeInfo
    levels: int = 0  # partial depth
    period_ms: int = 0  # update speed on the exchange clock; 0: as it happens

    @property
    def route(self) -> Route:
        if self.kind == "userData":
            return "private"
        return "public" if self.kind in _PUBLIC else "market"


_PUBLIC = frozenset({"trade", "depth", "partialDepth", "bookTicker", "bookTickerAll"})
_PAIR = r"[a-z0-9]+"
_SYMBOL = rf"{_PAIR}(?:_[a-z0-9]+)?"  # a quarterly's and COIN-M's carry `_<suffix>`
_SPEED = r"(@100ms|@500ms)?"
_INTERVAL = "|".join(re.escape(i) for i in KLINE_INTERVALS)
_CONTRACT = "|".join(CONTRACT_TYPES)

# name pattern -> how to read it; the groups are (symbol, ...) in order
_PATTERNS: list[tuple[re.Pattern[str], Kind]] = [
    (re.compile(rf"({_SYMBOL})@aggTrade"), "aggTrade"),
    (re.compile(rf"({_SYMBOL})@trade"), "trade"),
    (re.compile(rf"({_SYMBOL})@markPrice(@1s)?"), "markPrice"),
    (re.compile(r"!markPrice@arr(@1s)?"), "markPriceArr"),
    (re.compile(rf"({_PAIR})@indexPrice(@1s)?"), "indexPrice"),
    (re.compile(rf"({_SYMBOL})@kline_({_INTERVAL})"), "kline"),
    (re.compile(rf"({_PAIR})_({_CONTRACT})@continuousKline_({_INTERVAL})"), "continuousKline"),
    (re.compile(rf"({_PAIR})@indexPriceKline_({_INTERVAL})"), "indexPriceKline"),
    (re.compile(rf"({_SYMBOL})@markPriceKline_({_INTERVAL})"), "markPriceKline"),
    (re.compile(rf"({_SYMBOL})@miniTicker"), "miniTicker"),
    (re.compile(r"!miniTicker@arr"), "miniTickerArr"),
    (re.compile(rf"({_SYMBOL})@ticker"), "ticker"),
    (re.compile(r"!ticker@arr"), "tickerArr"),
    (re.compile(rf"({_SYMBOL})@bookTicker"), "bookTicker"),
    (re.compile(r"!bookTicker"), "bookTickerAll"),
    (re.compile(rf"({_SYMBOL})@forceOrder"), "forceOrder"),
    (re.compile(r"!forceOrder@arr"), "forceOrderArr"),
    (re.compile(rf"({_SYMBOL})@depth{_SPEED}"), "depth"),
    (re.compile(rf"({_SYMBOL})@depth(5|10|20){_SPEED}"), "partialDepth"),
    (re.compile(r"!contractInfo"), "contractInfo"),
    (re.compile(rf"({_SYMBOL})@compositeIndex"), "compositeIndex"),
    (re.compile(rf"({_SYMBOL})@assetIndex"), "assetIndex"),
    (re.compile(r"!assetIndex@arr"), "assetIndexArr"),
]

# Binance's update speeds (ms) of the streams that are not per-speed by name
_PERIODS: dict[Kind, int] = {
    "markPrice": 3000, "markPriceArr": 3000, "indexPrice": 3000, "kline": KLINE_PERIOD_MS,
    "continuousKline": KLINE_PERIOD_MS, "indexPriceKline": KLINE_PERIOD_MS,
    "markPriceKline": KLINE_PERIOD_MS, "miniTicker": 2000, "miniTickerArr": 1000,
    "ticker": 2000, "tickerArr": 1000, "bookTickerAll": 5000,
    "forceOrder": 1000, "forceOrderArr": 1000,  # the newest liquidation of each 1000 ms
    "assetIndex": 1000, "assetIndexArr": 1000,
    "contractInfo": 250,  # "real-time": a contract's status is looked at every 250 ms
}  # fmt: skip


def parse_stream(name: str) -> Stream | None:
    """The stream `name` stands for, or None if it is not one of Binance's."""
    for pattern, kind in _PATTERNS:
        match = pattern.fullmatch(name)
        if match is not None:
            return _read(name, kind, match.groups())
    return None


def _read(name: str, kind: Kind, groups: tuple[str | None, ...]) -> Stream:
    period = _PERIODS.get(kind, 0)
    if kind in ("markPrice", "markPriceArr", "indexPrice"):
        one_second = groups[-1] is not None
        key = (groups[0] or "").upper() if kind != "markPriceArr" else ""
        return Stream(name, kind, key, period_ms=1000 if one_second else period)
    if kind == "depth":
        return Stream(name, kind, _upper(groups[0]), period_ms=DEPTH_SPEEDS[groups[1] or ""])
    if kind == "partialDepth":
        speed = DEPTH_SPEEDS[groups[2] or ""]
        return Stream(name, kind, _upper(groups[0]), levels=int(groups[1] or 0), period_ms=speed)
    if kind == "continuousKline":
        pair, contract, interval = groups
        return Stream(name, kind, _upper(pair), interval or "", _upper(contract), period_ms=period)
    if kind in ("kline", "indexPriceKline", "markPriceKline"):
        return Stream(name, kind, _upper(groups[0]), groups[1] or "", period_ms=period)
    key = _upper(groups[0]) if groups else ""
    return Stream(name, kind, key, period_ms=period)


def _upper(text: str | None) -> str:
    return (text or "").upper()
