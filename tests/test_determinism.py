"""Replay and determinism.

- The same seed, config and commands under the manual clock give a byte-identical journal.
- Replaying a journal from empty reproduces the live state hash and the snapshot's hash.
- With the liquidity agents on, the same holds: they decide from the state and the seed only.
"""

from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from binance_sandbox.core.state_hash import state_hash
from binance_sandbox.journal.recovery import recover
from binance_sandbox.journal.sqlite_journal import SqliteJournal
from tests.conftest import ServerFactory
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, now_ms, signed_request
from tests.support.wire import get_ok

MANUAL = """
[clock]
mode = "manual"
start = "2026-03-01T00:00:00Z"

[exchange]
seed = 7

[journal]
compact = false
"""

PUBLIC_KEY = (
    ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    .public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


def drive(server: SandboxServer) -> str:
    """A fixed script of admin commands; returns the live state hash at the end."""
    server.call("POST", "/accounts", {"name": "alice"})
    server.call("POST", "/accounts/alice/keys", {"type": "hmac"})
    server.call("POST", "/accounts/alice/keys", {"type": "ed25519", "publicKey": PUBLIC_KEY})
    server.call("POST", "/accounts/alice/deposits", {"asset": "USDT", "amount": "1234.5"})
    with server.admin() as admin:  # refused: more than the balance; journaled all the same
        body = {"asset": "USDT", "amount": "9999"}
        refused = admin.post("/accounts/alice/withdrawals", json=body)
        assert refused.json() == {"code": -2018, "msg": "Balance is insufficient."}
    server.call("POST", "/accounts/alice/withdrawals", {"asset": "USDT", "amount": "34.5"})
    server.call("PUT", "/prices/BTCUSDT", {"price": "80000"})
    server.call("POST", "/clock/advance", {"by": "90s"})
    server.call("POST", "/accounts/demo/deposits", {"asset": "BTC", "amount": "0.5"})
    server.call("POST", "/clock/advance", {"by": "15m"})
    return str(server.call("GET", "/state-hash")["stateHash"])


def test_same_seed_config_and_commands_give_a_byte_identical_journal(
    make_server: ServerFactory,
) -> None:
    first = make_server("first", MANUAL).start()
    second = make_server("second", MANUAL).start()
    hash_first = drive(first)
    hash_second = drive(second)
    assert first.stop() == 0
    assert second.stop() == 0
    rows = first.journal_rows()
    assert len(rows) > 900  # genesis, seeding, 1,000+ price ticks, the script
    assert rows == second.journal_rows()
    assert hash_first == hash_second


def test_replay_from_empty_reproduces_the_state_hash(make_server: ServerFactory) -> None:
    server = make_server("data", MANUAL).start()
    live_hash = drive(server)
    assert server.stop() == 0

    journal = SqliteJournal(Path(server.data_dir / "journal.db"))
    assert journal.first_seq() == 1  # compaction is off: the whole history is there
    replayed = recover(journal, use_snapshot=False)
    snapshot = journal.latest_snapshot()
    assert snapshot is not None
    assert state_hash(replayed.state) == live_hash == snapshot.state_hash
    assert recover(journal).state.last_seq == replayed.state.last_seq


def test_a_restart_resumes_where_it_stopped(make_server: ServerFactory) -> None:
    server = make_server("data", MANUAL).start()
    live_hash = drive(server)
    clock_before = server.call("GET", "/clock")
    server.stop()
    server.start()
    assert server.call("GET", "/state-hash")["stateHash"] == live_hash
    assert server.call("GET", "/clock")["time"] == clock_before["time"]
    accounts = server.call("GET", "/accounts")
    assert [a["name"] for a in accounts] == ["demo", "alice"]
    assert accounts[1]["balances"] == {"USDT": "1200.00000000"}


def drive_live_market(server: SandboxServer, timestamp: int) -> str:
    """Agents quoting and taking, a client trading among them, the clock advanced in steps.
    The client's requests carry one fixed `timestamp` so both runs send the same bytes."""
    key = server.call("POST", "/accounts/demo/keys", {"type": "hmac"})
    client = Credentials.from_admin(key)
    server.call("POST", "/clock/advance", {"by": "45s"})
    stamp = {"timestamp": timestamp, "recvWindow": 60_000}
    bought = signed_request(
        server.url, client, "POST", "/fapi/v1/order",
        symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.010",
        newOrderRespType="RESULT", **stamp,
    )  # fmt: skip
    assert bought.json()["status"] == "FILLED", bought.text
    resting = signed_request(
        server.url, client, "POST", "/fapi/v1/order", symbol="ETHUSDT", side="SELL",
        type="LIMIT", timeInForce="GTC", quantity="0.050", price="2950", **stamp,
    )  # fmt: skip
    assert resting.status_code == 200, resting.text
    server.call("PUT", "/agents/seed", {"seed": 99})
    server.call("POST", "/clock/advance", {"by": "3m"})
    return str(server.call("GET", "/state-hash")["stateHash"])


def test_the_live_market_repeats_itself_under_the_manual_clock(
    make_server: ServerFactory,
) -> None:
    first = make_server("first", MANUAL, live_market=True).start()
    second = make_server("second", MANUAL, live_market=True).start()
    timestamp = now_ms()
    hash_first = drive_live_market(first, timestamp)
    hash_second = drive_live_market(second, timestamp)
    first_trades = get_ok(httpx.Client(base_url=first.url), "/fapi/v1/trades", symbol="ETHUSDT")
    assert first.stop() == 0
    assert second.stop() == 0
    rows = first.journal_rows()
    assert rows == second.journal_rows()
    assert hash_first == hash_second
    amendments = sum(b"amend_order" in body for _, _, body in rows)
    assert amendments > 20  # the makers followed the index by amending
    assert len(first_trades) > 5  # the takers traded through the three minutes
