"""The admin and CLI levers that force a liquidation: the mark price of a contract and the
insurance fund's balance (README "Forcing a liquidation"), with their refusals."""

import pytest

from tests.conftest import ServerFactory
from tests.support.server import SandboxServer
from tests.test_admin_api import cli


@pytest.fixture
def server(make_server: ServerFactory) -> SandboxServer:
    return make_server("data", '[clock]\nmode = "manual"\n').start()


def test_the_mark_and_fund_levers_over_the_admin_api(server: SandboxServer) -> None:
    answer = server.call("PUT", "/marks/btcusdt", {"price": "70000.5"})
    assert answer["marks"]["BTCUSDT"] == "70000.50000000"
    assert (answer["liquidations"], answer["adl"]) == (0, 0)
    assert server.call("GET", "/marks")["BTCUSDT"] == "70000.50000000"
    fund = server.call("PUT", "/insurance/usdt", {"balance": "250.5"})
    assert fund["assets"]["USDT"]["balance"] == "250.50000000"
    assert fund["assets"]["USDT"]["marginBalance"] == "250.50000000"
    assert server.call("PUT", "/insurance/USDT", {"balance": "0"})["assets"]["USDT"]["balance"] == (
        "0.00000000"
    )
    assert server.call("GET", "/insurance")["positions"] == {}


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/marks/NOPEUSDT", {"price": "1"}, -1121),
        ("/marks/BTCUSDT", {"price": "0"}, -1102),
        ("/marks/BTCUSDT", {"price": "abc"}, -1102),
        ("/insurance/USDT", {"balance": "-1"}, -1102),
        ("/insurance/NOPE", {"balance": "1"}, -9002),
    ],
)
def test_bad_lever_values_are_refused(
    server: SandboxServer, path: str, body: dict[str, str], code: int
) -> None:
    with server.admin() as client:
        response = client.put(path, json=body)
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_the_cli_sets_the_mark_and_the_fund(server: SandboxServer) -> None:
    marked = cli(server, "price", "mark", "BTCUSDT", "71000")
    assert marked.returncode == 0, marked.stderr
    assert '"BTCUSDT": "71000.00000000"' in marked.stdout
    funded = cli(server, "insurance", "set", "USDT", "1000")
    assert funded.returncode == 0, funded.stderr
    shown = cli(server, "insurance", "show")
    assert '"balance": "1000.00000000"' in shown.stdout
