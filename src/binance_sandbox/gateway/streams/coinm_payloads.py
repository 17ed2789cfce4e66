"""COIN-M's stream payloads where they differ from USDⓈ-M's, field for field as the COIN-M
pages (derivatives-docs/coin-margined-futures/websocket-market-streams/) show them. The feed
builds every payload with `payloads` and asks `shaped` for a COIN-M contract's:

- `ps` (the pair) after `s` in bookTicker, depthUpdate and forceOrder's `o`, and in the
  tickers, whose `q` is the base-coin volume (`baseVolume` of REST), `v` staying in contracts;
- aggTrade has no `nq` (COIN-M has no RPI orders);
- kline `q` and `Q` are base-coin volumes (`coin_volume`);
- index and mark price klines carry the pair as `ps` on top; `k.s` is the contract (mark) or
  "0" (index), `k.f` / `k.L` (documented as "ignore") the candle's open time and the time of
  its last price update;
- `<pair>@indexPrice` (`indexPriceUpdate`) exists on COIN-M only.

Mark price updates and contractInfo have USDⓈ-M's fields.
"""

from collections.abc import Callable
from typing import Any

from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.rounding import div_half_up
from binance_sandbox.gateway.context import Services
from binance_sandbox.gateway.render import amount, price
from binance_sandbox.gateway.streams.payloads import MINI_TICKER_KEYS, TICKER_KEYS, Payload
from binance_sandbox.projections.coin_volume import CoinVolumes

# the tickers' one-letter keys -> the names of `day_row`
COINM_TICKER_KEYS = {"ps": "pair", **TICKER_KEYS, "q": "baseVolume"}
COINM_MINI_TICKER_KEYS = {"ps": "pair", **MINI_TICKER_KEYS, "q": "baseVolume"}


Reshape = Callable[[Instrument, Payload], Payload]


class CoinmPayloads:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._volumes = CoinVolumes(services.tape)
        self._by_event: dict[str, Reshape] = {
            **RESHAPES,
            "kline": self._trade_kline,
            "continuous_kline": self._trade_kline,
            "markPrice_kline": self._price_kline,
            "indexPrice_kline": self._price_kline,
        }

    def in_product_shape(self, instrument: Instrument, payload: Payload) -> Payload:
        """`payload`, built for `instrument` by `payloads`, as its product sends it."""
        if not instrument.inverse:
            return payload
        reshape = self._by_event.get(payload["e"])
        return reshape(instrument, payload) if reshape is not None else payload

    def day_row(self, instrument: Instrument, row: dict[str, Any]) -> dict[str, Any]:
        """The REST 24-hour row in COIN-M's terms: `pair`, `baseVolume` (coins) instead of
        `quoteVolume`, and the weighted average price of an inverse contract, sum of
        (contracts x size) over the coin volume, at the price's decimals (REST: "9547.3")."""
        volume = self._volumes.between(instrument, row["firstId"], row["lastId"])
        average = 0
        if volume.fine_coins:
            usd = volume.contracts * instrument.contract_size * 10**instrument.price_decimals
            average = div_half_up(usd * 10**18, volume.fine_coins * 10**instrument.qty_decimals)
        coinm = {k: v for k, v in row.items() if k != "quoteVolume"}
        coinm.update(pair=instrument.pair, baseVolume=amount(volume.coins))
        coinm["weightedAvgPrice"] = price(instrument, average)
        return coinm

    def _trade_kline(self, instrument: Instrument, payload: Payload) -> Payload:
        k = payload["k"]
        volume = self._volumes.between(instrument, k["f"], k["L"])
        coins = {"q": amount(volume.coins), "Q": amount(volume.taker_buy_coins)}
        return {**payload, "k": {**k, **coins}}

    def _price_kline(self, instrument: Instrument, payload: Payload) -> Payload:
        k = payload["k"]
        updated = self._services.exchange.state.index_price_times.get(instrument.pair, k["t"])
        last = min(max(updated, k["t"]), k["T"] - k["T"] % 1000)
        subject = instrument.symbol if payload["e"] == "markPrice_kline" else "0"
        head = {key: v for key, v in payload.items() if key not in ("s", "ps", "k")}
        return {**head, "ps": instrument.pair, "k": {**k, "s": subject, "f": k["t"], "L": last}}


def index_price(pair: str, index: int, now: int) -> Payload:
    return {"e": "indexPriceUpdate", "E": now, "i": pair, "p": amount(index)}


def _with_pair(payload: Payload, pair: str) -> Payload:
    """`ps` right after `s`, where the COIN-M pages put it."""
    shaped: Payload = {}
    for key, value in payload.items():
        shaped[key] = value
        if key == "s":
            shaped["ps"] = pair
    return shaped


def _book(instrument: Instrument, payload: Payload) -> Payload:
    return _with_pair(payload, instrument.pair)


def _agg_trade(_: Instrument, payload: Payload) -> Payload:
    return {k: v for k, v in payload.items() if k != "nq"}


def _force_order(instrument: Instrument, payload: Payload) -> Payload:
    return {**payload, "o": _with_pair(payload["o"], instrument.pair)}


# the event types whose COIN-M shape needs nothing but the contract
RESHAPES: dict[str, Reshape] = {
    "aggTrade": _agg_trade,
    "bookTicker": _book,
    "depthUpdate": _book,
    "forceOrder": _force_order,
}
