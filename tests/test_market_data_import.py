"""`binance-sandbox data import` / `data list` and the market data store's read API.

The samples in tests/data/binance-vision come from scripts/make_sample_market_data.py; the
variants (headerless, unsorted, µs, corrupt) are made from them in each test's tmp dir.
"""

import os
import random
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from binance_sandbox.marketdata import Kind, MarketDataStore, market_data_path
from binance_sandbox.marketdata.archive import checksum_path, sha256_of

SAMPLES = Path(__file__).parent / "data" / "binance-vision"
UM = SAMPLES / "data" / "futures" / "um"
AGG_TRADES = UM / "daily" / "aggTrades" / "BTCUSDT" / "BTCUSDT-aggTrades-2026-11-01.zip"
FUNDING = UM / "monthly" / "fundingRate" / "BTCUSDT" / "BTCUSDT-fundingRate-2026-11.zip"
KLINE_NAME = "BTCUSDT-1m-2026-11-01.zip"
KLINE_KINDS = [
    Kind.KLINES,
    Kind.INDEX_PRICE_KLINES,
    Kind.MARK_PRICE_KLINES,
    Kind.PREMIUM_INDEX_KLINES,
]
EVERYTHING = (0, 2**62)  # a time range that holds every row
DAY_START = 1_793_491_200_000  # 2026-11-01T00:00:00Z
DAY_MS = 86_400_000
MINUTE_MS = 60_000


def kline_sample(kind: Kind) -> Path:
    return UM / "daily" / kind.value / "BTCUSDT" / "1m" / KLINE_NAME


def data_cli(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real CLI, as a user runs it (no BINANCE_SANDBOX_* from this environment)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_SANDBOX_")}
    env["COLUMNS"] = "200"  # one line per summary and per table row
    return subprocess.run(
        [sys.executable, "-m", "binance_sandbox", "data", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def import_ok(cwd: Path, *args: str | Path) -> str:
    """Import into `cwd / "data"`; the import must succeed."""
    cwd.mkdir(exist_ok=True)
    result = data_cli(cwd, "import", *args, "--data-dir", cwd / "data")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


OpenStore = Callable[..., MarketDataStore]


@pytest.fixture
def open_store(tmp_path: Path) -> Iterator[OpenStore]:
    """Opens the store that `import_ok(cwd)` imports into (cwd: the test's tmp dir)."""
    opened: list[MarketDataStore] = []

    def factory(cwd: Path = tmp_path) -> MarketDataStore:
        opened.append(MarketDataStore.open(market_data_path(cwd / "data")))
        return opened[-1]

    yield factory
    for store in opened:
        store.close()


def utc(ms: int) -> str:
    return datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def csv_lines(zip_path: Path) -> list[str]:
    """The CSV member's lines, header included."""
    with zipfile.ZipFile(zip_path) as archive:
        return archive.read(zip_path.stem + ".csv").decode().splitlines()


def write_zip(
    path: Path, lines: list[str], *, checksum: bool = True, member: str | None = None
) -> Path:
    """A zip like Binance's (member named like the zip), optionally with its CHECKSUM."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member or path.stem + ".csv", "\n".join(lines) + "\n")
    if checksum:
        checksum_path(path).write_text(f"{sha256_of(path)}  {path.name}\n")
    return path


def edit_line(lines: list[str], number: int, edit: Callable[[list[str]], list[str]]) -> list[str]:
    """`lines` with the fields of line `number` (from 1, header included) edited."""
    edited = list(lines)
    edited[number - 1] = ",".join(edit(edited[number - 1].split(",")))
    return edited


def test_imports_the_sample_files_exactly(tmp_path: Path, open_store: OpenStore) -> None:
    out = import_ok(tmp_path, SAMPLES)

    assert out.count("verified (sha256 matches CHECKSUM)") == 6
    assert "Imported 6 files" in out
    store = open_store()
    trade_lines = csv_lines(AGG_TRADES)[1:]
    trades = list(store.agg_trades("BTCUSDT", DAY_START, DAY_START + DAY_MS))
    assert len(trades) == len(trade_lines) > 5000
    a, p, q, f, last, t, m = trade_lines[0].split(",")
    assert trades[0].agg_trade_id == int(a)
    assert (trades[0].price, trades[0].qty) == (p, q)  # the file's decimals, exactly
    assert (trades[0].first_trade_id, trades[0].last_trade_id, trades[0].time) == (
        int(f),
        int(last),
        int(t),
    )
    assert trades[0].is_buyer_maker is (m == "true")
    assert {t.is_buyer_maker for t in trades} == {True, False}
    for kind in KLINE_KINDS:
        klines = store.klines(kind, "BTCUSDT", "1m", DAY_START, DAY_START + DAY_MS)
        lines = csv_lines(kline_sample(kind))[1:]
        assert [k.open_time for k in klines] == [DAY_START + i * MINUTE_MS for i in range(1440)]
        fields = lines[100].split(",")
        assert klines[100].open == fields[1]
        assert klines[100].close_time == int(fields[6])
        assert klines[100].count == int(fields[8])
    premium = store.klines(Kind.PREMIUM_INDEX_KLINES, "BTCUSDT", "1m", *EVERYTHING)
    assert any(k.low.startswith("-") for k in premium)  # a signed spread, not a price
    funding = store.funding_rates("BTCUSDT", *EVERYTHING)
    assert len(funding) == 90  # 30 days, 8-hourly
    assert {f.funding_interval_hours for f in funding} == {8}
    assert funding[0].last_funding_rate == csv_lines(FUNDING)[1].split(",")[2]


def test_sample_klines_are_derived_from_the_sample_trades(
    tmp_path: Path, open_store: OpenStore
) -> None:
    """The replay engine may rely on it: the sample's 1m klines summarise its trades exactly."""
    import_ok(tmp_path, SAMPLES)
    store = open_store()
    klines = store.klines(Kind.KLINES, "BTCUSDT", "1m", DAY_START, DAY_START + DAY_MS)
    for kline in klines:
        trades = list(store.agg_trades("BTCUSDT", kline.open_time, kline.close_time + 1))
        prices = [Decimal(t.price) for t in trades]
        taker_buys = [t for t in trades if not t.is_buyer_maker]
        assert (Decimal(kline.open), Decimal(kline.close)) == (prices[0], prices[-1])
        assert (Decimal(kline.high), Decimal(kline.low)) == (max(prices), min(prices))
        assert Decimal(kline.volume) == sum(Decimal(t.qty) for t in trades)
        assert Decimal(kline.quote_volume) == sum(Decimal(t.price) * Decimal(t.qty) for t in trades)
        assert kline.count == sum(t.last_trade_id - t.first_trade_id + 1 for t in trades)
        assert Decimal(kline.taker_buy_volume) == sum(Decimal(t.qty) for t in taker_buys)


def test_reimport_is_a_no_op(tmp_path: Path, open_store: OpenStore) -> None:
    import_ok(tmp_path, SAMPLES)
    before = open_store().coverage()

    out = import_ok(tmp_path, SAMPLES)

    assert out.count(": already imported") == 6
    assert "Nothing new: 6 files, all already imported." in out
    assert open_store().coverage() == before


def test_overlapping_files_store_shared_rows_once(tmp_path: Path, open_store: OpenStore) -> None:
    lines = csv_lines(AGG_TRADES)
    header, rows = lines[0], lines[1:]
    write_zip(tmp_path / "a" / AGG_TRADES.name, [header, *rows[:3000]])
    write_zip(tmp_path / "b" / AGG_TRADES.name, [header, *rows[2000:]])

    out = import_ok(tmp_path, tmp_path / "a", tmp_path / "b")

    assert "1000 of them already in the store" in out
    [coverage] = open_store().coverage()
    assert coverage.rows == len(rows)
    assert coverage.first_time == int(rows[0].split(",")[5])
    assert coverage.last_time == int(rows[-1].split(",")[5])


def test_header_row_is_optional(tmp_path: Path, open_store: OpenStore) -> None:
    """Files before ~2022 have no header: a first field that is a number means a data row."""
    headerless = write_zip(
        tmp_path / "old" / "klines" / "BTCUSDT" / "1m" / KLINE_NAME,
        csv_lines(kline_sample(Kind.KLINES))[1:],
        checksum=False,
    )
    out = import_ok(tmp_path, headerless)
    assert f"no CHECKSUM beside {KLINE_NAME}; not verified" in out
    import_ok(tmp_path / "sample", kline_sample(Kind.KLINES))

    series = (Kind.KLINES, "BTCUSDT", "1m", *EVERYTHING)
    without_header = open_store().klines(*series)
    assert without_header == open_store(tmp_path / "sample").klines(*series)
    assert len(without_header) == 1440


def test_unsorted_rows_and_microsecond_times(tmp_path: Path, open_store: OpenStore) -> None:
    """Some monthly files are not sorted; spot files switched to µs; both come out the same."""
    import_ok(tmp_path / "sample", AGG_TRADES)
    lines = csv_lines(AGG_TRADES)
    rows = [edit_line([row], 1, lambda f: [*f[:5], f[5] + "123", f[6]])[0] for row in lines[1:]]
    random.Random(7).shuffle(rows)
    shuffled = write_zip(tmp_path / "x" / AGG_TRADES.name, [lines[0], *rows])

    import_ok(tmp_path, shuffled)

    trades = list(open_store().agg_trades("BTCUSDT", *EVERYTHING))
    assert trades == list(open_store(tmp_path / "sample").agg_trades("BTCUSDT", *EVERYTHING))
    assert len(str(trades[0].time)) == 13


def test_monthly_and_daily_files_import_together(tmp_path: Path, open_store: OpenStore) -> None:
    out = import_ok(tmp_path, FUNDING, AGG_TRADES)

    assert "fundingRate BTCUSDT, 90 rows, 2026-11-01 00:00:00 → 2026-11-30 16:00:00 UTC" in out
    kinds = [(c.kind, c.interval) for c in open_store().coverage()]
    assert kinds == [(Kind.AGG_TRADES, None), (Kind.FUNDING_RATE, None)]


def _bad_checksum(tmp_path: Path) -> Path:
    bad = write_zip(tmp_path / "bad" / AGG_TRADES.name, csv_lines(AGG_TRADES))
    checksum_path(bad).write_text(f"{'0' * 64}  {bad.name}\n")
    return bad


def _truncated(tmp_path: Path) -> Path:
    bad = tmp_path / "bad" / AGG_TRADES.name
    bad.parent.mkdir()
    bad.write_bytes(AGG_TRADES.read_bytes()[:40_000])
    return bad


def _bad_crc(tmp_path: Path) -> Path:
    """Data that inflates fine but is not what was zipped: the CRC check at its end fails."""
    bad = tmp_path / "bad" / AGG_TRADES.name
    bad.parent.mkdir()
    with zipfile.ZipFile(AGG_TRADES) as archive:
        crc = archive.infolist()[0].CRC.to_bytes(4, "little")
    bad.write_bytes(AGG_TRADES.read_bytes().replace(crc, bytes(4)))
    return bad


def _rewritten(number: int, edit: Callable[[list[str]], list[str]]) -> Callable[[Path], Path]:
    def make(tmp_path: Path) -> Path:
        lines = edit_line(csv_lines(AGG_TRADES), number, edit)
        return write_zip(tmp_path / "bad" / AGG_TRADES.name, lines)  # with a matching CHECKSUM

    return make


def _wrong_member(tmp_path: Path) -> Path:
    return write_zip(tmp_path / "bad" / AGG_TRADES.name, csv_lines(AGG_TRADES), member="other.csv")


@pytest.mark.parametrize(
    ("make_bad", "message"),
    [
        (_bad_checksum, "does not match its CHECKSUM"),
        (_truncated, "not a readable zip archive"),
        (_bad_crc, "the archive is damaged after line"),
        (_wrong_member, "has no member BTCUSDT-aggTrades-2026-11-01.csv"),
        (_rewritten(10, lambda f: f[:-1]), "line 10: 6 columns, expected 7"),
        (
            _rewritten(20, lambda f: [f[0], "77x00.10", *f[2:]]),
            "line 20: column 2 (price) is '77x00.10', expected a positive decimal number",
        ),
        (
            _rewritten(30, lambda f: [*f[:5], "17934912", f[6]]),
            "line 30: column 6 (transact_time) is '17934912', expected a time in ms",
        ),
        (
            _rewritten(40, lambda f: [f[0], "0.00", *f[2:]]),
            "line 40: column 2 (price) is '0.00', expected a positive decimal number",
        ),
    ],
    ids=[
        "bad-checksum",
        "truncated",
        "bad-crc",
        "missing-member",
        "column-count",
        "unparsable-number",
        "bad-time",
        "zero-price",
    ],
)
def test_a_bad_file_refuses_the_whole_import(
    tmp_path: Path, open_store: OpenStore, make_bad: Callable[[Path], Path], message: str
) -> None:
    """The good file before it is not imported either: nothing half-imported."""
    bad = make_bad(tmp_path)

    result = data_cli(tmp_path, "import", FUNDING, bad, "--data-dir", tmp_path / "data")

    assert result.returncode == 1
    out = " ".join(result.stdout.split())
    assert str(bad) in out
    assert message in out
    assert "Nothing was imported." in out
    assert open_store().coverage() == []
    assert open_store().funding_rates("BTCUSDT", *EVERYTHING) == []


def test_kline_kind_comes_from_the_directory_or_from_kind(
    tmp_path: Path, open_store: OpenStore
) -> None:
    flat = write_zip(tmp_path / "downloads" / KLINE_NAME, csv_lines(kline_sample(Kind.KLINES)))

    refused = data_cli(tmp_path, "import", flat, "--data-dir", tmp_path / "data")
    assert refused.returncode == 1
    assert "cannot tell which kline kind this is" in refused.stdout
    assert "or pass --kind" in refused.stdout

    import_ok(tmp_path, flat, "--kind", "markPriceKlines")
    [coverage] = open_store().coverage()
    assert (coverage.kind, coverage.symbol, coverage.interval) == (
        Kind.MARK_PRICE_KLINES,
        "BTCUSDT",
        "1m",
    )


def test_kind_must_agree_with_a_file_that_names_its_kind(tmp_path: Path) -> None:
    result = data_cli(tmp_path, "import", FUNDING, "--kind", "klines", "--data-dir", tmp_path)
    assert result.returncode == 1
    assert "the file name says fundingRate, --kind says klines" in result.stdout


def test_unsupported_kinds_are_refused(tmp_path: Path) -> None:
    depth = write_zip(tmp_path / "BTCUSDT-bookDepth-2026-11-01.zip", ["1,2,3"])

    result = data_cli(tmp_path, "import", depth, "--data-dir", tmp_path / "data")

    assert result.returncode == 1
    assert "bookDepth files are not supported" in result.stdout


def test_data_list_shows_each_series(tmp_path: Path) -> None:
    import_ok(tmp_path, SAMPLES)

    result = data_cli(tmp_path, "list", "--data-dir", tmp_path / "data")

    assert result.returncode == 0, result.stderr
    rows = {
        line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line.strip()
    }
    trades = csv_lines(AGG_TRADES)[1:]
    first, last = (utc(int(trades[i].split(",")[5])) for i in (0, -1))
    assert rows["aggTrades"] == ["BTCUSDT", *first.split(), *last.split(), f"{len(trades):,}"]
    assert rows["markPriceKlines"] == [
        "BTCUSDT",
        "1m",
        "2026-11-01",
        "00:00:00",
        "2026-11-01",
        "23:59:00",
        "1,440",
    ]
    assert rows["fundingRate"][-1] == "90"


def test_data_list_of_an_empty_data_dir(tmp_path: Path) -> None:
    result = data_cli(tmp_path, "list", "--data-dir", tmp_path / "nothing")
    assert result.returncode == 0
    assert "No market data in" in result.stdout
    assert not (tmp_path / "nothing").exists()


def test_data_dir_defaults_to_the_configured_one(tmp_path: Path) -> None:
    (tmp_path / "binance-sandbox.toml").write_text('[server]\ndata_dir = "configured"\n')

    result = data_cli(tmp_path, "import", FUNDING)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "configured" / "market-data.sqlite").is_file()


def test_store_ranges_are_start_inclusive_end_exclusive(
    tmp_path: Path, open_store: OpenStore
) -> None:
    import_ok(tmp_path, SAMPLES)
    store = open_store()
    times = [t.time for t in store.agg_trades("BTCUSDT", *EVERYTHING)]
    assert times == sorted(times)

    assert [t.time for t in store.agg_trades("BTCUSDT", times[10], times[20])] == times[10:20]
    minute = store.klines(Kind.KLINES, "BTCUSDT", "1m", DAY_START, DAY_START + MINUTE_MS)
    assert [k.open_time for k in minute] == [DAY_START]
    assert list(store.agg_trades("ETHUSDT", *EVERYTHING)) == []
    with pytest.raises(ValueError, match="not a kline kind"):
        store.klines(Kind.AGG_TRADES, "BTCUSDT", "1m", *EVERYTHING)


def test_the_samples_are_what_the_generator_writes(tmp_path: Path) -> None:
    """Regenerate them with scripts/make_sample_market_data.py if this fails."""
    script = Path(__file__).parent.parent / "scripts" / "make_sample_market_data.py"
    subprocess.run([sys.executable, script, "--out", tmp_path], check=True, capture_output=True)

    ours = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert ours == sorted(p.relative_to(SAMPLES) for p in SAMPLES.rglob("*") if p.is_file())
    # The CSVs inside, not the zip bytes: another zlib may compress the same rows differently.
    for relative in ours:
        if relative.suffix == ".zip":
            assert csv_lines(tmp_path / relative) == csv_lines(SAMPLES / relative)
