"""What the real-client liquidation tests share: a cross 20x long that a crash of the mark
(the admin lever, manual clock) liquidates, and the numbers FORMULAS.md §4 gives for it.

The demo account (10,000 USDT) buys 1 BTC at 77,000 from the maker's SELL (taker fee 38.50):
wallet 9,961.50, bankruptcy price 77,000 - 9,961.50 = 67,038.50. The index then goes to 68,000
(the mark follows; balance 961.50 vs MM 272: safe), the maker bids 0.5 at 67,200, the fund is
set to 100,000, and the mark is set to 67,250: balance 211.50 <= MM 269: liquidation.
- the IOC autoclose SELL of 1 at 67,038.50 fills 0.5 on the bid at 67,200 (PnL -4,900, taker
  fee 16.80) and the fund takes 0.5 at 67,038.50 (PnL -4,980.75): avgPrice 67,119.25;
- what is left, 63.95, is less than the clearance fee (1.25 % of 67,119.25 = 838.99...): the
  fund takes 63.95 (INSURANCE_CLEAR) and the wallet is 0;
- the fund: 100,000 + 63.95 + its long 0.5 x (67,250 - 67,038.50) = 100,169.70.
"""

from decimal import Decimal
from typing import Any

from tests.clients.conftest import Sandbox
from tests.clients.trading_support import maker_key

SYMBOL = "BTCUSDT"
QTY = "1.000"
ENTRY = "77000"
BANKRUPTCY = Decimal("67038.5")
AVG_PRICE = Decimal("67119.25")
CLEARED = Decimal("-63.95")
REALIZED = sorted([Decimal("-4900"), Decimal("-4980.75")])
FUND = Decimal("100169.7")


def crash(sandbox: Sandbox, place: Any) -> None:
    """Opens the long through `place(side, type, **order)` (the client under test), then
    crashes the mark with the admin lever. The maker trades over plain HTTP."""
    server = sandbox.server
    key = maker_key(server)
    server.call("POST", "/accounts/maker/deposits", {"asset": "USDT", "amount": "100000"})
    server.call("PUT", f"/prices/{SYMBOL}", {"price": ENTRY})
    maker = _signed_maker(sandbox, key)
    maker("SELL", price="77000.00", quantity=QTY)
    place("BUY", "MARKET", quantity=QTY)
    server.call("PUT", f"/prices/{SYMBOL}", {"price": "68000"})
    maker("BUY", price="67200.00", quantity="0.500")
    server.call("PUT", "/insurance/USDT", {"balance": "100000"})
    answer = server.call("PUT", f"/marks/{SYMBOL}", {"price": "67250"})
    assert (answer["liquidations"], answer["adl"]) == (1, 0)


def _signed_maker(sandbox: Sandbox, key: dict[str, Any]) -> Any:
    from tests.clients.test_trading_python_binance import pointed

    client = pointed(sandbox.url, key["apiKey"], key["secretKey"])

    def place(side: str, **order: str) -> None:
        client.futures_create_order(symbol=SYMBOL, side=side, type="LIMIT", timeInForce="GTC",
                                    **order)  # fmt: skip

    return place


def check_force_order(row: dict[str, Any]) -> None:
    """A raw /fapi/v1/forceOrders row."""
    assert row["clientOrderId"].startswith("autoclose-")
    assert (row["symbol"], row["side"], row["type"], row["timeInForce"]) == (
        SYMBOL, "SELL", "LIMIT", "IOC"
    )  # fmt: skip
    assert (row["status"], row["origQty"], row["executedQty"]) == ("FILLED", QTY, QTY)
    assert Decimal(row["price"]) == BANKRUPTCY
    assert Decimal(row["avgPrice"]) == AVG_PRICE


def check_income(rows: list[dict[str, Any]]) -> None:
    (cleared,) = [r for r in rows if r["incomeType"] == "INSURANCE_CLEAR"]
    assert (cleared["symbol"], cleared["asset"]) == (SYMBOL, "USDT")
    assert Decimal(cleared["income"]) == CLEARED
    realized = [Decimal(r["income"]) for r in rows if r["incomeType"] == "REALIZED_PNL"]
    assert sorted(realized) == REALIZED


def check_insurance(fund: dict[str, Any]) -> None:
    (usdt,) = [a for a in fund["assets"] if a["asset"] == "USDT"]
    assert Decimal(usdt["marginBalance"]) == FUND
    assert SYMBOL in fund["symbols"]
