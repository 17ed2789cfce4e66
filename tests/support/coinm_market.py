"""A COIN-M market for end-to-end tests: the contracts (their exchangeInfo values, FORMULAS.md
§7), the index pairs they share, two accounts holding coin, and one trade between them.

Until the COIN-M REST surface lists its default instruments, tests pass them in the config and
trade them through ORDER_PATH. The core's arithmetic for COIN-M is linear until it becomes
inverse, so the accounts hold far more coin than a contract needs either way and the brackets
leave room for either reading of a notional.
"""

from typing import Any

from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

SYMBOL, PAIR = "BTCUSD_PERP", "BTCUSD"
INDEX = "77000"
PRICE = "77000.0"  # the maker's SELL, which the taker's MARKET BUY takes
QTY = "1"  # contracts of 100 USD
COIN_VALUE = "0.00129870"  # 1 x 100 / 77000 BTC, half away from zero at 8 decimals
ORDER_PATH = "/dapi/v1/order"
DEPTH_PATH = "/dapi/v1/depth"

PERPETUAL_DELIVERY = 4133404800000


def contract(
    symbol: str, coin: str, *, contract_type: str = "PERPETUAL",
    delivery_date: int = PERPETUAL_DELIVERY,
) -> str:  # fmt: skip
    """A COIN-M contract's config table: BTC's (size 100, tick 0.1) or ETH's (10, 0.01)."""
    btc = coin == "BTC"
    return f"""
[instruments.{symbol}]
product = "coinm"
pair = "{coin}USD"
contract_size = {100 if btc else 10}
contract_type = "{contract_type}"
delivery_date = {delivery_date}
onboard_date = 1597042800000
base_asset = "{coin}"
quote_asset = "USD"
margin_asset = "{coin}"
price_precision = {1 if btc else 2}
quantity_precision = 0
liquidation_fee = "0.015000"
tick_size = "{"0.1" if btc else "0.01"}"
min_price = "{1000 if btc else 50}"
max_price = "{4520958 if btc else 306177}"
step_size = "1"
min_qty = "1"
max_qty = "1000000"
market_max_qty = "60000"
min_notional = "0"
brackets = [[20, "0", "1000000000000", "0.01"]]
"""


CONFIG = f"""
[prices.pairs.BTCUSD]
source = "fixed"
price = "{INDEX}"

[prices.pairs.ETHUSD]
source = "fixed"
price = "2900"
{contract(SYMBOL, "BTC")}{contract("ETHUSD_PERP", "ETH")}"""


# The COIN-M default instruments under the manual clock, BTCUSD's and ETHUSD's index fixed: no
# price moves unless a test moves it.
FIXED_INDEX_MANUAL_CLOCK = """
[clock]
mode = "manual"
start = "2026-03-01T00:00:00Z"

[prices]
interval_ms = 60000

[prices.pairs.BTCUSD]
source = "fixed"
price = "77000"

[prices.pairs.ETHUSD]
source = "fixed"
price = "2000"
"""


def coin_trader(server: SandboxServer, name: str, coins: str = "1000000") -> Credentials:
    """An account of its own holding `coins` BTC and ETH in its COIN-M wallet, with an HMAC
    key."""
    server.call("POST", "/accounts", {"name": name})
    for asset in ("BTC", "ETH"):
        deposit = {"asset": asset, "amount": coins, "product": "coinm"}
        server.call("POST", f"/accounts/{name}/deposits", deposit)
    return Credentials.from_admin(server.call("POST", f"/accounts/{name}/keys", {"type": "hmac"}))


def place(server: SandboxServer, who: Credentials, **params: Any) -> dict[str, Any]:
    placed = signed_request(server.url, who, "POST", ORDER_PATH, **{"symbol": SYMBOL, **params})
    assert placed.status_code == 200, placed.text
    answer: dict[str, Any] = placed.json()
    return answer


def cross_once(server: SandboxServer, maker: Credentials, taker: Credentials) -> None:
    """One trade of QTY at PRICE: the maker's resting SELL, the taker's MARKET BUY."""
    server.call("PUT", f"/prices/{SYMBOL}", {"price": INDEX})
    place(server, maker, side="SELL", type="LIMIT", timeInForce="GTC", price=PRICE, quantity=QTY)
    place(server, taker, side="BUY", type="MARKET", quantity=QTY)
