"""Which product a request is for, when its path does not say.

/fapi is USDⓈ-M's and /dapi COIN-M's, but /futures/data has the same paths on both of Binance's
hosts (fapi.binance.com, dapi.binance.com). There the parameters decide: COIN-M's requests name
a `pair` (BTCUSD) and mostly a `contractType`, USDⓈ-M's a `symbol` (basis and delivery-price
take a pair on both). So a request is COIN-M's when the `pair` or `symbol` it sends is a COIN-M
instrument's (pair or symbol), or when it sends a `pair` and no `symbol` to a series USDⓈ-M keys
by symbol; anything else is USDⓈ-M's, as it was before COIN-M.
"""

from collections.abc import Mapping

from binance_sandbox.core.state import ExchangeState
from binance_sandbox.gateway.endpoint import Endpoint


def wants_coinm(usdm: Endpoint, values: Mapping[str, str], state: ExchangeState) -> bool:
    named = {values[name].upper() for name in ("pair", "symbol") if name in values}
    if not named:
        return False
    for instrument in state.instruments.values():
        if instrument.product == "coinm" and named & {instrument.pair, instrument.symbol}:
            return True
    keyed_by_symbol = all(param.name != "pair" for param in usdm.params)
    return keyed_by_symbol and "pair" in values and "symbol" not in values
