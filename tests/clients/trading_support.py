"""What the real-client trading tests share: the prices they trade at, the second account that
rests the other side, and the Binance answers they expect.

The market has no liquidity of its own, so a MARKET order needs a resting order from another
account: `maker_key` creates one ("maker", 10,000 USDT) per server. The index price follows a
random walk; `pin_price` sets it right before an order so limit prices stay inside
PERCENT_PRICE (±5 %) and the fill price is the maker's.
"""

from decimal import Decimal
from typing import Any

from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

SYMBOL = "BTCUSDT"
INDEX = "77000"
QTY = "0.010"  # 770 USDT at the index: above MIN_NOTIONAL (50)
AWAY = "74690.00"  # 3 % under the index: a BUY there rests
MAKER_PRICE = "77000.00"  # the maker's SELL, which the client's MARKET BUY takes

# A symbol that no other test touches, for an account with an open order and no position.
QUIET_SYMBOL = "ETHUSDT"
QUIET_INDEX = "2900"
QUIET_AWAY = "2800.00"  # 3.4 % under; 28 USDT >= ETHUSDT's MIN_NOTIONAL (20)

MAKER_RATE = Decimal("0.0002")
TAKER_RATE = Decimal("0.0005")

TOO_MANY_DECIMALS = "0.0101"  # BTCUSDT takes 3 quantity decimals: -1111
OFF_TICK = "74690.05"  # BTCUSDT's tick is 0.10: -4014
UNKNOWN_ORDER_ID = 987_654_321

# Modify Order (PUT /fapi/v1/order) moves the resting BUY at AWAY here; both stay inside
# PERCENT_PRICE and under the index, so the amended order rests again.
AMENDED_PRICE = "74600.00"
AMENDED_QTY = "0.020"
# Place Multiple Orders: two valid BUYs that rest, around one item off the tick (-4014).
BATCH_PRICES = ("74500.00", "74400.00")

UNKNOWN_ORDER_SENT = (-2011, "Unknown order sent.")
ORDER_DOES_NOT_EXIST = (-2013, "Order does not exist.")
PRECISION = (-1111, "Precision is over the maximum defined for this asset.")
NOT_ON_TICK = (-4014, "Price not increased by tick size.")
NO_NEED_TO_MODIFY = (-5027, "No need to modify the order.")


# GET /fapi/v1/orderAmendment's `amendment` for the one accepted AWAY/QTY -> AMENDED_* change.
AMENDMENT = {
    "price": {"before": AWAY, "after": AMENDED_PRICE},
    "origQty": {"before": QTY, "after": AMENDED_QTY},
    "count": 1,
}


def batch_limit_buys(*prices: str) -> list[dict[str, str]]:
    """Place Multiple Orders items as Binance documents them: one GTC LIMIT BUY of QTY per price."""
    return [
        {"symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
         "quantity": QTY, "price": price}
        for price in prices
    ]  # fmt: skip


def maker_key(server: SandboxServer) -> dict[str, Any]:
    """A second account with its own HMAC key and 10,000 USDT: the resting side."""
    server.call("POST", "/accounts", {"name": "maker"})
    server.call("POST", "/accounts/maker/deposits", {"asset": "USDT", "amount": "10000"})
    created: dict[str, Any] = server.call("POST", "/accounts/maker/keys", {"type": "hmac"})
    return created


def cross_once(server: SandboxServer, maker: Credentials, taker: Credentials) -> None:
    """One trade of QTY at MAKER_PRICE: the maker's resting SELL, the taker's MARKET BUY."""
    for who, params in (
        (maker, {"side": "SELL", "type": "LIMIT", "timeInForce": "GTC", "price": MAKER_PRICE}),
        (taker, {"side": "BUY", "type": "MARKET"}),
    ):
        placed = signed_request(
            server.url, who, "POST", "/fapi/v1/order", symbol=SYMBOL, quantity=QTY, **params
        )
        assert placed.status_code == 200, placed.text


def pin_price(server: SandboxServer, symbol: str = SYMBOL, price: str = INDEX) -> None:
    """The index (= mark) price of `symbol`'s pair, set now."""
    server.call("PUT", f"/prices/{symbol}", {"price": price})


def error_item(error: tuple[int, str]) -> dict[str, Any]:
    """A refused item of a batch answer: Binance's {"code", "msg"} in the item's place."""
    code, msg = error
    return {"code": code, "msg": msg}


def commission(price: str, qty: str, rate: Decimal) -> Decimal:
    return Decimal(price) * Decimal(qty) * rate


def taker_break_even() -> Decimal:
    """Binance's break-even of a long opened by a taker fill: entry + fee per unit."""
    return Decimal(MAKER_PRICE) + commission(MAKER_PRICE, QTY, TAKER_RATE) / Decimal(QTY)


# Checks of Binance's raw JSON answers, for the clients that hand them over as dicts.


def check_trade_pair(bought: dict[str, Any], sold: dict[str, Any]) -> None:
    """userTrades of the taker (bought) and the maker (sold) of one fill."""
    assert bought["id"] == sold["id"]
    assert (bought["buyer"], bought["maker"], bought["side"]) == (True, False, "BUY")
    assert (sold["buyer"], sold["maker"], sold["side"]) == (False, True, "SELL")
    for trade in (bought, sold):
        assert (trade["price"], trade["qty"]) == (MAKER_PRICE, QTY)
        assert trade["commissionAsset"] == "USDT"
    assert Decimal(bought["commission"]) == commission(MAKER_PRICE, QTY, TAKER_RATE)
    assert Decimal(sold["commission"]) == commission(MAKER_PRICE, QTY, MAKER_RATE)


def check_commission_rates(rates: dict[str, Any]) -> None:
    assert Decimal(rates["makerCommissionRate"]) == MAKER_RATE
    assert Decimal(rates["takerCommissionRate"]) == TAKER_RATE


def check_position_rows(long: dict[str, Any], short: dict[str, Any]) -> None:
    """positionRisk rows of the buyer (long) and the seller (short) of one fill."""
    assert (long["positionSide"], long["positionAmt"]) == ("BOTH", QTY)
    assert (short["positionSide"], short["positionAmt"]) == ("BOTH", "-" + QTY)
    for row in (long, short):
        assert Decimal(row["entryPrice"]) == Decimal(MAKER_PRICE)
        assert row["marginAsset"] == "USDT"
        assert Decimal(row["markPrice"]) > 0
    assert Decimal(long["notional"]) > 0 > Decimal(short["notional"])
