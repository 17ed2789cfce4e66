"""A COIN-M funding fee seen by each real client over real sockets (manual clock).

The demo account buys 77 BTCUSD_PERP contracts (7,700 USD, 0.1 BTC at 77,000) from a maker;
the clock passes one funding time (08:00 UTC). Then ccxt `binancecoinm`, python-binance
`futures_coin_*`, binance-futures-connector `CMFutures` and the official COIN-M SDK each read
GET /dapi/v1/income and the balances, and see the same one FUNDING_FEE row:
- in the coin (asset BTC), the position's coin value at the settled mark times the rate:
  -77 x 100 / mark x rate, at 8 decimals, half away from zero;
- the wallet moved by exactly that fee, the maker's by its opposite;
- `tranId` a string, as COIN-M's example writes it and its SDK's model declares it (USDⓈ-M's
  is a number).
The agents are off and the index is fixed, so the mark and the rate are the exchange's own.
"""

from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from binance.cm_futures import CMFutures
from binance_sdk_derivatives_trading_coin_futures.rest_api.models import (
    GetIncomeHistoryIncomeTypeEnum,
)

from tests.clients import coinm_support as cs
from tests.clients.conftest import Sandbox
from tests.clients.test_coinm_ccxt import MARKET, coin_exchange
from tests.clients.test_coinm_official_sdk import as_json, rest_api
from tests.clients.test_coinm_python_binance import coin_client
from tests.support.server import SandboxServer

QUIET = """
[clock]
mode = "manual"
start = "2026-03-01T01:00:00Z"

[agents]
enabled = false

[prices]
interval_ms = 60000

[prices.pairs.BTCUSD]
source = "fixed"
price = "77000"
"""
CONTRACTS = "77"
FUNDING_TIME = 1_772_352_000_000  # 2026-03-01T08:00:00Z
Reading = tuple[list[dict[str, Any]], Decimal]  # FUNDING_FEE rows, the BTC wallet balance


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    server = SandboxServer(tmp_path_factory.mktemp("coinm-funding") / "data", QUIET).start()
    key = server.call("POST", "/accounts/demo/keys", {"type": "hmac", "label": "funding"})
    yield Sandbox(server.url, key["apiKey"], key["secretKey"], server)
    server.stop()


def btc_balance(rows: list[dict[str, Any]]) -> Decimal:
    return Decimal(next(row["balance"] for row in rows if row["asset"] == "BTC"))


def through_python_binance(url: str, keys: cs.Keys) -> Reading:
    client = coin_client(url, keys.api_key, keys.secret)
    rows = client.futures_coin_income_history(incomeType="FUNDING_FEE")
    return rows, btc_balance(client.futures_coin_account_balance())


def through_futures_connector(url: str, keys: cs.Keys) -> Reading:
    client = CMFutures(key=keys.api_key, secret=keys.secret, base_url=url)
    return client.get_income_history(incomeType="FUNDING_FEE"), btc_balance(client.balance())


def through_official_sdk(url: str, keys: cs.Keys) -> Reading:
    rest = rest_api(url, keys.api_key, keys.secret)
    fees = rest.get_income_history(income_type=GetIncomeHistoryIncomeTypeEnum.FUNDING_FEE)
    return as_json(fees.data()), btc_balance(as_json(rest.futures_account_balance().data()))


def through_ccxt(url: str, keys: cs.Keys) -> Reading:
    exchange = coin_exchange(url, keys.api_key, keys.secret)
    history = exchange.fetch_funding_history(MARKET)
    assert all(h["code"] == "BTC" and h["symbol"] == MARKET for h in history)
    assert [Decimal(str(h["amount"])) for h in history] == [
        Decimal(h["info"]["income"]) for h in history
    ]
    account = exchange.fetch_balance()["info"]  # its /dapi/v1/account
    wallet = next(row["walletBalance"] for row in account["assets"] if row["asset"] == "BTC")
    return [h["info"] for h in history], Decimal(wallet)


CLIENTS: dict[str, Callable[[str, cs.Keys], Reading]] = {
    "python-binance": through_python_binance,
    "binance-futures-connector": through_futures_connector,
    "official-sdk": through_official_sdk,
    "ccxt": through_ccxt,
}


@pytest.fixture(scope="module")
def funded(sandbox: Sandbox) -> dict[str, Any]:
    """The position opened through python-binance, the funding time passed; the wallets
    before and after, both accounts' keys, and the settled rate."""
    server: SandboxServer = sandbox.server
    demo = cs.Keys(sandbox.api_key, sandbox.secret)
    maker = cs.fund(sandbox)
    taker_client = coin_client(sandbox.url, demo.api_key, demo.secret)
    maker_client = coin_client(sandbox.url, maker.api_key, maker.secret)
    maker_client.futures_coin_create_order(
        symbol=cs.SYMBOL, side="SELL", type="LIMIT", timeInForce="GTC", quantity=CONTRACTS,
        price=cs.MAKER_PRICE,
    )  # fmt: skip
    taker_client.futures_coin_create_order(
        symbol=cs.SYMBOL, side="BUY", type="MARKET", quantity=CONTRACTS
    )
    before = {who: through_python_binance(sandbox.url, keys)[1]
              for who, keys in (("demo", demo), ("maker", maker))}  # fmt: skip
    server.call("POST", "/clock/advance", {"to": str(FUNDING_TIME + 1_000)})
    [rate] = taker_client.futures_coin_funding_rate(symbol=cs.SYMBOL)
    return {"demo": demo, "maker": maker, "before": before, "rate": rate}


@pytest.mark.parametrize("client", CLIENTS)
def test_each_client_sees_the_funding_fee_in_the_coin(
    sandbox: Sandbox, funded: dict[str, Any], client: str
) -> None:
    rate = funded["rate"]
    assert rate["fundingTime"] == FUNDING_TIME
    coin_value = Decimal(CONTRACTS) * 100 / Decimal(rate["markPrice"])
    exact = -coin_value * Decimal(rate["fundingRate"])
    expected = exact.quantize(Decimal("1e-8"), rounding=ROUND_HALF_UP)
    assert expected != 0
    for who, sign in (("demo", 1), ("maker", -1)):
        rows, balance = CLIENTS[client](sandbox.url, funded[who])
        [fee] = rows
        assert (fee["symbol"], fee["incomeType"], fee["asset"]) == (cs.SYMBOL, "FUNDING_FEE", "BTC")
        assert fee["time"] == FUNDING_TIME
        assert isinstance(fee["tranId"], str)
        assert Decimal(fee["income"]) == sign * expected, who
        assert balance - funded["before"][who] == sign * expected, who
