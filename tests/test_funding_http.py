"""Premium index and funding estimate over HTTP, from the sandbox's own book (manual clock,
agents off, BTCUSDT's index fixed at 77,000).

A maker bids 1 BTC at 77,100 and offers 1 BTC at 77,300: both sides are deeper than the impact
margin notional (30,000 USDT at 150x), so every premium sample is (77,100 - 77,000) / 77,000 =
0.00129870 (the ask is above the index and adds nothing). Two minutes later:
- premiumIndexKlines closes its minutes at 0.00129870 (the minutes before the orders at 0);
- lastFundingRate is the time-weighted average minus the 0.05 % clamp: above the interest
  rate and at most 0.00129870 - 0.0005 = 0.00079870 (less if a 5-second slot passed between
  the exchange opening and the orders: its sample is 0);
- the mark is above the index (Price1 at that rate, Price2 at the mid 77,200).
"""

from decimal import Decimal

import httpx

from tests.conftest import ServerFactory
from tests.support.signing import Credentials, signed_request
from tests.support.wire import get_ok

CONFIG = (
    '[clock]\nmode = "manual"\n[prices.pairs.BTCUSDT]\nsource = "gbm"\nprice = "77000"\n'
    "volatility = 0.0\n"  # an index that ticks every second and stays at 77,000
)
PREMIUM = Decimal("0.00129870")


def test_the_book_makes_the_premium_and_the_rate(make_server: ServerFactory) -> None:
    server = make_server("data", CONFIG).start()
    client = httpx.Client(base_url=server.url, timeout=10)
    server.call("POST", "/accounts", {"name": "maker"})
    server.call("POST", "/accounts/maker/deposits", {"asset": "USDT", "amount": "100000"})
    maker = Credentials.from_admin(server.call("POST", "/accounts/maker/keys", {"type": "hmac"}))
    before = get_ok(client, "/fapi/v1/premiumIndex", symbol="BTCUSDT")
    assert before["lastFundingRate"] == "0.00010000"  # an empty book: the interest alone
    for side, price in (("BUY", "77100"), ("SELL", "77300")):
        placed = signed_request(server.url, maker, "POST", "/fapi/v1/order", symbol="BTCUSDT",
                                side=side, type="LIMIT", timeInForce="GTC", quantity="1",
                                price=price)  # fmt: skip
        assert placed.status_code == 200, placed.text
    server.call("POST", "/clock/advance", {"by": "2m"})

    klines = get_ok(client, "/fapi/v1/premiumIndexKlines", symbol="BTCUSDT", interval="1m")
    assert Decimal(klines[-1][4]) == PREMIUM
    assert Decimal(klines[0][1]) == 0
    now = get_ok(client, "/fapi/v1/premiumIndex", symbol="BTCUSDT")
    rate = Decimal(now["lastFundingRate"])
    assert Decimal("0.0001") < rate <= PREMIUM - Decimal("0.0005")
    assert Decimal(now["markPrice"]) > Decimal(now["indexPrice"]) == Decimal(77_000)
    assert get_ok(client, "/fapi/v1/fundingRate", symbol="BTCUSDT") == []  # none settled yet
