"""The admin API and the management commands, against a real server over a real socket."""

import json
import subprocess
import sys
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from tests.conftest import ServerFactory
from tests.support.server import SandboxServer


@pytest.fixture
def server(make_server: ServerFactory) -> SandboxServer:
    return make_server("data", '[clock]\nmode = "manual"\n').start()


def cli(server: SandboxServer, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "binance_sandbox", *args, "--data-dir", str(server.data_dir)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_first_start_seeds_the_demo_account_and_instruments(server: SandboxServer) -> None:
    [demo] = server.call("GET", "/accounts")
    assert demo["name"] == "demo"
    assert demo["balances"] == {"USDT": "10000.00000000"}
    assert demo["coinmBalances"] == {"BTC": "1.00000000", "ETH": "10.00000000"}  # COIN-M's
    [key] = demo["apiKeys"]
    assert key["type"] == "HMAC"
    assert key["enableFutures"] is True
    prices = server.call("GET", "/prices")
    # one index per pair: the BTCUSDT quarterly shares BTCUSDT's, COIN-M's quarters BTCUSD's
    assert set(prices) == {
        "BTCUSDT",
        "ETHUSDT",
        "BNBUSDT",
        "SOLUSDT",
        "XRPUSDT",
        "BTCUSD",
        "ETHUSD",
    }
    assert prices["BTCUSDT"]["price"] == "77000.00000000"
    log = server.log_path.read_text()
    assert key["apiKey"] in log  # the banner printed the demo key


def test_health_is_open_everything_else_needs_the_token(server: SandboxServer) -> None:
    assert httpx.get(server.url + "/sandbox/v1/health").json()["status"] == "ok"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": server.token}):
        answer = httpx.get(server.url + "/sandbox/v1/accounts", headers=headers)
        assert answer.status_code == 401
        assert answer.json()["code"] == -2015


def test_hmac_rsa_and_ed25519_keys(server: SandboxServer) -> None:
    hmac_key = server.call("POST", "/accounts/demo/keys", {"type": "hmac", "readOnly": True})
    assert len(hmac_key["secretKey"]) == 64
    assert hmac_key["readOnly"] is True
    assert hmac_key["enableFutures"] is False

    no_futures = server.call("POST", "/accounts/demo/keys", {"enableFutures": False})
    assert no_futures["readOnly"] is False
    assert no_futures["enableFutures"] is False

    generated = server.call("POST", "/accounts/demo/keys", {"type": "rsa"})
    private = serialization.load_pem_private_key(generated["privateKey"].encode(), None)
    assert isinstance(private, rsa.RSAPrivateKey)
    assert "secretKey" not in generated

    own = ed25519.Ed25519PrivateKey.generate().public_key()
    pem = own.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    uploaded = server.call("POST", "/accounts/demo/keys", {"type": "ed25519", "publicKey": pem})
    assert "privateKey" not in uploaded
    types = [k["type"] for k in server.call("GET", "/accounts/demo")["apiKeys"]]
    assert types == ["HMAC", "HMAC", "HMAC", "RSA", "ED25519"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("GET", "/accounts/nobody", None, 404, -9001),
        ("POST", "/accounts", {}, 400, -1102),
        ("POST", "/accounts", {"name": "demo"}, 400, -9003),
        ("POST", "/accounts/demo/keys", {"type": "dsa"}, 400, -1102),
        ("POST", "/accounts/demo/keys", {"type": "rsa", "publicKey": "junk"}, 400, -1102),
        ("POST", "/accounts/demo/deposits", {"asset": "USDT", "amount": "-5"}, 400, -1102),
        ("POST", "/accounts/demo/deposits", {"asset": "USDT", "amount": "1e-9"}, 400, -1102),
        ("POST", "/accounts/demo/deposits", {"asset": "DOGE", "amount": "1"}, 400, -9002),
        ("POST", "/accounts/demo/withdrawals", {"asset": "USDT", "amount": "10001"}, 400, -2018),
        (
            "POST",
            "/accounts/demo/deposits",
            {"asset": "BTC", "amount": "1", "product": "spot"},
            400,
            -1102,
        ),
        (
            "POST",
            "/accounts/demo/withdrawals",
            {"asset": "BTC", "amount": "1.1", "product": "coinm"},
            400,
            -2018,
        ),
        ("PUT", "/prices/NOPE", {"price": "1"}, 400, -1121),
        ("POST", "/clock/speed", {"speed": 0}, 400, -1102),
        ("POST", "/clock/advance", {"by": "soon"}, 400, -1102),
    ],
)
def test_bad_requests_get_binance_style_errors(
    server: SandboxServer, method: str, path: str, body: object, status: int, code: int
) -> None:
    with server.admin() as admin:
        answer = admin.request(method, path, json=body)
    assert answer.status_code == status
    assert answer.json()["code"] == code
    assert answer.json()["msg"]


def test_the_transfer_ledger_names_each_transfers_wallet(server: SandboxServer) -> None:
    server.call("POST", "/accounts", {"name": "carol"})
    moves = [
        ("deposits", {"asset": "USDT", "amount": "100"}),  # no product: USDⓈ-M's
        ("deposits", {"asset": "BTC", "amount": "2", "product": "coinm"}),
        (
            "withdrawals",
            {"asset": "BTC", "amount": "0.5", "product": "coinm", "clientTranId": "w1"},
        ),
        ("deposits", {"asset": "BTC", "amount": "0.25", "product": "usdm"}),
    ]
    for kind, body in moves:
        server.call("POST", f"/accounts/carol/{kind}", body)
    ledger = server.call("GET", "/accounts/carol/transfers")
    assert [(t["asset"], t["amount"], t["product"], t["clientTranId"]) for t in ledger] == [
        ("USDT", "100.00000000", "usdm", ""),
        ("BTC", "2.00000000", "coinm", ""),
        ("BTC", "-0.50000000", "coinm", "w1"),
        ("BTC", "0.25000000", "usdm", ""),
    ]
    assert list(ledger[0]) == ["tranId", "asset", "amount", "time", "clientTranId", "product"]
    account = server.call("GET", "/accounts/carol")  # each wallet moved by its own transfers
    assert (account["balances"], account["coinmBalances"]) == (
        {"BTC": "0.25000000", "USDT": "100.00000000"}, {"BTC": "1.50000000"},
    )  # fmt: skip


def test_malformed_json_is_refused(server: SandboxServer) -> None:
    with server.admin() as admin:
        answer = admin.post("/accounts", content=b"{not json")
    assert answer.status_code == 400
    assert answer.json()["code"] == -1102


def test_management_commands_drive_the_running_server(server: SandboxServer) -> None:
    created = cli(server, "accounts", "create", "bob")
    assert created.returncode == 0, created.stderr
    assert cli(server, "deposit", "bob", "USDT", "250.5").returncode == 0
    assert cli(server, "deposit", "bob", "BTC", "2", "--product", "coinm").returncode == 0
    assert cli(server, "keys", "create", "bob", "--type", "ed25519").returncode == 0
    assert cli(server, "price", "set", "ethusdt", "3100.25").returncode == 0
    assert server.call("GET", "/prices")["ETHUSDT"]["price"] == "3100.25000000"
    assert cli(server, "clock", "advance", "--by", "5s").returncode == 0
    account = server.call("GET", "/accounts/bob")
    assert account["balances"] == {"USDT": "250.50000000"}
    assert account["coinmBalances"] == {"BTC": "2.00000000"}
    assert account["apiKeys"][0]["type"] == "ED25519"
    moved = server.call("GET", "/prices")["ETHUSDT"]  # the gbm path went on from the set price
    assert moved["price"] != "3100.25000000"
    assert abs(float(moved["price"]) / 3100.25 - 1) < 0.01
    listing = cli(server, "accounts", "list")
    assert "bob" in listing.stdout
    assert "250.50000000 USDT" in listing.stdout
    refused = cli(server, "withdraw", "bob", "USDT", "999")
    assert refused.returncode == 1
    assert "Balance is insufficient" in refused.stdout + refused.stderr


def test_argument_less_commands_each_make_their_admin_call(server: SandboxServer) -> None:
    def shown(*args: str) -> Any:
        done = cli(server, *args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    assert shown("clock", "show")["mode"] == "manual"
    assert shown("clock", "pause")["paused"] is True
    assert server.call("GET", "/clock")["paused"] is True
    assert shown("clock", "resume")["paused"] is False
    assert shown("agents", "show")["agents"]["enabled"] is False
    for sub_app in ("agents", "replay"):  # neither runs here: refused with the reason
        refused = cli(server, sub_app, "pause")
        assert refused.returncode == 1
        assert "(code -1102)" in refused.stdout
    assert shown("price", "show").keys() == server.call("GET", "/prices").keys()
    assert shown("insurance", "show") == server.call("GET", "/insurance")
    assert shown("snapshot").keys() == {"seq", "time", "stateHash"}


def test_sigterm_stops_cleanly_and_removes_the_server_file(server: SandboxServer) -> None:
    assert (server.data_dir / "server.json").exists()
    assert server.stop() == 0
    assert not (server.data_dir / "server.json").exists()
    gone = cli(server, "accounts", "list")
    assert gone.returncode == 1
    assert "No running binance-sandbox server" in gone.stdout + gone.stderr
