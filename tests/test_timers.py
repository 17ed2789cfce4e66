"""Timer commands fire at the right exchange times, and wall time is not bent by the clock.

Read from the journal itself: each index-price tick is a `set_index_prices` row stamped with
its due time on the interval grid.
"""

import time

import msgspec
import pytest

from binance_sandbox.config.times import parse_instant_ms
from tests.conftest import ServerFactory

START = "2026-03-01T00:00:00Z"


def price_ticks(rows: list[tuple[int, int, bytes]]) -> list[int]:
    """Exchange times of the timer-fired index price updates, in journal order."""
    ticks = []
    for _, ts, body in rows:
        command = msgspec.json.decode(body)
        if command["type"] == "set_index_prices" and command["source"] == "timer":
            ticks.append(ts)
    return ticks


def test_manual_clock_fires_every_due_timer_at_its_time(make_server: ServerFactory) -> None:
    config = f'[clock]\nmode = "manual"\nstart = "{START}"\n[prices]\ninterval_ms = 1000\n'
    server = make_server("data", config).start()
    t0 = parse_instant_ms(START)
    time.sleep(0.5)  # real time passes; exchange time must not
    assert server.call("GET", "/clock")["time"] == t0
    assert price_ticks(server.journal_rows()) == [t0]  # the first prices, at genesis

    answer = server.call("POST", "/clock/advance", {"by": "10s"})
    assert answer["time"] == t0 + 10_000
    server.call("POST", "/clock/advance", {"to": str(t0 + 12_500)})
    server.call("POST", "/clock/advance", {"by": "500ms"})

    rows = server.journal_rows()
    assert price_ticks(rows) == [t0 + 1000 * k for k in range(14)]
    # the advance itself is journaled after the timers it released, at its target time
    clock_rows = [(ts, msgspec.json.decode(b)) for _, ts, b in rows if b"set_clock" in b]
    assert [ts for ts, _ in clock_rows[-3:]] == [t0 + 10_000, t0 + 12_500, t0 + 13_000]
    prices = server.call("GET", "/prices")
    assert {p["time"] for p in prices.values()} == {t0 + 13_000}

    with server.admin() as admin:
        back = admin.post("/clock/advance", json={"to": str(t0)})
    assert back.status_code == 400
    assert "cannot move the clock back" in back.json()["msg"]


@pytest.mark.slow
def test_speed_3600_fires_on_the_exchange_grid_and_leaves_wall_time_alone(
    make_server: ServerFactory,
) -> None:
    config = f'[clock]\nstart = "{START}"\n[prices]\ninterval_ms = 60000\n'
    server = make_server("data", config, "--speed", "3600").start()
    first = server.call("GET", "/health")
    real_start = time.monotonic()
    time.sleep(2.0)
    last = server.call("GET", "/health")
    real_elapsed = time.monotonic() - real_start

    exchange_elapsed = last["exchangeTime"] - first["exchangeTime"]
    # Never faster than asked; slower only as far as a busy machine holds it back (the clock
    # waits for the timers rather than run ahead of them), which on 2 shared cores can be a lot.
    assert exchange_elapsed <= real_elapsed * 3_600_000 * 1.05
    assert exchange_elapsed >= real_elapsed * 3_600_000 / 20
    assert last["clock"]["mode"] == "accelerated"
    # wall time is what clients stamp: it follows the real clock, not the exchange clock
    assert abs(last["wallTime"] - time.time() * 1000) < 1000

    ticks = price_ticks(server.journal_rows())
    after = server.call("GET", "/health")  # read after the journal: no tick can be later
    grid = ticks[1:]  # the genesis prices are at the start time, off the grid
    assert len(grid) > 100  # about 2 real s x 3600 / 60 s
    assert all(ts % 60_000 == 0 for ts in grid)
    assert grid == list(range(grid[0], grid[-1] + 1, 60_000))  # each due time once, in order
    assert grid[-1] <= after["exchangeTime"]
    server.stop()
