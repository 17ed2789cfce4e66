"""A crash loop keeps restart time flat (issue 18).

Snapshots count commands from the newest snapshot in the journal, not from process start, and
a start that had to replay many commands snapshots at once. So a process killed (SIGKILL)
before it ever lived long enough for a periodic snapshot still leaves its successor a short
replay. Each life here journals a fixed amount of work (20 exchange minutes of one-second index
ticks under the manual clock), then dies by SIGKILL; what each start replayed is read from its
own log, and its start-up time is bounded against the first restart's.
"""

import re
import sqlite3
import time

import pytest

from tests.conftest import ServerFactory
from tests.support.trader import Trader

CONFIG = """
[journal]
snapshot_every_commands = 100000
snapshot_every_seconds = 3600
snapshot_after_recovery_commands = 1000

[prices]
interval_ms = 1000
"""
LIVES = 10
WORK_PER_LIFE = 1200  # index ticks: 20 exchange minutes at 1 s


@pytest.mark.slow
def test_ten_kills_in_a_row_keep_restart_time_flat(make_server: ServerFactory) -> None:
    server = make_server("data", CONFIG, "--manual-clock")
    replayed: list[int] = []
    start_seconds: list[float] = []
    for life in range(LIVES + 1):
        began = time.monotonic()
        server.start(timeout=120)
        start_seconds.append(time.monotonic() - began)
        found = re.findall(
            r"\((\d+) replayed after the newest snapshot\)", server.log_path.read_text()
        )
        assert len(found) == life + 1
        replayed.append(int(found[-1]))
        if life == LIVES:
            break
        server.call("POST", "/clock/advance", {"by": f"{WORK_PER_LIFE}s"})
        server.kill()

    assert replayed[1] >= WORK_PER_LIFE  # a restart replays the life before it
    # Without snapshots by journal distance the replay would grow by WORK_PER_LIFE per life.
    assert max(replayed) <= 2 * WORK_PER_LIFE, replayed
    first_restart = start_seconds[1]
    assert max(start_seconds[1:]) <= 3 * first_restart + 5.0, start_seconds
    server.stop()


@pytest.mark.slow
def test_a_dead_sequencer_stops_the_process_and_recovery_restores_it(
    make_server: ServerFactory,
) -> None:
    """Supervision: when a part the exchange cannot run without dies (here the order-history
    projection's table is dropped under it, so its next write fails), the server says so in its
    log and exits non-zero instead of hanging; a restart recovers every acknowledged command."""
    server = make_server("data", CONFIG, "--manual-clock").start()
    before = server.call("GET", "/state-hash")
    with sqlite3.connect(server.data_dir / "journal.db") as db:
        db.execute("DROP TABLE order_history")
    trader = Trader(server)  # its deposit is acknowledged; its order's history write fails
    trader.limit("BUY", "70000", "0.002")
    assert server.proc is not None
    assert server.proc.wait(60) == 3
    log = server.log_path.read_text()
    assert "the sequencer died" in log
    assert "restart it to recover" in log

    server.start()
    after = server.call("GET", "/state-hash")
    assert after["seq"] > before["seq"]
    account = server.call("GET", f"/accounts/{trader.name}")
    assert account["balances"]["USDT"] == "10000.00000000"
    server.stop()
