"""COIN-M's endpoint table against Binance's documentation, and the rule that picks a product
for the /futures/data paths both products serve (no server: the table and the rule as data)."""

import pytest

from binance_sandbox.core.instruments import Instrument, Product
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.gateway.coverage import coverage, documented
from binance_sandbox.gateway.endpoint import Endpoint
from binance_sandbox.gateway.handlers.coinm_trading import UNDOCUMENTED
from binance_sandbox.gateway.products import wants_coinm
from binance_sandbox.gateway.table import endpoint_table

COINM = [e for e in endpoint_table() if e.product == "coinm"]
USDM = {e.key: e for e in endpoint_table() if e.product == "usdm"}
DOCS = {(d.method, d.path): d for d in documented("coinm")}


def test_the_collection_has_64_requests_58_on_dapi() -> None:
    assert len(DOCS) == 64
    assert sum(path.startswith("/dapi/") for _, path in DOCS) == 58


def test_coinm_serves_every_documented_request() -> None:
    missing = {
        (doc.method, doc.path) for doc, done in coverage(endpoint_table(), "coinm") if not done
    }
    assert missing == set()


def test_each_coinm_endpoint_is_documented_with_its_security() -> None:
    """But the Algo Order endpoints: in no COIN-M doc, yet what ccxt calls for a conditional
    order and the SDK's New Order names for them "after CM migration" (coinm_trading)."""
    undocumented = {e.key for e in COINM if e.key not in DOCS}
    assert undocumented == {e.key for e in UNDOCUMENTED} == {
        ("POST", "/dapi/v1/algoOrder"), ("DELETE", "/dapi/v1/algoOrder"),
        ("GET", "/dapi/v1/algoOrder"), ("GET", "/dapi/v1/openAlgoOrders"),
        ("GET", "/dapi/v1/allAlgoOrders"), ("DELETE", "/dapi/v1/algoOpenOrders"),
    }  # fmt: skip
    for endpoint in COINM:
        if endpoint.key in DOCS:
            assert endpoint.security.value == DOCS[endpoint.key].security, endpoint.key


@pytest.mark.parametrize(
    "endpoint", [e for e in COINM if e.key in DOCS], ids=lambda e: f"{e.method} {e.path}"
)
def test_a_single_documented_weight_is_charged(endpoint: Endpoint) -> None:
    weight = DOCS[endpoint.key].weight
    if weight.isdigit():
        assert endpoint.weight({}) == int(weight)


def test_weights_that_depend_on_symbol_or_pair() -> None:
    by_key = {e.key: e for e in COINM}
    book = by_key["GET", "/dapi/v1/ticker/bookTicker"].weight
    assert (book({"symbol": "BTCUSD_PERP"}), book({"pair": "BTCUSD"}), book({})) == (2, 2, 5)
    trades = by_key["GET", "/dapi/v1/userTrades"].weight
    assert (trades({"symbol": "BTCUSD_PERP"}), trades({"pair": "BTCUSD"})) == (20, 40)
    day = by_key["GET", "/dapi/v1/ticker/24hr"].weight
    assert (day({"symbol": "BTCUSD_PERP"}), day({})) == (1, 40)


def test_coinm_reuses_the_usdm_handlers() -> None:
    """Declared on USDⓈ-M's handlers, never a renamed copy: only COIN-M's own shapes (per-coin
    account rows, positionRisk, brackets in quantities) and its pair-keyed series have their own."""
    usdm_handlers = {e.handler for e in USDM.values()}
    own = {e.key for e in COINM if e.handler not in usdm_handlers}
    assert own == {
        ("GET", "/dapi/v1/positionRisk"), ("GET", "/dapi/v1/balance"), ("GET", "/dapi/v1/account"),
        ("GET", "/dapi/v1/leverageBracket"), ("GET", "/dapi/v2/leverageBracket"),
        ("GET", "/futures/data/globalLongShortAccountRatio"),
        ("GET", "/futures/data/openInterestHist"), ("GET", "/futures/data/takerBuySellVol"),
        ("GET", "/futures/data/topLongShortPositionRatio"),
    }  # fmt: skip


def test_modify_order_takes_price_or_quantity_on_coinm_only() -> None:
    by_key = {e.key: e for e in COINM}
    coinm = {p.name: p.required for p in by_key["PUT", "/dapi/v1/order"].params}
    usdm = {p.name: p.required for p in USDM["PUT", "/fapi/v1/order"].params}
    assert (coinm["quantity"], coinm.get("price")) == (False, False)
    assert usdm["quantity"] is True


def _state(*instruments: Instrument) -> ExchangeState:
    state = ExchangeState()
    for instrument in instruments:
        state.instruments[instrument.symbol] = instrument
    return state


def _instrument(symbol: str, pair: str, product: Product) -> Instrument:
    return Instrument(
        symbol=symbol, pair=pair, product=product, contract_type="PERPETUAL",
        delivery_date=0, onboard_date=0, base_asset="BTC", quote_asset="USD", margin_asset="BTC",
        price_precision=1, quantity_precision=0, tick_size="0.1", min_price="1", max_price="9",
        step_size="1", min_qty="1", max_qty="9", market_max_qty="9", min_notional="0",
    )  # fmt: skip


STATE = _state(
    _instrument("BTCUSDT", "BTCUSDT", "usdm"), _instrument("BTCUSD_PERP", "BTCUSD", "coinm")
)


@pytest.mark.parametrize(
    ("path", "values", "coinm"),
    [
        # series USDⓈ-M keys by symbol: a symbol is USDⓈ-M's, a pair (COIN-M's key) COIN-M's
        ("/futures/data/openInterestHist", {"symbol": "BTCUSDT"}, False),
        ("/futures/data/openInterestHist", {"pair": "BTCUSD", "contractType": "ALL"}, True),
        ("/futures/data/openInterestHist", {"pair": "NOSUCH"}, True),  # COIN-M's -1121
        ("/futures/data/openInterestHist", {}, False),  # USDⓈ-M's -1102 for the symbol
        # COIN-M's topLongShortAccountRatio takes a symbol: a COIN-M one is COIN-M's
        ("/futures/data/topLongShortAccountRatio", {"symbol": "btcusd_perp"}, True),
        # basis takes a pair on both: the pair's product decides, an unknown one stays USDⓈ-M's
        ("/futures/data/basis", {"pair": "BTCUSD", "contractType": "PERPETUAL"}, True),
        ("/futures/data/basis", {"pair": "BTCUSDT", "contractType": "PERPETUAL"}, False),
        ("/futures/data/basis", {"pair": "NOSUCH", "contractType": "PERPETUAL"}, False),
    ],
)
def test_futures_data_answers_by_the_parameters(
    path: str, values: dict[str, str], coinm: bool
) -> None:
    assert wants_coinm(USDM["GET", path], values, STATE) is coinm
