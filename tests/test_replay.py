"""Historical replay of the shipped sample day (tests/data/binance-vision, BTCUSDT 2026-11-01).

- At 1000x the sandbox's own 1-minute klines equal the file's: OHLC, volume, quote volume,
  trade count and taker buy volumes, minute by minute, for the whole day.
- Under the manual clock the index follows the file, the makers quote around it and a user's
  MARKET order fills near it; pausing the replay holds the index.
- A replay without imported data, or of a window the files do not cover, refuses to start.
"""

import csv
import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.conftest import ServerFactory
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request
from tests.support.wire import get_ok

SAMPLES = Path(__file__).parent / "data" / "binance-vision"
UM_DAILY = SAMPLES / "data" / "futures" / "um" / "daily"
DAY = "2026-11-01"
DAY_START = 1_793_491_200_000  # 2026-11-01T00:00:00Z
DAY_END = DAY_START + 86_400_000
# Only BTCUSDT has files, so only its makers are needed to show the replay; requoting every
# 5 exchange seconds lets one core keep up with 1000x (see bench/live_market.py for the cost).
REPLAY_CONFIG = """
[agents]
symbols = ["BTCUSDT"]
requote_ms = 5000
"""


def file_rows(kind: str) -> list[list[str]]:
    """The rows of the sample's 1-minute kline file of `kind`, header dropped."""
    path = UM_DAILY / kind / "BTCUSDT" / "1m" / f"BTCUSDT-1m-{DAY}.zip"
    with zipfile.ZipFile(path) as archive:
        text = archive.read(archive.namelist()[0]).decode()
    rows = list(csv.reader(io.StringIO(text)))
    return rows[1:] if not rows[0][0].isdigit() else rows


def import_samples(data_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "binance_sandbox", "data", "import", str(SAMPLES),
         "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def replaying(make_server: ServerFactory, config: str, *args: str) -> SandboxServer:
    server = make_server("data", config, "--replay", f"{DAY}..2026-11-02", *args, live_market=True)
    import_samples(server.data_dir)
    return server.start()


def test_a_day_replayed_at_1000x_gives_the_files_klines(make_server: ServerFactory) -> None:
    server = replaying(make_server, REPLAY_CONFIG, "--speed", "1000")
    client = httpx.Client(base_url=server.url, timeout=10)
    deadline = time.monotonic() + 300
    while get_ok(client, "/fapi/v1/time")["serverTime"] < DAY_END + 60_000:
        assert time.monotonic() < deadline, "the replay did not reach the end of the day"
        time.sleep(1)
    expected = file_rows("klines")
    assert len(expected) == 1440
    ours = []
    for start in range(DAY_START, DAY_END, 1000 * 60_000):
        ours += get_ok(
            client, "/fapi/v1/klines", symbol="BTCUSDT", interval="1m",
            startTime=start, endTime=min(start + 1000 * 60_000, DAY_END) - 1, limit=1000,
        )  # fmt: skip
    assert len(ours) == 1440
    for mine, theirs in zip(ours, expected, strict=True):
        # open time, OHLC, volume, close time, quote volume, count, taker buy base / quote
        assert mine[:6] == [int(theirs[0]), *theirs[1:6]]
        assert mine[6:11] == [int(theirs[6]), theirs[7], int(theirs[8]), theirs[9], theirs[10]]


def test_the_index_follows_the_file_and_a_market_order_fills_near_it(
    make_server: ServerFactory,
) -> None:
    server = replaying(make_server, REPLAY_CONFIG + '[clock]\nmode = "manual"\n')
    client = httpx.Client(base_url=server.url, timeout=10)
    one_am = DAY_START + 3_600_000  # an hour into the file
    server.call("POST", "/clock/advance", {"to": str(one_am)})
    index_rows = {int(row[0]): row for row in file_rows("indexPriceKlines")}
    index = float(get_ok(client, "/fapi/v1/premiumIndex", symbol="BTCUSDT")["indexPrice"])
    assert index == pytest.approx(float(index_rows[one_am][1]), rel=1e-9)  # the 01:00 kline's open

    key = server.call("POST", "/accounts/demo/keys", {"type": "hmac"})
    bought = signed_request(
        server.url, Credentials.from_admin(key), "POST", "/fapi/v1/order", symbol="BTCUSDT",
        side="BUY", type="MARKET", quantity="0.050", newOrderRespType="RESULT",
    ).json()  # fmt: skip
    assert (bought["status"], bought["executedQty"]) == ("FILLED", "0.050")
    assert abs(float(bought["avgPrice"]) / index - 1) < 0.001

    shown = server.call("POST", "/replay/pause")
    assert shown["replay"]["paused"] is True
    assert shown["replay"]["active"] is True
    server.call("POST", "/clock/advance", {"by": "10m"})
    held = float(get_ok(client, "/fapi/v1/premiumIndex", symbol="BTCUSDT")["indexPrice"])
    assert held == index
    server.call("POST", "/replay/resume")
    server.call("POST", "/clock/advance", {"by": "1m"})
    later = one_am + 11 * 60_000
    resumed = float(get_ok(client, "/fapi/v1/premiumIndex", symbol="BTCUSDT")["indexPrice"])
    assert resumed == pytest.approx(float(index_rows[later][1]), rel=1e-9)


def test_a_replay_starts_with_30_days_of_history_behind_its_window(
    make_server: ServerFactory,
) -> None:
    """The seeded history ends where the file's index starts: the minute before the window
    closes at the window's first index price; trade klines have it too."""
    server = replaying(make_server, REPLAY_CONFIG + '[clock]\nmode = "manual"\n')
    client = httpx.Client(base_url=server.url, timeout=10)
    before = get_ok(client, "/fapi/v1/indexPriceKlines", pair="BTCUSDT", interval="1m",
                    endTime=DAY_START - 1, limit=1500)  # fmt: skip
    assert len(before) == 1500
    assert before[-1][0] == DAY_START - 60_000
    first_index_open = file_rows("indexPriceKlines")[0][1]
    assert float(before[-1][4]) == pytest.approx(float(first_index_open), rel=1e-9)
    oldest = get_ok(client, "/fapi/v1/klines", symbol="BTCUSDT", interval="1d", startTime=0,
                    limit=40)  # fmt: skip
    assert oldest[0][0] == DAY_START - 30 * 86_400_000
    assert all(float(day[5]) > 0 for day in oldest[:30])


def test_a_replay_without_data_refuses_to_start(make_server: ServerFactory) -> None:
    server = make_server("data", "", "--replay", f"{DAY}..2026-11-02", live_market=True)
    with pytest.raises(RuntimeError, match="no imported market data"):
        server.start()


def test_a_window_the_files_do_not_cover_refuses_to_start(make_server: ServerFactory) -> None:
    server = make_server("data", "", "--replay", "2025-01-01..2025-01-02", live_market=True)
    import_samples(server.data_dir)
    with pytest.raises(RuntimeError, match="no imported data between"):
        server.start()


def test_a_replay_under_the_manual_clock_repeats_itself(make_server: ServerFactory) -> None:
    """Same files, seed, config and commands: the same journal, byte for byte."""
    config = REPLAY_CONFIG + '[clock]\nmode = "manual"\n'
    runs = []
    for name in ("first", "second"):
        server = make_server(name, config, "--replay", f"{DAY}..2026-11-02", live_market=True)
        import_samples(server.data_dir)
        server.start()
        server.call("POST", "/clock/advance", {"by": "10m"})
        server.call("POST", "/replay/pause")
        server.call("POST", "/clock/advance", {"by": "1m"})
        server.call("POST", "/replay/resume")
        server.call("POST", "/clock/advance", {"by": "1m"})
        state_hash = server.call("GET", "/state-hash")["stateHash"]
        assert server.stop() == 0
        runs.append((server.journal_rows(), state_hash))
    (rows, state_hash), (other_rows, other_hash) = runs
    assert sum(b"print_trades" in body for _, _, body in rows) > 30  # ~4 trades a minute
    assert rows == other_rows
    assert state_hash == other_hash
