"""History downloads through each real client, both products, over real sockets: ccxt
(`binanceusdm` / `binancecoinm` implicit methods), python-binance, binance-futures-connector
(UMFutures / CMFutures) and the official SDKs ask for the id of each history (income, orders,
trades), see it "processing", and once the manual clock passed the preparation, "completed"
with a link; the file behind the link is the REST history's rows (tests/test_downloads_http.py
writes down the format).

Where a client has no method for an endpoint it is sent through the client's own signing:
CMFutures has only the income id (`get_download_id_transaction_history`).
"""

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from binance.cm_futures import CMFutures

from binance_sandbox.testing.clients import (
    ccxt_client,
    futures_connector_client,
    official_sdk_client,
    python_binance_client,
)
from tests.clients.test_coinm_ccxt import coin_exchange
from tests.clients.test_coinm_official_sdk import as_json
from tests.clients.test_coinm_official_sdk import rest_api as coin_sdk
from tests.clients.test_coinm_python_binance import coin_client
from tests.support.downloads import (
    CONFIG,
    HISTORIES,
    PREPARATION,
    SYMBOLS,
    WINDOW,
    as_cells,
    csv_rows,
    trade_on_both,
)
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

Kind = str
Ask = Callable[[Kind, int, int], Any]  # kind, startTime, endTime -> the id's answer
Link = Callable[[Kind, str], Any]  # kind, downloadId -> the link's answer
_TITLES = {"income": "Income", "order": "Order", "trade": "Trade"}


def ccxt_calls(client: Any, api: str) -> tuple[Ask, Link]:
    # ccxt spaces its own calls by their cost: 50 s after each of /fapi's 1,000-weight ids
    client.enableRateLimit = False

    def ask(kind: Kind, start: int, end: int) -> Any:
        method = getattr(client, f"{api}PrivateGet{_TITLES[kind]}Asyn")
        return method({"startTime": start, "endTime": end})

    def link(kind: Kind, download_id: str) -> Any:
        return getattr(client, f"{api}PrivateGet{_TITLES[kind]}AsynId")({"downloadId": download_id})

    return ask, link


def python_binance_usdm(client: Any) -> tuple[Ask, Link]:
    def ask(kind: Kind, start: int, end: int) -> Any:
        return getattr(client, f"futures_v1_get_{kind}_asyn")(startTime=start, endTime=end)

    def link(kind: Kind, download_id: str) -> Any:
        return getattr(client, f"futures_v1_get_{kind}_asyn_id")(downloadId=download_id)

    return ask, link


PYTHON_BINANCE_COINM = {  # python-binance's names, its typo ("accout") included
    "income": ("futures_coin_v1_get_income_asyn", "futures_coin_v1_get_income_asyn_id"),
    "order": ("futures_coin_account_order_history_download",
              "futures_coin_accout_order_history_download_link"),
    "trade": ("futures_coin_account_trade_history_download",
              "futures_coin_account_trade_history_download_link"),
}  # fmt: skip


def python_binance_coinm(client: Any) -> tuple[Ask, Link]:
    def ask(kind: Kind, start: int, end: int) -> Any:
        return getattr(client, PYTHON_BINANCE_COINM[kind][0])(startTime=start, endTime=end)

    def link(kind: Kind, download_id: str) -> Any:
        return getattr(client, PYTHON_BINANCE_COINM[kind][1])(downloadId=download_id)

    return ask, link


CONNECTOR_USDM = {
    "income": ("download_transactions_asyn", "aysnc_download_info"),  # the connector's typo
    "order": ("download_order_asyn", "async_download_order_id"),
    "trade": ("download_trade_asyn", "async_download_trade_id"),
}


def connector_usdm(client: Any) -> tuple[Ask, Link]:
    def ask(kind: Kind, start: int, end: int) -> Any:
        return getattr(client, CONNECTOR_USDM[kind][0])(startTime=start, endTime=end)

    def link(kind: Kind, download_id: str) -> Any:
        return getattr(client, CONNECTOR_USDM[kind][1])(downloadId=download_id)

    return ask, link


def connector_coinm(client: CMFutures) -> tuple[Ask, Link]:
    def ask(kind: Kind, start: int, end: int) -> Any:
        if kind == "income":
            return client.get_download_id_transaction_history(startTime=start, endTime=end)
        path = f"/dapi/v1/{kind}/asyn"
        return client.sign_request("GET", path, {"startTime": start, "endTime": end})

    def link(kind: Kind, download_id: str) -> Any:
        path = f"/dapi/v1/{kind}/asyn/id"
        return client.sign_request("GET", path, {"downloadId": download_id})

    return ask, link


SDK_NAMES = {
    "income": "transaction_history",
    "order": "order_history",
    "trade": "trade_history",
}
SDK_LINK_NAMES = {
    "income": "transaction_history_download_link_by_id",
    "order": "order_history_download_link_by_id",
    "trade": "trade_download_link_by_id",
}


def official_sdk(rest: Any) -> tuple[Ask, Link]:
    def ask(kind: Kind, start: int, end: int) -> Any:
        method = getattr(rest, f"get_download_id_for_futures_{SDK_NAMES[kind]}")
        return as_json(method(start_time=start, end_time=end).data())

    def link(kind: Kind, download_id: str) -> Any:
        method = getattr(rest, f"get_futures_{SDK_LINK_NAMES[kind]}")
        return as_json(method(download_id=download_id).data())

    return ask, link


ClientCalls = Callable[[str, str, str], tuple[Ask, Link]]  # url, key, secret -> its calls
CLIENTS: dict[str, ClientCalls] = {
    "fapi-ccxt": lambda u, k, s: ccxt_calls(ccxt_client(u, k, s), "fapi"),
    "fapi-python-binance": lambda u, k, s: python_binance_usdm(python_binance_client(u, k, s)),
    "fapi-futures-connector": lambda u, k, s: connector_usdm(futures_connector_client(u, k, s)),
    "fapi-official-sdk": lambda u, k, s: official_sdk(official_sdk_client(u, k, s)),
    "dapi-ccxt": lambda u, k, s: ccxt_calls(coin_exchange(u, k, s), "dapi"),
    "dapi-python-binance": lambda u, k, s: python_binance_coinm(coin_client(u, k, s)),
    "dapi-futures-connector": lambda u, k, s: connector_coinm(CMFutures(k, s, base_url=u)),
    "dapi-official-sdk": lambda u, k, s: official_sdk(coin_sdk(u, k, s)),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    running = SandboxServer(tmp_path_factory.mktemp("download-clients") / "data", CONFIG).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def demo(server: SandboxServer) -> Credentials:
    return trade_on_both(server)[0]


@pytest.mark.parametrize("name", list(CLIENTS))
def test_each_client_downloads_each_history(
    server: SandboxServer, demo: Credentials, name: str
) -> None:
    api = name.split("-", maxsplit=1)[0]
    ask, link = CLIENTS[name](server.url, demo.api_key, demo.secret)
    start, end = WINDOW["startTime"], WINDOW["endTime"]
    ids = {kind: ask(kind, start, end) for kind in HISTORIES}
    for answer in ids.values():
        assert answer["avgCostTimestampOfLast30d"] == 5000
        assert answer["downloadId"].isdigit()
    waiting = [link(kind, answer["downloadId"]) for kind, answer in ids.items()]
    assert [w["status"] for w in waiting] == ["processing"] * 3
    assert [w["url"] for w in waiting] == [""] * 3
    server.call("POST", "/clock/advance", {"by": PREPARATION})
    for kind, answer in ids.items():
        done = link(kind, answer["downloadId"])
        assert (done["downloadId"], done["status"]) == (answer["downloadId"], "completed")
        fetched = httpx.get(done["url"])
        assert fetched.status_code == 200
        params = {} if kind == "income" else {"symbol": SYMBOLS[api]}
        rest = signed_request(
            server.url, demo, "GET", f"/{api}/v1/{HISTORIES[kind]}", **WINDOW, **params
        ).json()
        assert rest, kind
        assert csv_rows(fetched.content) == [as_cells(row) for row in rest], kind
