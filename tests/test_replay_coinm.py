"""Historical replay of COIN-M files: data.binance.vision's `futures/cm` layout (aggTrades of
BTCUSD_PERP, indexPriceKlines of the pair BTCUSD) imports and replays like USDⓈ-M's.

No COIN-M day ships with the tests, so one is written here from the USDⓈ-M sample day in the
COIN-M files' own format: the same columns (COIN-M aggTrades carry contracts as `quantity`;
index klines are the pair's), the prices of the sample and each quantity turned into whole
contracts of 100 USD (at least one). Under the manual clock the COIN-M index follows the file
and the file's trades print on BTCUSD_PERP's tape with their prices, contracts, times and sides
(their ids are the tape's own, consecutive, as for USDⓈ-M).
"""

import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.conftest import ServerFactory
from tests.support.wire import get_ok
from tests.test_replay import DAY, DAY_START, UM_DAILY

CONFIG = '[agents]\nenabled = false\n[clock]\nmode = "manual"\n'
CONTRACT_USD = 100
UM_INDEX = UM_DAILY / "indexPriceKlines" / "BTCUSDT" / "1m" / f"BTCUSDT-1m-{DAY}.zip"


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with zipfile.ZipFile(path) as archive:
        rows = list(csv.reader(io.StringIO(archive.read(archive.namelist()[0]).decode())))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([header, *rows])
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(path.stem + ".csv", text.getvalue())


def contracts(price: str, qty: str) -> str:
    return str(max(1, round(float(price) * float(qty) / CONTRACT_USD)))


def write_coinm_day(root: Path) -> list[list[str]]:
    """The COIN-M files of the day under `root`; returns the aggTrade rows written."""
    cm_daily = root / "data" / "futures" / "cm" / "daily"
    header, trades = _rows(UM_DAILY / "aggTrades" / "BTCUSDT" / f"BTCUSDT-aggTrades-{DAY}.zip")
    trades = [[row[0], row[1], contracts(row[1], row[2]), *row[3:]] for row in trades]
    name = f"BTCUSD_PERP-aggTrades-{DAY}.zip"
    _write(cm_daily / "aggTrades" / "BTCUSD_PERP" / name, header, trades)
    header, index = _rows(
        UM_DAILY / "indexPriceKlines" / "BTCUSDT" / "1m" / f"BTCUSDT-1m-{DAY}.zip"
    )
    name = f"BTCUSD-1m-{DAY}.zip"
    _write(cm_daily / "indexPriceKlines" / "BTCUSD" / "1m" / name, header, index)
    return trades


def test_a_coinm_day_replays_its_index_and_its_trades(
    make_server: ServerFactory, tmp_path: Path
) -> None:
    trades = write_coinm_day(tmp_path / "cm-files")
    server = make_server("data", CONFIG, "--replay", f"{DAY}..2026-11-02", live_market=True)
    done = subprocess.run(
        [sys.executable, "-m", "binance_sandbox", "data", "import", str(tmp_path / "cm-files"),
         "--data-dir", str(server.data_dir)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    server.start()
    one_am = DAY_START + 3_600_000
    server.call("POST", "/clock/advance", {"to": str(one_am)})
    client = httpx.Client(base_url=server.url, timeout=10)

    index_rows = {int(row[0]): row for row in _rows(UM_INDEX)[1]}
    (premium,) = get_ok(client, "/dapi/v1/premiumIndex", symbol="BTCUSD_PERP")
    assert float(premium["indexPrice"]) == pytest.approx(float(index_rows[one_am][1]), rel=1e-9)

    in_the_hour = [row for row in trades if DAY_START <= int(row[5]) < one_am]
    assert in_the_hour, "the sample day trades in its first hour"
    printed = get_ok(client, "/dapi/v1/aggTrades", symbol="BTCUSD_PERP", startTime=DAY_START,
                     endTime=DAY_START + 3_599_999, limit=1000)  # fmt: skip
    file_view = [(float(r[1]), r[2], int(r[5]), r[6] == "true") for r in in_the_hour]
    seen = [(float(t["p"]), t["q"], t["T"], t["m"]) for t in printed]
    assert seen == file_view[: min(len(file_view), 1000)]
    ids = [t["a"] for t in printed]
    assert ids == list(range(ids[0], ids[0] + len(ids)))
