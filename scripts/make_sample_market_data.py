"""Write a small, deterministic sample of Binance's public USDⓈ-M data files for the tests.

The files follow data.binance.vision's layout, names, columns, headers and CHECKSUM files
(see shared/reference/binance/FORMULAS.md §9), for BTCUSDT:

    data/futures/um/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-2026-11-01.zip
    data/futures/um/daily/{klines,indexPriceKlines,markPriceKlines,premiumIndexKlines}/
        BTCUSDT/1m/BTCUSDT-1m-2026-11-01.zip
    data/futures/um/monthly/fundingRate/BTCUSDT/BTCUSDT-fundingRate-2026-11.zip

The day's aggregate trades follow a random price path around 77000 (tick 0.10, quantity step
0.001, 2-6 trades a minute); the 1m klines are derived from them exactly; index, mark and
premium-index klines stay within a few basis points of the trades; funding is 8-hourly for
the whole month. Numbers are drawn as integers from a seeded generator and formatted as
Binance does (prices with 2 decimals, quantities 3, quote volumes 5, index/mark/premium 8), so
the output is the same on every run; the zips carry fixed timestamps, so they are the same
byte for byte (given the same zlib).

Usage: python scripts/make_sample_market_data.py [--out DIR]   (stdlib only)
"""

import argparse
import hashlib
import random
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SEED = 20261101
SYMBOL = "BTCUSDT"
DAY = datetime(2026, 11, 1, tzinfo=UTC)
MONTH_DAYS = 30  # November 2026
MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
START_PRICE = 7_700_000  # cents: 77000.00
TICK = 10  # cents: 0.10
E8 = 10**8  # index, mark and premium values have 8 decimals
ZIP_TIME = (2026, 12, 1, 0, 0, 0)  # fixed, so that the zips are reproducible
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "binance-vision"

AGG_TRADES_HEADER = (
    "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker"
)
KLINES_HEADER = (
    "open_time,open,high,low,close,volume,close_time,quote_volume,count,"
    "taker_buy_volume,taker_buy_quote_volume,ignore"
)
FUNDING_HEADER = "calc_time,funding_interval_hours,last_funding_rate"


@dataclass(frozen=True)
class AggTrade:
    agg_trade_id: int
    price: int  # cents
    qty: int  # thousandths
    first_trade_id: int
    last_trade_id: int
    time: int  # ms
    is_buyer_maker: bool


def decimal(units: int, places: int) -> str:
    """`units` of 10**-places as Binance writes it: 1234, 3 -> "1.234", -5, 8 -> "-0.00000005"."""
    sign = "-" if units < 0 else ""
    whole, fraction = divmod(abs(units), 10**places)
    return f"{sign}{whole}.{fraction:0{places}d}"


def make_agg_trades(
    rng: random.Random, start_ms: int, minutes: int, per_minute: tuple[int, int]
) -> list[AggTrade]:
    """A random walk of aggregate trades, `per_minute` (min, max) of them in every minute."""
    trades: list[AggTrade] = []
    price, agg_id, trade_id = START_PRICE, 3_450_000_000, 8_080_000_000
    for minute in range(minutes):
        count = rng.randint(*per_minute)
        for offset in sorted(rng.sample(range(MINUTE_MS), count)):
            price = max(TICK, price + rng.randint(-60, 60) * TICK)
            underlying = rng.randint(1, 4)
            qty = rng.randint(1, 9) * 10 ** rng.randint(0, 2) + rng.randint(0, 9)
            trades.append(
                AggTrade(
                    agg_id,
                    price,
                    qty,
                    trade_id,
                    trade_id + underlying - 1,
                    start_ms + minute * MINUTE_MS + offset,
                    rng.getrandbits(1) == 1,
                )
            )
            agg_id += 1
            trade_id += underlying
    return trades


def agg_trades_csv(trades: list[AggTrade]) -> list[str]:
    return [
        f"{t.agg_trade_id},{decimal(t.price, 2)},{decimal(t.qty, 3)},{t.first_trade_id},"
        f"{t.last_trade_id},{t.time},{'true' if t.is_buyer_maker else 'false'}"
        for t in trades
    ]


def klines_csv(trades: list[AggTrade], start_ms: int, minutes: int) -> list[str]:
    """1m klines derived from the trades exactly; every minute has trades."""
    by_minute: list[list[AggTrade]] = [[] for _ in range(minutes)]
    for trade in trades:
        by_minute[(trade.time - start_ms) // MINUTE_MS].append(trade)
    lines = []
    for minute, group in enumerate(by_minute):
        prices = [t.price for t in group]
        taker_buys = [t for t in group if not t.is_buyer_maker]
        open_time = start_ms + minute * MINUTE_MS
        lines.append(
            ",".join(
                (
                    str(open_time),
                    *(decimal(p, 2) for p in (prices[0], max(prices), min(prices), prices[-1])),
                    decimal(sum(t.qty for t in group), 3),
                    str(open_time + MINUTE_MS - 1),
                    decimal(sum(t.price * t.qty for t in group), 5),
                    str(sum(t.last_trade_id - t.first_trade_id + 1 for t in group)),
                    decimal(sum(t.qty for t in taker_buys), 3),
                    decimal(sum(t.price * t.qty for t in taker_buys), 5),
                    "0",
                )
            )
        )
    return lines


def minute_closes(trades: list[AggTrade], start_ms: int, minutes: int) -> list[int]:
    """The last trade price of every minute, in 1e-8 units."""
    closes = [0] * minutes
    for trade in trades:
        closes[(trade.time - start_ms) // MINUTE_MS] = trade.price * 10**6
    return closes


def bar(rng: random.Random, open_: int, close: int, wiggle: int) -> tuple[int, int, int, int]:
    """OHLC from open to close, with high and low a random `wiggle` beyond them."""
    high = max(open_, close) + rng.randint(0, wiggle)
    low = min(open_, close) - rng.randint(0, wiggle)
    return open_, high, low, close


def value_klines_csv(bars: list[tuple[int, int, int, int]], start_ms: int) -> list[str]:
    """Index, mark or premium-index klines: 8-decimal OHLC, volume columns 0."""
    return [
        ",".join(
            (
                str(start_ms + minute * MINUTE_MS),
                *(decimal(v, 8) for v in ohlc),
                "0",
                str(start_ms + (minute + 1) * MINUTE_MS - 1),
                "0",
                "60",
                "0",
                "0",
                "0",
            )
        )
        for minute, ohlc in enumerate(bars)
    ]


def index_mark_premium_bars(
    rng: random.Random, closes: list[int]
) -> tuple[list[tuple[int, int, int, int]], ...]:
    """Index within ±3 bp of the trades, mark within ±2 bp of the index, premium between."""
    index_bars: list[tuple[int, int, int, int]] = []
    mark_bars: list[tuple[int, int, int, int]] = []
    premium_bars: list[tuple[int, int, int, int]] = []
    for trade_close in closes:
        bp = trade_close // 10_000
        index = trade_close + rng.randint(-3 * bp, 3 * bp)
        mark = index + rng.randint(-2 * bp, 2 * bp)
        premium = (mark - index) * E8 // index
        for bars, close, wiggle in (
            (index_bars, index, bp),
            (mark_bars, mark, bp),
            (premium_bars, premium, 2_000),
        ):
            open_ = bars[-1][3] if bars else close  # each bar opens at the previous close
            bars.append(bar(rng, open_, close, wiggle))
    return index_bars, mark_bars, premium_bars


def funding_csv(rng: random.Random, month_start_ms: int) -> list[str]:
    """8-hourly funding for the month; calc times land a few ms after the hour, as live."""
    return [
        f"{month_start_ms + hour * HOUR_MS + rng.randint(0, 6)},8,"
        f"{decimal(10_000 + rng.randint(-12_000, 4_000), 8)}"
        for hour in range(0, MONTH_DAYS * 24, 8)
    ]


def write_zip(path: Path, header: str | None, lines: list[str]) -> None:
    """The zip with its CSV member (same stem) and the .CHECKSUM beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "\n".join([header, *lines] if header else lines) + "\n"
    info = zipfile.ZipInfo(path.stem + ".csv", date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # unix, whatever the host
    info.external_attr = 0o644 << 16
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(info, body, compresslevel=9)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    path.with_name(path.name + ".CHECKSUM").write_text(f"{digest}  {path.name}\n")


def write_samples(out: Path) -> list[Path]:
    rng = random.Random(SEED)
    start = int(DAY.timestamp() * 1000)
    minutes = DAY_MS // MINUTE_MS
    date = DAY.strftime("%Y-%m-%d")
    daily = out / "data" / "futures" / "um" / "daily"
    trades = make_agg_trades(rng, start, minutes, per_minute=(2, 6))
    closes = minute_closes(trades, start, minutes)
    index_bars, mark_bars, premium_bars = index_mark_premium_bars(rng, closes)
    kline_name = f"{SYMBOL}/1m/{SYMBOL}-1m-{date}.zip"
    files = {
        daily / "aggTrades" / SYMBOL / f"{SYMBOL}-aggTrades-{date}.zip": (
            AGG_TRADES_HEADER,
            agg_trades_csv(trades),
        ),
        daily / "klines" / kline_name: (KLINES_HEADER, klines_csv(trades, start, minutes)),
        daily / "indexPriceKlines" / kline_name: (
            KLINES_HEADER,
            value_klines_csv(index_bars, start),
        ),
        daily / "markPriceKlines" / kline_name: (KLINES_HEADER, value_klines_csv(mark_bars, start)),
        daily / "premiumIndexKlines" / kline_name: (
            KLINES_HEADER,
            value_klines_csv(premium_bars, start),
        ),
        out
        / "data"
        / "futures"
        / "um"
        / "monthly"
        / "fundingRate"
        / SYMBOL
        / (f"{SYMBOL}-fundingRate-{DAY.strftime('%Y-%m')}.zip"): (
            FUNDING_HEADER,
            funding_csv(rng, start),
        ),
    }
    for path, (header, lines) in files.items():
        write_zip(path, header, lines)
    return list(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"[{DEFAULT_OUT}]")
    for path in write_samples(parser.parse_args().out):
        print(f"{path}  {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
