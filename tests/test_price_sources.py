"""Price sources: fixed, scripted (CSV) and seeded GBM paths, and building them from config."""

import math
import statistics
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from binance_sandbox.config.model import PricesConfig, PriceSourceConfig
from binance_sandbox.simulators.prices import (
    FixedPrice,
    GeometricBrownianMotion,
    PriceSource,
    PriceSourceError,
    ScriptedPath,
    build_price_sources,
    load_scripted_path,
)

DAY_MS = 86_400_000
JAN_1_2026_MS = 1_767_225_600_000
BTC = 7_700_050_000_000  # 77000.5 at 8 decimals


def gbm(
    *,
    start: int = BTC,
    drift: float = 0.0,
    volatility: float = 0.6,
    jumps_per_day: float = 0.0,
    jump_mean: float = 0.0,
    jump_stdev: float = 0.0,
    seed: int = 1,
    symbol: str = "BTCUSDT",
) -> GeometricBrownianMotion:
    return GeometricBrownianMotion(
        start, drift, volatility, jumps_per_day, jump_mean, jump_stdev, seed, symbol
    )


def walk(source: PriceSource, times: list[int]) -> list[int]:
    """Feeds each result back as `previous`, as the price ticker does."""
    previous: int | None = None
    previous_ts: int | None = None
    prices = []
    for ts in times:
        price = source.next_price(ts, previous, previous_ts)
        assert price is not None
        prices.append(price)
        previous, previous_ts = price, ts
    return prices


def write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "path.csv"
    path.write_text(text, encoding="utf-8")
    return path


# Fixed


def test_fixed_sets_the_first_price_then_leaves_it() -> None:
    source = FixedPrice(BTC)
    assert source.next_price(1000, None, None) == BTC
    # A price set by hand (through the admin API) sticks.
    assert source.next_price(2000, 123, 1500) is None
    assert source.next_price(3000, BTC, 2000) is None


def test_fixed_refuses_a_non_positive_price() -> None:
    with pytest.raises(PriceSourceError):
        FixedPrice(0)


# Scripted


def test_scripted_steps_hold_before_between_and_after_rows() -> None:
    source = ScriptedPath([(1000, 10), (2000, 20), (3000, 30)])
    assert source.price_at(0) == 10  # before the first row: the first price
    assert source.price_at(1000) == 10
    assert source.price_at(1999) == 10
    assert source.price_at(2000) == 20
    assert source.price_at(2500) == 20
    assert source.price_at(3000) == 30
    assert source.price_at(10**15) == 30  # after the last row: hold


def test_scripted_returns_none_when_the_price_does_not_change() -> None:
    source = ScriptedPath([(1000, 10), (2000, 20)])
    assert source.next_price(500, None, None) == 10
    assert source.next_price(1500, 10, 500) is None
    assert source.next_price(2000, 10, 1500) == 20
    assert source.next_price(5000, 20, 2000) is None
    # A price set by hand is replaced by the script's at the next tick.
    assert source.next_price(6000, 99, 5000) == 20


@pytest.mark.parametrize("header", ["", "time,price\n", "Time , Price\n", "timestamp,close\n"])
def test_load_with_or_without_a_header(tmp_path: Path, header: str) -> None:
    path = write_csv(tmp_path, f"{header}1000,77000.5\n2000,77001\n")
    source = load_scripted_path(path)
    assert source.price_at(1000) == BTC
    assert source.price_at(2000) == 7_700_100_000_000


def test_load_iso_and_millisecond_times(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "time,price\n"
        "2026-01-01T00:00:00Z,100\n"
        f"{JAN_1_2026_MS + 1000},101\n"
        "2026-01-01T00:00:02.500+00:00,102\n"
        "2026-01-01T02:00:03+02:00,103\n"  # 00:00:03 UTC
        "2026-01-01T00:00:04,104\n",  # no offset: UTC
    )
    source = load_scripted_path(path)
    expected = {0: 100, 1000: 101, 2500: 102, 3000: 103, 4000: 104}
    for offset, price in expected.items():
        assert source.price_at(JAN_1_2026_MS + offset) == price * 10**8
    assert source.price_at(JAN_1_2026_MS + 2499) == 101 * 10**8


def test_load_skips_blank_lines_a_bom_and_spaces(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_text("time,price\n\n 1000 , 1.5 \n\n2000,2\n", encoding="utf-8-sig")
    source = load_scripted_path(path)
    assert source.price_at(1000) == 150_000_000
    assert source.price_at(2000) == 200_000_000


def test_load_rounds_extra_decimals_down(tmp_path: Path) -> None:
    source = load_scripted_path(write_csv(tmp_path, "1000,1.123456789\n"))
    assert source.price_at(1000) == 112_345_678


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("time,price\n1000,abc\n", 2, "not a decimal number"),
        ("1000,0\n", 1, "below the smallest price"),
        ("1000,-5\n", 1, "below the smallest price"),
        ("1000,0.000000001\n", 1, "below the smallest price"),
        ("1000,1\n2026-13-01T00:00:00Z,2\n", 2, "neither epoch milliseconds nor ISO-8601"),
        ("time,price\n1000,1\nsoon,2\n", 3, "neither epoch milliseconds nor ISO-8601"),
        ("1000,1\n-5,2\n", 2, "neither epoch milliseconds nor ISO-8601"),
        ("1000,1\n1000,2\n", 2, "strictly increase"),
        ("2000,1\n\n1000,2\n", 3, "strictly increase"),
        ("1000,1,extra\n", 1, "expected 2 fields"),
        ("1000\n", 1, "expected 2 fields"),
    ],
)
def test_load_errors_name_the_file_and_line(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    path = write_csv(tmp_path, text)
    with pytest.raises(PriceSourceError, match=fragment) as caught:
        load_scripted_path(path)
    assert f"{path}:{line}:" in str(caught.value)


@pytest.mark.parametrize("text", ["", "\n\n", "time,price\n"])
def test_load_refuses_a_file_without_rows(tmp_path: Path, text: str) -> None:
    path = write_csv(tmp_path, text)
    with pytest.raises(PriceSourceError, match="no time,price rows") as caught:
        load_scripted_path(path)
    assert str(path) in str(caught.value)


def test_load_refuses_a_missing_or_binary_file(tmp_path: Path) -> None:
    with pytest.raises(PriceSourceError, match="cannot read"):
        load_scripted_path(tmp_path / "absent.csv")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(PriceSourceError, match="not a UTF-8"):
        load_scripted_path(binary)


def test_scripted_path_validates_rows_built_in_code() -> None:
    with pytest.raises(PriceSourceError, match="at least one row"):
        ScriptedPath([])
    with pytest.raises(PriceSourceError, match="must increase"):
        ScriptedPath([(2000, 1), (1000, 2)])
    with pytest.raises(PriceSourceError, match="positive"):
        ScriptedPath([(1000, 0)])


# GBM


def test_gbm_starts_at_start_and_ignores_time_going_backwards() -> None:
    source = gbm()
    assert source.next_price(1000, None, None) == BTC
    assert source.next_price(1000, BTC, 1000) is None
    assert source.next_price(999, BTC, 1000) is None


def test_gbm_is_deterministic_across_instances() -> None:
    times = [JAN_1_2026_MS + i * 1000 for i in range(200)]
    first = walk(gbm(jumps_per_day=50.0, jump_stdev=0.01), times)
    second = walk(gbm(jumps_per_day=50.0, jump_stdev=0.01), times)
    assert first == second
    assert len(set(first)) > 100  # it does move


def test_gbm_depends_on_seed_and_symbol() -> None:
    times = [i * 1000 for i in range(1, 20)]
    base = walk(gbm(), times)
    assert walk(gbm(seed=2), times) != base
    assert walk(gbm(symbol="ETHUSDT"), times) != base


def test_gbm_restart_continues_the_same_path() -> None:
    # Irregular steps, as after a pause or a manual clock advance.
    times = [0, 1000, 2000, 7000, 7001, 60_000, DAY_MS, 3 * DAY_MS]
    path = walk(gbm(jumps_per_day=5.0, jump_mean=-0.01, jump_stdev=0.02), times)
    # Each step recomputed by a fresh instance (a restarted server) from the stored price only,
    # in reverse order so no history could carry over.
    for i in reversed(range(1, len(times))):
        fresh = gbm(jumps_per_day=5.0, jump_mean=-0.01, jump_stdev=0.02)
        assert fresh.next_price(times[i], path[i - 1], times[i - 1]) == path[i]


def test_gbm_without_randomness_follows_the_drift() -> None:
    source = gbm(start=10**10, drift=0.1, volatility=0.0)
    one_year = 365 * DAY_MS
    assert source.next_price(one_year, 10**10, 0) == round(10**10 * math.exp(0.1))
    assert source.next_price(one_year, 10**10, 0) == 11_051_709_181


@given(
    previous=st.integers(min_value=1, max_value=10**16),
    elapsed=st.integers(min_value=1, max_value=30 * DAY_MS),
    ts=st.integers(min_value=0, max_value=4 * 10**12),
    drift=st.floats(min_value=-5.0, max_value=5.0),
    volatility=st.floats(min_value=0.0, max_value=3.0),
    jumps_per_day=st.floats(min_value=0.0, max_value=5.0),
    jump_mean=st.floats(min_value=-1.0, max_value=0.2),
    jump_stdev=st.floats(min_value=0.0, max_value=0.5),
    seed=st.integers(min_value=0, max_value=2**63),
)
def test_gbm_prices_are_positive_ints(
    *,
    previous: int,
    elapsed: int,
    ts: int,
    drift: float,
    volatility: float,
    jumps_per_day: float,
    jump_mean: float,
    jump_stdev: float,
    seed: int,
) -> None:
    source = gbm(
        drift=drift,
        volatility=volatility,
        jumps_per_day=jumps_per_day,
        jump_mean=jump_mean,
        jump_stdev=jump_stdev,
        seed=seed,
    )
    price = source.next_price(ts + elapsed, previous, ts)
    assert isinstance(price, int)
    assert price >= 1


def test_gbm_floors_at_the_smallest_price() -> None:
    crash = gbm(start=1, volatility=0.0, jumps_per_day=1000.0, jump_mean=-5.0)
    assert walk(crash, [0, DAY_MS, 2 * DAY_MS]) == [1, 1, 1]


def daily_log_returns(source: GeometricBrownianMotion, days: int) -> list[float]:
    prices = walk(source, [JAN_1_2026_MS + i * DAY_MS for i in range(days + 1)])
    return [math.log(after / before) for before, after in pairwise(prices)]


def test_gbm_daily_volatility_matches_the_annual_figure() -> None:
    # Seeded, hence deterministic; 3000 samples put the sampling error near 1.3%.
    returns = daily_log_returns(gbm(drift=0.0, volatility=0.6), 3000)
    expected = 0.6 / math.sqrt(365)
    assert abs(statistics.stdev(returns) - expected) < 0.1 * expected


def test_gbm_jumps_widen_the_distribution() -> None:
    plain = statistics.variance(daily_log_returns(gbm(), 2000))
    jumpy = statistics.variance(
        daily_log_returns(gbm(jumps_per_day=10.0, jump_mean=0.0, jump_stdev=0.05), 2000)
    )
    # Jumps add about jumps_per_day · jump_stdev² = 0.025 per day to the variance.
    assert plain == pytest.approx(0.6**2 / 365, rel=0.1)
    assert jumpy == pytest.approx(0.6**2 / 365 + 10 * 0.05**2, rel=0.2)
    assert jumpy > 10 * plain


@pytest.mark.parametrize(
    "overrides",
    [
        {"start": 0},
        {"volatility": -0.1},
        {"jumps_per_day": -1.0},
        {"jump_stdev": -0.1},
        {"drift": math.nan},
        {"volatility": math.inf},
    ],
)
def test_gbm_refuses_bad_parameters(overrides: dict[str, float]) -> None:
    with pytest.raises(PriceSourceError):
        gbm(**overrides)  # type: ignore[arg-type]  # "start" is an int


# Factory


def prices_config(**pairs: PriceSourceConfig) -> PricesConfig:
    return PricesConfig(pairs=pairs)


def test_factory_builds_each_kind(tmp_path: Path) -> None:
    (tmp_path / "eth.csv").write_text("1000,3000\n", encoding="utf-8")
    config = prices_config(
        BTCUSDT=PriceSourceConfig(source="gbm", price="77000.5", volatility=0.8),
        ETHUSDT=PriceSourceConfig(source="scripted", path="eth.csv"),
        BNBUSDT=PriceSourceConfig(source="fixed", price="600"),
        UNUSED=PriceSourceConfig(source="fixed", price="1"),
    )
    sources = build_price_sources(config, 7, ["BTCUSDT", "ETHUSDT", "BNBUSDT"], tmp_path)
    assert set(sources) == {"BTCUSDT", "ETHUSDT", "BNBUSDT"}
    assert sources["BTCUSDT"] == gbm(volatility=0.8, seed=7)
    assert sources["ETHUSDT"].next_price(0, None, None) == 3000 * 10**8
    assert sources["BNBUSDT"] == FixedPrice(600 * 10**8)


def test_factory_keeps_absolute_paths(tmp_path: Path) -> None:
    csv = tmp_path / "abs.csv"
    csv.write_text("1000,5\n", encoding="utf-8")
    config = prices_config(X=PriceSourceConfig(source="scripted", path=str(csv)))
    sources = build_price_sources(config, 1, ["X"], tmp_path / "elsewhere")
    assert sources["X"].next_price(0, None, None) == 5 * 10**8


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        (None, "[prices.pairs.BTCUSDT] is missing"),
        (PriceSourceConfig(source="fixed"), '[prices.pairs.BTCUSDT] needs price = "..."'),
        (PriceSourceConfig(source="gbm"), '[prices.pairs.BTCUSDT] needs price = "..."'),
        (PriceSourceConfig(source="scripted"), '[prices.pairs.BTCUSDT] needs path = "..."'),
        (PriceSourceConfig(source="fixed", price="abc"), 'price = "abc"'),
        (PriceSourceConfig(source="fixed", price="0"), "must be positive"),
        (PriceSourceConfig(source="fixed", price="1.123456789"), "more than 8 decimals"),
        (PriceSourceConfig(price="1", volatility=-1.0), "volatility must not be negative"),
        (PriceSourceConfig(path="btc.csv"), 'set source = "scripted"'),
        (PriceSourceConfig(source="scripted", path="absent.csv"), "absent.csv: cannot read"),
    ],
)
def test_factory_errors_say_what_to_fix(
    tmp_path: Path, entry: PriceSourceConfig | None, fragment: str
) -> None:
    config = prices_config() if entry is None else prices_config(BTCUSDT=entry)
    with pytest.raises(PriceSourceError) as caught:
        build_price_sources(config, 1, ["BTCUSDT"], tmp_path)
    assert fragment in str(caught.value)
    assert "[prices.pairs.BTCUSDT]" in str(caught.value)


def test_factory_reports_the_csv_line(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("time,price\n1000,x\n", encoding="utf-8")
    config = prices_config(BTCUSDT=PriceSourceConfig(source="scripted", path="bad.csv"))
    with pytest.raises(PriceSourceError, match=r"\[prices\.pairs\.BTCUSDT\] .*bad\.csv:2:"):
        build_price_sources(config, 1, ["BTCUSDT"], tmp_path)
