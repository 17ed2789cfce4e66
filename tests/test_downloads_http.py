"""History downloads over HTTP, both products (manual clock, agents off): GET …/{income,order,
trade}/asyn answers an id, …/asyn/id "processing" until `downloads.preparation_s` of exchange
time passed, then "completed" with a link to this server that gives a ZIP of one CSV.

The choices written down here, where Binance's pages are silent:
- the CSV's header is the REST row's fields, and each line is the REST row (income, allOrders,
  userTrades of every symbol of the product) with its values as the JSON writes them;
- `isExpired` stays null; the link opens for 24 hours of exchange time, then answers 403;
- an id that is unknown, another account's, another product's or another kind's: -1099;
- more than a year between startTime and endTime: -1127 (Binance's lookup-interval error);
- an answered id survives a kill -9 of the server.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.downloads import (
    CONFIG,
    HISTORIES,
    PREPARATION,
    START_MS,
    SYMBOLS,
    WINDOW,
    as_cells,
    csv_rows,
    trade_on_both,
)
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

NOT_FOUND = {"code": -1099, "msg": "Not found, unauthenticated, or unauthorized."}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("downloads")
    running = SandboxServer(root / "data", CONFIG).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def traders(server: SandboxServer) -> tuple[Credentials, Credentials]:
    return trade_on_both(server)


def get(server: SandboxServer, who: Credentials, path: str, **params: Any) -> httpx.Response:
    return signed_request(server.url, who, "GET", path, **params)


def ok(server: SandboxServer, who: Credentials, path: str, **params: Any) -> Any:
    answer = get(server, who, path, **params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def status_and_body(
    server: SandboxServer, who: Credentials, path: str, **params: Any
) -> tuple[int, Any]:
    answer = get(server, who, path, **params)
    return answer.status_code, answer.json()


def advance(server: SandboxServer, by: str) -> None:
    server.call("POST", "/clock/advance", {"by": by})


@pytest.mark.parametrize("api", ["fapi", "dapi"])
@pytest.mark.parametrize("kind", list(HISTORIES))
def test_a_download_is_the_rest_history_once_ready(
    server: SandboxServer, traders: tuple[Credentials, Credentials], api: str, kind: str
) -> None:
    demo, _ = traders
    asked = get(server, demo, f"/{api}/v1/{kind}/asyn", **WINDOW)
    assert asked.status_code == 200, asked.text
    answer = asked.json()
    assert list(answer) == ["avgCostTimestampOfLast30d", "downloadId"]
    assert answer["avgCostTimestampOfLast30d"] == 5000  # downloads.preparation_s
    assert answer["downloadId"].isdigit()
    assert len(answer["downloadId"]) == 18
    weight = {"fapi": 1000, "dapi": 5}[api]
    assert int(asked.headers["x-mbx-used-weight-1m"]) >= weight
    link_path = f"/{api}/v1/{kind}/asyn/id"
    processing = ok(server, demo, link_path, downloadId=answer["downloadId"])
    assert processing == {
        "downloadId": answer["downloadId"],
        "status": "processing",
        "url": "",
        "notified": False,
        "expirationTimestamp": -1,
        "isExpired": None,
    }
    advance(server, PREPARATION)
    done = ok(server, demo, link_path, downloadId=answer["downloadId"])
    now = int(server.call("GET", "/clock")["time"])
    assert (done["status"], done["notified"], done["isExpired"]) == ("completed", True, None)
    assert done["expirationTimestamp"] == now + 86_400_000  # ready now, for 24 hours
    assert done["url"].startswith(server.url + "/downloads/")
    fetched = httpx.get(done["url"])  # no key, no signature: the link is the credential
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "application/zip"
    rest = ok(
        server,
        demo,
        f"/{api}/v1/{HISTORIES[kind]}",
        **WINDOW,
        **({"symbol": SYMBOLS[api]} if kind != "income" else {}),
    )
    assert rest  # the trades made rows
    lines = csv_rows(fetched.content)
    assert lines == [as_cells(row) for row in rest]
    assert list(lines[0]) == list(rest[0])  # the columns in the REST row's order


def test_the_link_expires_after_24_hours_of_exchange_time(
    server: SandboxServer, traders: tuple[Credentials, Credentials]
) -> None:
    demo, _ = traders
    download_id = ok(server, demo, "/fapi/v1/trade/asyn", **WINDOW)["downloadId"]
    advance(server, PREPARATION)
    url = ok(server, demo, "/fapi/v1/trade/asyn/id", downloadId=download_id)["url"]
    assert httpx.get(url).status_code == 200
    assert httpx.get(url.replace(".zip", "x.zip")).status_code == 404  # another token
    advance(server, "24h")
    expired = httpx.get(url)
    assert (expired.status_code, expired.text) == (403, "Request has expired")
    still = ok(server, demo, "/fapi/v1/trade/asyn/id", downloadId=download_id)
    assert (still["status"], still["isExpired"]) == ("completed", None)


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"startTime": START_MS}, {"code": -1102, "msg": "Mandatory parameter 'endTime' was not "
                                   "sent, was empty/null, or malformed."}),
        ({"startTime": START_MS, "endTime": START_MS - 1},
         {"code": -1023, "msg": "Start time is greater than end time."}),
        ({"startTime": START_MS, "endTime": START_MS + 366 * 86_400_000},
         {"code": -1127, "msg": "More than 8760 hours between startTime and endTime."}),
    ],
)  # fmt: skip
def test_a_bad_window_is_refused(
    server: SandboxServer,
    traders: tuple[Credentials, Credentials],
    params: dict[str, int],
    error: dict[str, Any],
) -> None:
    demo, _ = traders
    for api in ("fapi", "dapi"):
        assert status_and_body(server, demo, f"/{api}/v1/income/asyn", **params) == (400, error)


def test_an_id_opens_only_its_own_account_product_and_kind(
    server: SandboxServer, traders: tuple[Credentials, Credentials]
) -> None:
    demo, maker = traders
    download_id = ok(server, demo, "/fapi/v1/income/asyn", **WINDOW)["downloadId"]
    assert ok(server, demo, "/fapi/v1/income/asyn/id", downloadId=download_id)["downloadId"]
    for who, path, asked_id in (
        (maker, "/fapi/v1/income/asyn/id", download_id),  # another account
        (demo, "/dapi/v1/income/asyn/id", download_id),  # another product
        (demo, "/fapi/v1/order/asyn/id", download_id),  # another kind
        (demo, "/fapi/v1/income/asyn/id", "999999999999999999"),  # none
        (demo, "/fapi/v1/income/asyn/id", "not-an-id"),
    ):
        assert status_and_body(server, who, path, downloadId=asked_id) == (400, NOT_FOUND)


def test_an_answered_id_survives_a_kill(
    server: SandboxServer, traders: tuple[Credentials, Credentials]
) -> None:
    demo, _ = traders
    download_id = ok(server, demo, "/dapi/v1/order/asyn", **WINDOW)["downloadId"]
    advance(server, PREPARATION)
    before = ok(server, demo, "/dapi/v1/order/asyn/id", downloadId=download_id)
    first = httpx.get(before["url"]).content
    server.kill()
    server.start()
    after = ok(server, demo, "/dapi/v1/order/asyn/id", downloadId=download_id)
    assert after["status"] == "completed"
    assert httpx.get(after["url"]).content == first
