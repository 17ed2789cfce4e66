"""Reset, named snapshot / restore and export / import end with the same state hash, through
the admin API and the CLI; a restore is journaled (a restart keeps it) and clients see it."""

from pathlib import Path
from typing import Any

import httpx

from tests.conftest import ServerFactory
from tests.support.server import SandboxServer
from tests.support.trader import Trader
from tests.test_admin_api import cli

MANUAL = '[clock]\nmode = "manual"\n'


def state_hash(server: SandboxServer) -> str:
    return str(server.call("GET", "/state-hash")["stateHash"])


def keys(server: SandboxServer) -> list[Any]:
    return [account["apiKeys"] for account in server.call("GET", "/accounts")]


def trade_a_little(server: SandboxServer) -> Trader:
    trader = Trader(server)
    assert trader.limit("BUY", "50000", "0.002").status_code == 200
    server.call("POST", "/clock/advance", {"by": "1h"})
    return trader


def open_orders(trader: Trader) -> list[Any]:
    return list(trader.ok("GET", "/fapi/v1/openOrders", symbol="BTCUSDT"))


def test_reset_goes_back_to_the_first_start_with_the_same_keys(
    make_server: ServerFactory,
) -> None:
    server = make_server("data", MANUAL).start()
    genesis_hash, genesis_keys = state_hash(server), keys(server)
    trade_a_little(server)
    assert state_hash(server) != genesis_hash
    answer = server.call("POST", "/reset")
    assert answer["stateHash"] == answer["savedStateHash"] == genesis_hash == state_hash(server)
    assert keys(server) == genesis_keys
    assert [a["name"] for a in server.call("GET", "/accounts")] == ["demo"]


def test_named_snapshot_restore_and_a_restart_after_it(make_server: ServerFactory) -> None:
    server = make_server("data", MANUAL).start()
    trader = trade_a_little(server)
    saved = server.call("POST", "/states/before-cancel")
    assert saved["stateHash"] == state_hash(server)
    assert trader.limit("BUY", "50001", "0.002").status_code == 200  # after the save
    trader.ok("DELETE", "/fapi/v1/allOpenOrders", symbol="BTCUSDT")
    assert open_orders(trader) == []
    restored = cli(server, "states", "restore", "before-cancel")
    assert restored.returncode == 0, restored.stderr
    assert state_hash(server) == saved["stateHash"]
    assert len(open_orders(trader)) == 1  # the client sees its order again
    history = trader.ok("GET", "/fapi/v1/allOrders", symbol="BTCUSDT")
    assert [(o["price"], o["status"]) for o in history] == [("50000.00", "NEW")]
    assert server.call("GET", "/states") == [
        {"name": "before-cancel", "stateHash": saved["stateHash"]}
    ]
    assert server.stop() == 0
    server.start()  # recovery replays the restore from the journal
    assert state_hash(server) == saved["stateHash"]


def test_export_then_import_into_another_server(make_server: ServerFactory, tmp_path: Path) -> None:
    source = make_server("source", MANUAL).start()
    trader = trade_a_little(source)
    exported = tmp_path / "exchange.snapshot"
    assert cli(source, "export", str(exported)).returncode == 0
    target = make_server("target", MANUAL).start()
    assert state_hash(target) != state_hash(source)
    imported = cli(target, "import", str(exported))
    assert imported.returncode == 0, imported.stderr
    assert state_hash(target) == state_hash(source)
    trader.url = target.url  # the same key and its order, on the other server
    assert len(open_orders(trader)) == 1


def test_a_damaged_file_or_an_unknown_name_is_refused(make_server: ServerFactory) -> None:
    server = make_server("data", MANUAL).start()
    before = state_hash(server)
    with server.admin() as admin:
        exported = admin.get("/export").content
        damaged = exported[:-1] + bytes([exported[-1] ^ 1])
        refused = admin.post("/import", content=damaged)
        assert refused.status_code == 400
        assert "damaged" in refused.json()["msg"]
        assert admin.post("/states/nothing-here/restore").status_code == 404
        assert admin.post("/states/..%2Fescape").status_code in (400, 404)
    assert state_hash(server) == before
    assert httpx.get(server.url + "/fapi/v1/ping").status_code == 200


SEED = """
[prices]
BTCUSDT = "70000"

[accounts.alice]
balances = { USDT = "5000" }
keys = [{ type = "hmac", label = "alice" }]

[accounts.bob]
balances = { USDT = "5000" }

[[orders]]
account = "alice"
symbol = "BTCUSDT"
side = "SELL"
type = "LIMIT"
price = "70000"
quantity = "0.010"

[[orders]]
account = "bob"
symbol = "BTCUSDT"
side = "BUY"
type = "MARKET"
quantity = "0.004"
"""


def test_seed_from_a_declarative_file(make_server: ServerFactory, tmp_path: Path) -> None:
    server = make_server("data", MANUAL).start()
    file = tmp_path / "world.toml"
    file.write_text(SEED)
    done = cli(server, "seed", str(file))
    assert done.returncode == 0, done.stderr
    orders = server.call("GET", "/orders")
    assert [(o["account"], o["side"], o["price"], o["executedQty"]) for o in orders] == [
        ("alice", "SELL", "70000.00", "0.004")
    ]
    positions = {(p["account"], p["positionAmt"]) for p in server.call("GET", "/positions")}
    assert positions == {("alice", "-0.004"), ("bob", "0.004")}
    key = next(k for k in server.call("GET", "/accounts/alice")["apiKeys"])
    assert key["label"] == "alice"
    with server.admin() as admin:
        refused = admin.post("/seed", json={"orders": [{"account": "nobody", "symbol": "X"}]})
    assert refused.status_code == 404


def test_a_rule_added_after_a_restore_starts_afresh(make_server: ServerFactory) -> None:
    """A restore brings back the saved rule ids; the hit counts of the rules it dropped must not
    carry over to new rules that reuse their ids."""
    server = make_server("data", MANUAL).start()
    server.call("POST", "/states/clean")
    for _ in range(2):
        rule = server.call("POST", "/faults", {"kind": "unavailable", "count": 1})["rules"][0]
        assert rule["id"] == 1
        assert httpx.get(server.url + "/fapi/v1/ping").status_code == 503
        assert httpx.get(server.url + "/fapi/v1/ping").status_code == 200
        server.call("POST", "/states/clean/restore")
        assert server.call("GET", "/faults")["rules"] == []
