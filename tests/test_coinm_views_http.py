"""COIN-M's money figures on /dapi over a real socket, with worked numbers: a taker buys 3
BTCUSD_PERP contracts (100 USD each) from a maker's 1 at 77000 and 2 at 78000, with BTCUSD's
index fixed at 77000 and a manual clock (nothing moves by itself).

Worked numbers (FORMULAS §1.4: Q contracts at P are worth Q x 100 / P BTC):
- cumBase: 100 / 77000 + 200 / 78000 = 0.0038628038628... BTC -> "0.00386280"
- avgPrice and entryPrice: the contract-weighted harmonic mean 300 / cumBase = 3 x 77000 x
  78000 / (78000 + 2 x 77000) = 77663.7931034482... -> "77663.8" (at pricePrecision 1)
- commissions (taker 0.05 %, maker 0.02 %, in BTC): taker 0.0012987013 x 0.0005 = 0.00000065
  and 0.0025641026 x 0.0005 = 0.00000128; maker 0.00000026 and 0.00000051
- at the mark 77000: notionalValue 300 / 77000 = 0.0038961039 BTC, unrealized PnL
  300 x (1 / 77663.79310345 - 1 / 77000) = -0.0000333000333 -> "-0.00003330" (cut toward 0)
- leverage 20: initial margin 0.00389610 / 20 = 0.00019481; maintenance 0.4 % (bracket 1 of
  the coin brackets) = 0.00001558; maxQty 50 BTC (the last bracket allowing 20x caps at 50)
- breakEvenPrice (FORMULAS §5): 300 x EP / (300 - 0.00000193 x EP) = 77702.61621086
- closing all 3 at 77000 (the maker's bid): realized 300 x (1 / EP - 1 / 77000) =
  -0.0000333000333 -> -0.00003330 (half away from 0), commission 300 / 77000 x 0.05 % =
  0.00000195; the wallet 1 - 0.00000193 - 0.00000195 - 0.00003330 = 0.99996282 BTC
"""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.support import coinm_market as coinm
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

SYMBOL = "BTCUSD_PERP"
CONFIG = coinm.FIXED_INDEX_MANUAL_CLOCK
CUM_BASE = "0.00386280"
AVG_PRICE = "77663.8"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    started = SandboxServer(tmp_path_factory.mktemp("views") / "data", CONFIG).start()
    yield started
    started.stop()


def _account(server: SandboxServer, name: str) -> Credentials:
    server.call("POST", "/accounts", {"name": name})
    server.call(
        "POST", f"/accounts/{name}/deposits", {"asset": "BTC", "amount": "1", "product": "coinm"}
    )
    return Credentials.from_admin(server.call("POST", f"/accounts/{name}/keys", {"type": "hmac"}))


def ok(server: SandboxServer, key: Credentials, method: str, path: str, **params: str) -> Any:
    response = signed_request(server.url, key, method, path, **params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def traded(server: SandboxServer) -> dict[str, Any]:
    maker, taker = _account(server, "maker"), _account(server, "taker")
    for qty, price in (("1", "77000"), ("2", "78000")):
        ok(server, maker, "POST", "/dapi/v1/order", symbol=SYMBOL, side="SELL", type="LIMIT",
           timeInForce="GTC", quantity=qty, price=price)  # fmt: skip
    placed = ok(server, taker, "POST", "/dapi/v1/order", symbol=SYMBOL, side="BUY",
                type="MARKET", quantity="3")  # fmt: skip
    assert (placed["avgPrice"], placed["cumBase"]) == ("0.0", "0")  # answered before it fills
    bought = ok(server, taker, "GET", "/dapi/v1/order", symbol=SYMBOL,
                orderId=str(placed["orderId"]))  # fmt: skip
    return {"maker": maker, "taker": taker, "bought": bought}


def test_order_answers_print_cum_base_and_the_harmonic_mean(
    server: SandboxServer, traded: dict[str, Any]
) -> None:
    bought = traded["bought"]
    assert (bought["status"], bought["executedQty"]) == ("FILLED", "3")
    assert (bought["avgPrice"], bought["cumBase"]) == (AVG_PRICE, CUM_BASE)
    assert "cumQuote" not in bought
    resting = ok(server, traded["taker"], "POST", "/dapi/v1/order", symbol=SYMBOL, side="BUY",
                 type="LIMIT", timeInForce="GTC", quantity="1", price="76000")  # fmt: skip
    assert (resting["avgPrice"], resting["cumBase"]) == ("0.0", "0")  # Query Order's example
    ok(server, traded["taker"], "DELETE", "/dapi/v1/order", symbol=SYMBOL,
       orderId=str(resting["orderId"]))  # fmt: skip


def test_klines_and_ticker_volumes_are_in_the_coin(
    server: SandboxServer, traded: dict[str, Any]
) -> None:
    [candle] = httpx.get(server.url + "/dapi/v1/klines",
                         params={"symbol": SYMBOL, "interval": "1m"}).json()  # fmt: skip
    assert (candle[5], candle[8]) == ("3", 2)  # contracts, trades
    assert (candle[7], candle[10]) == (CUM_BASE, CUM_BASE)  # base volume; the taker bought
    [day] = httpx.get(server.url + "/dapi/v1/ticker/24hr", params={"symbol": SYMBOL}).json()
    assert (day["volume"], day["baseVolume"], day["count"]) == ("3", CUM_BASE, 2)
    assert day["weightedAvgPrice"] == AVG_PRICE  # USD traded over coins: the harmonic mean


def test_trades_and_income_are_in_the_coin(server: SandboxServer, traded: dict[str, Any]) -> None:
    fills = ok(server, traded["taker"], "GET", "/dapi/v1/userTrades", symbol=SYMBOL)
    assert [(t["price"], t["baseQty"], t["commission"], t["commissionAsset"]) for t in fills] == [
        ("77000.0", "0.00129870", "0.00000065", "BTC"),
        ("78000.0", "0.00256410", "0.00000128", "BTC"),
    ]
    made = ok(server, traded["maker"], "GET", "/dapi/v1/userTrades", symbol=SYMBOL)
    assert [t["commission"] for t in made] == ["0.00000026", "0.00000051"]
    rows = ok(server, traded["taker"], "GET", "/dapi/v1/income", incomeType="COMMISSION")
    assert [(r["income"], r["asset"]) for r in rows] == [
        ("-0.00000065", "BTC"),
        ("-0.00000128", "BTC"),
    ]


def test_position_and_account_figures_are_in_the_coin(
    server: SandboxServer, traded: dict[str, Any]
) -> None:
    rows = ok(server, traded["taker"], "GET", "/dapi/v1/positionRisk", pair="BTCUSD")
    [risk] = [row for row in rows if row["symbol"] == SYMBOL]
    assert (risk["positionAmt"], risk["markPrice"]) == ("3", "77000.00000000")
    assert Decimal(risk["entryPrice"]) == Decimal("77663.79310345")
    assert (risk["notionalValue"], risk["unRealizedProfit"]) == ("0.00389610", "-0.00003330")
    assert (risk["leverage"], risk["maxQty"]) == ("20", "50")
    assert risk["breakEvenPrice"] == "77702.61621086"
    account = ok(server, traded["taker"], "GET", "/dapi/v1/account")
    [position] = [p for p in account["positions"] if p["symbol"] == SYMBOL]
    assert (position["initialMargin"], position["maintMargin"]) == ("0.00019481", "0.00001558")
    assert position["maxQty"] == "50"
    btc = next(a for a in account["assets"] if a["asset"] == "BTC")
    assert btc["walletBalance"] == "0.99999807"  # 1 - 0.00000065 - 0.00000128
    assert btc["unrealizedProfit"] == "-0.00003330"


def test_an_isolated_position_in_the_coin(server: SandboxServer) -> None:
    """10 ETHUSD_PERP contracts (10 USD each) bought at 2000, isolated at 10x: notional
    100 / 2000 = 0.05 ETH, isolated wallet 0.05 / 10 = 0.005 ETH. Liquidation (FORMULAS §4,
    inverse): 0.005 + 100 x (1 / 2000 - 1 / LP) = 100 / LP x 0.5 % (bracket 1, cum 0), so
    LP = 100.5 / 0.055 = 1827.27272727..."""
    maker, taker = _account(server, "eth-maker"), _account(server, "eth-taker")
    for name in ("eth-maker", "eth-taker"):
        server.call(
            "POST",
            f"/accounts/{name}/deposits",
            {"asset": "ETH", "amount": "1", "product": "coinm"},
        )
    ok(server, taker, "POST", "/dapi/v1/marginType", symbol="ETHUSD_PERP", marginType="ISOLATED")
    ok(server, taker, "POST", "/dapi/v1/leverage", symbol="ETHUSD_PERP", leverage="10")
    ok(server, maker, "POST", "/dapi/v1/order", symbol="ETHUSD_PERP", side="SELL", type="LIMIT",
       timeInForce="GTC", quantity="10", price="2000")  # fmt: skip
    ok(server, taker, "POST", "/dapi/v1/order", symbol="ETHUSD_PERP", side="BUY",
       type="MARKET", quantity="10")  # fmt: skip
    [risk] = ok(server, taker, "GET", "/dapi/v1/positionRisk", pair="ETHUSD")
    assert (risk["positionAmt"], risk["marginType"], risk["leverage"]) == ("10", "isolated", "10")
    assert (risk["notionalValue"], risk["isolatedWallet"]) == ("0.05000000", "0.00500000")
    assert risk["isolatedMargin"] == "0.00500000"  # the wallet plus a zero PnL at the mark
    assert risk["liquidationPrice"] == "1827.27272727"
    assert risk["maxQty"] == "4000"  # ETH at 10x: the 10x bracket's cap


def test_brackets_are_in_the_coin(server: SandboxServer, traded: dict[str, Any]) -> None:
    [pair] = ok(server, traded["taker"], "GET", "/dapi/v1/leverageBracket", pair="BTCUSD")
    first, fifth = pair["brackets"][0], pair["brackets"][4]
    assert (first["initialLeverage"], first["qtyFloor"], first["qtyCap"]) == (125, 0, 10)
    assert (fifth["initialLeverage"], fifth["qtyFloor"], fifth["qtyCap"]) == (10, 50, 100)
    assert fifth["cum"] == 1.81  # the FAQ's worked example: 50 x (5 % - 2.5 %) + 0.56 (§3.1)


def test_closing_realizes_the_pnl_in_the_coin(
    server: SandboxServer, traded: dict[str, Any]
) -> None:
    """Runs last: it closes the position the other tests read."""
    maker, taker = traded["maker"], traded["taker"]
    ok(server, maker, "POST", "/dapi/v1/order", symbol=SYMBOL, side="BUY", type="LIMIT",
       timeInForce="GTC", quantity="3", price="77000")  # fmt: skip
    ok(server, taker, "POST", "/dapi/v1/order", symbol=SYMBOL, side="SELL", type="MARKET",
       quantity="3", reduceOnly="true")  # fmt: skip
    closing = ok(server, taker, "GET", "/dapi/v1/userTrades", symbol=SYMBOL)[-1]
    assert (closing["realizedPnl"], closing["commission"]) == ("-0.00003330", "0.00000195")
    covering = ok(server, maker, "GET", "/dapi/v1/userTrades", symbol=SYMBOL)[-1]
    assert (covering["realizedPnl"], covering["commission"]) == ("0.00003330", "0.00000078")
    rows = ok(server, taker, "GET", "/dapi/v1/income", incomeType="REALIZED_PNL")
    assert [(r["income"], r["asset"]) for r in rows] == [("-0.00003330", "BTC")]
    [btc] = [b for b in ok(server, taker, "GET", "/dapi/v1/balance") if b["asset"] == "BTC"]
    assert (btc["balance"], btc["crossWalletBalance"]) == ("0.99996282", "0.99996282")
    assert btc["availableBalance"] == "0.99996282"  # flat, no open orders
