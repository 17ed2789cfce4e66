"""An acknowledged order survives SIGKILL of the server and a restart.

An order is acknowledged only after its command is committed to the journal; recovery replays
it, so after `kill -9` the resting order is back in the book, in open orders, with its id,
client id, price and quantity — and it still trades.
"""

import httpx

from tests.conftest import ServerFactory
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

PRICE = "77000"


def signed(
    server: SandboxServer, key: dict[str, str], method: str, path: str, **query: str
) -> httpx.Response:
    return signed_request(server.url, Credentials.from_admin(key), method, path, **query)


def test_an_acknowledged_order_survives_sigkill(make_server: ServerFactory) -> None:
    server = make_server("data", '[prices.pairs.BTCUSDT]\nsource = "fixed"\nprice = "77000"\n')
    server.start()
    maker = server.call("POST", "/accounts/demo/keys", {"type": "hmac"})
    placed = signed(
        server, maker, "POST", "/fapi/v1/order", symbol="BTCUSDT", side="SELL", type="LIMIT",
        timeInForce="GTC", quantity="0.010", price="77100", newClientOrderId="survivor-1",
    )  # fmt: skip
    assert placed.status_code == 200, placed.text
    acknowledged = placed.json()
    server.kill()

    server.start()
    found = signed(server, maker, "GET", "/fapi/v1/openOrders", symbol="BTCUSDT").json()
    assert [o["orderId"] for o in found] == [acknowledged["orderId"]]
    order = found[0]
    assert (order["clientOrderId"], order["price"], order["origQty"], order["status"]) == (
        "survivor-1", "77100.00", "0.010", "NEW",
    )  # fmt: skip
    server.call("POST", "/accounts", {"name": "taker"})
    server.call("POST", "/accounts/taker/deposits", {"asset": "USDT", "amount": "10000"})
    taker = server.call("POST", "/accounts/taker/keys", {"type": "hmac"})
    bought = signed(
        server, taker, "POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET",
        quantity="0.010", newOrderRespType="RESULT",
    ).json()  # fmt: skip
    assert (bought["status"], bought["avgPrice"]) == ("FILLED", "77100.00000")
    server.stop()
