"""Multi-Assets mode over real sockets (python-binance and ccxt): an account holding only 1 BTC
switches the mode on and its BTC, valued at 95 % of the index (Binance's haircut), backs a
USDT-margined order; the refusals come with Binance's codes; the asset index publishes the
same haircut. Numbers (BTCUSDT index 77,000, leverage 1): tests/test_multi_assets.py.
Last, the pool carries a 20x long on the same BTC through a fall of the mark (the admin lever)
and is liquidated once the mark spends it: tests/test_multi_assets_liquidation.py's numbers."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import ccxt
import pytest
from binance.client import Client
from binance.exceptions import BinanceAPIException

from tests.clients import margin_support as ms
from tests.clients.conftest import Sandbox
from tests.clients.test_trading_ccxt import binance_error
from tests.clients.test_trading_ccxt import pointed as pointed_ccxt
from tests.clients.test_trading_python_binance import pointed
from tests.clients.trading_support import SYMBOL, maker_key, pin_price

UNCHANGED = (-4171, "Adjusted asset mode is currently set and does not need to be adjusted "
                    "repeatedly.")  # fmt: skip
ISOLATED_REFUSED = (-4168, "Unable to adjust to isolated-margin mode under the Multi-Assets mode.")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from ms.still_sandbox(tmp_path_factory)


@pytest.fixture(scope="module")
def key(sandbox: Sandbox) -> dict[str, Any]:
    """An account holding 1 BTC and nothing else, BTCUSDT at 1x, the index at 77,000."""
    server = sandbox.server
    server.call("POST", "/accounts", {"name": "collateral"})
    server.call("POST", "/accounts/collateral/deposits", {"asset": "BTC", "amount": "1"})
    created: dict[str, Any] = server.call("POST", "/accounts/collateral/keys", {"type": "hmac"})
    pin_price(server)
    return created


@pytest.fixture(scope="module")
def client(sandbox: Sandbox, key: dict[str, Any]) -> Client:
    client = pointed(sandbox.url, key["apiKey"], key["secretKey"])
    client.futures_change_leverage(symbol=SYMBOL, leverage=1)
    return client


def buy(client: Client, quantity: str) -> dict[str, Any]:
    order: dict[str, Any] = client.futures_create_order(
        symbol=SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC", quantity=quantity,
        price="70000",
    )  # fmt: skip
    return order


def code_of(call: Any, *args: Any, **kwargs: Any) -> tuple[int, str]:
    with pytest.raises(BinanceAPIException) as raised:
        call(*args, **kwargs)
    return raised.value.code, raised.value.message


def test_python_binance_switches_the_mode_and_btc_backs_the_order(client: Client) -> None:
    assert client.futures_get_multi_assets_mode() == {"multiAssetsMargin": False}
    assert code_of(buy, client, "1.044") == ms.MARGIN_INSUFFICIENT  # USDT alone: none
    assert client.futures_change_multi_assets_mode(True) == {"code": 200, "msg": "success"}
    assert code_of(client.futures_change_multi_assets_mode, True) == UNCHANGED
    assert client.futures_get_multi_assets_mode() == {"multiAssetsMargin": True}
    assert client.futures_account()["multiAssetsMargin"] is True
    assert code_of(buy, client, "1.045") == ms.MARGIN_INSUFFICIENT  # past 95 % of 77,000
    assert buy(client, "1.044")["status"] == "NEW"
    # the pool spares 73,150 - 73,080 x 1.0001 = 62.692 USD: 0.00077541 BTC at the ask rate
    # 80,850, 62.68573142 USDT at 1.0001 (truncated), shown as each asset's available balance
    rows = {r["asset"]: r for r in client.futures_account_balance()}
    assert (rows["BTC"]["availableBalance"], rows["BTC"]["maxWithdrawAmount"]) == (
        "0.00077541", "0.00077541",
    )  # fmt: skip
    assert rows["USDT"]["availableBalance"] == "62.68573142"
    refused = code_of(client.futures_change_margin_type, symbol=SYMBOL, marginType="ISOLATED")
    assert refused == ISOLATED_REFUSED
    client.futures_cancel_all_open_orders(symbol=SYMBOL)


def test_ccxt_reads_and_leaves_the_mode(
    sandbox: Sandbox, key: dict[str, Any], client: Client
) -> None:
    exchange = pointed_ccxt(sandbox.url, key["apiKey"], key["secretKey"])
    assert exchange.fapiPrivateGetMultiAssetsMargin() == {"multiAssetsMargin": True}
    answer = exchange.fapiPrivatePostMultiAssetsMargin({"multiAssetsMargin": "false"})
    assert answer == {"code": 200, "msg": "success"}
    with pytest.raises(ccxt.BaseError) as raised:
        exchange.fapiPrivatePostMultiAssetsMargin({"multiAssetsMargin": "false"})
    assert binance_error(raised.value) == UNCHANGED
    assert client.futures_get_multi_assets_mode() == {"multiAssetsMargin": False}


def test_the_asset_index_publishes_the_haircut(client: Client) -> None:
    row = client.futures_v1_get_asset_index(symbol="BTCUSD")
    assert (row["index"], row["bidBuffer"], row["askBuffer"]) == (
        "77000.00000000", "0.05000000", "0.05000000",
    )  # fmt: skip
    assert (row["bidRate"], row["askRate"]) == ("73150.00000000", "80850.00000000")


def test_the_pool_carries_a_long_until_the_mark_spends_it(sandbox: Sandbox, client: Client) -> None:
    """Long 3 at 77,000, 20x, on the 1 BTC (taker fee 115.50): the pool's wallets are 73,034.49
    USD, so positionRisk's liquidationPrice is 52,866.64 and a mark of 60,000 liquidates
    nothing; at 52,800 (margin balance 434.49 <= 633.60) the autoclose SELL of 3 at the
    bankruptcy price 52,655.20 fills 1 on the maker's bid and the fund takes 2. The BTC stays,
    and the USDT debt it covers (no auto-exchange)."""
    server = sandbox.server
    if not client.futures_get_multi_assets_mode()["multiAssetsMargin"]:
        client.futures_change_multi_assets_mode(True)
    client.futures_change_leverage(symbol=SYMBOL, leverage=20)
    key = maker_key(server)
    server.call("POST", "/accounts/maker/deposits", {"asset": "USDT", "amount": "100000"})
    maker = pointed(sandbox.url, key["apiKey"], key["secretKey"])
    maker.futures_create_order(symbol=SYMBOL, side="SELL", type="LIMIT", timeInForce="GTC",
                               quantity="3.000", price="77000.00")  # fmt: skip
    client.futures_create_order(symbol=SYMBOL, side="BUY", type="MARKET", quantity="3.000")
    (row,) = client.futures_position_information(symbol=SYMBOL)
    assert Decimal(row["liquidationPrice"]) == Decimal("52866.63706493")

    assert server.call("PUT", f"/marks/{SYMBOL}", {"price": "60000"})["liquidations"] == 0
    (row,) = client.futures_position_information(symbol=SYMBOL)
    assert (row["positionAmt"], Decimal(row["markPrice"])) == ("3.000", 60_000)
    assert client.futures_liquidation_orders(symbol=SYMBOL) == []

    maker.futures_create_order(symbol=SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC",
                               quantity="1.000", price="52700.00")  # fmt: skip
    answer = server.call("PUT", f"/marks/{SYMBOL}", {"price": "52800"})
    assert (answer["liquidations"], answer["adl"]) == (1, 0)
    assert client.futures_position_information(symbol=SYMBOL) == []
    (force,) = client.futures_liquidation_orders(symbol=SYMBOL)
    assert force["clientOrderId"].startswith("autoclose-")
    assert (force["side"], force["executedQty"], force["status"]) == ("SELL", "3.000", "FILLED")
    assert Decimal(force["price"]) == Decimal("52655.2")
    rows = {r["asset"]: r for r in client.futures_account_balance()}
    assert Decimal(rows["BTC"]["balance"]) == 1
    assert Decimal(rows["USDT"]["balance"]) == Decimal("-73142.68573142")
