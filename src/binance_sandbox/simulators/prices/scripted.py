"""A price path replayed from a CSV file of `time,price` rows.

Step semantics: the price at `ts` is the price of the last row with time <= ts; before the
first row it is the first row's price, after the last row the last price holds. Row times are
strictly increasing and prices are positive ints at `AMOUNT_DECIMALS`.

File format, one row per line:
- `time`: epoch milliseconds (digits only) or ISO-8601 (`2026-01-01T00:00:00Z`; a time
  without an offset is UTC; finer than a millisecond is truncated);
- `price`: a decimal string; digits beyond `AMOUNT_DECIMALS` are rounded down.
Blank lines are skipped. The first line may be a header: it is one when its first field does
not start with a digit, as every valid time does.
"""

import csv
from bisect import bisect_right
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

from binance_sandbox.core.fixed import AMOUNT_DECIMALS, FixedPointError, format_scaled, parse_scaled
from binance_sandbox.simulators.prices.base import PriceSourceError

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


class ScriptedPath:
    """Rows of (time_ms, price) with strictly increasing times; at least one row."""

    def __init__(self, rows: Iterable[tuple[int, int]]) -> None:
        rows = tuple(rows)
        if not rows:
            raise PriceSourceError("a scripted path needs at least one row")
        for (before, _), (after, _) in pairwise(rows):
            if after <= before:
                raise PriceSourceError(f"row times must increase: {after} follows {before}")
        for time_ms, price in rows:
            if price < 1:
                raise PriceSourceError(f"prices must be positive: {price} at {time_ms}")
        self._times = tuple(time_ms for time_ms, _ in rows)
        self._prices = tuple(price for _, price in rows)

    def price_at(self, ts: int) -> int:
        # Index of the last row with time <= ts; before the first row, the first row.
        index = max(bisect_right(self._times, ts) - 1, 0)
        return self._prices[index]

    # The protocol's signature; a step path needs no previous time.
    def next_price(self, ts: int, previous: int | None, previous_ts: int | None) -> int | None:  # noqa: ARG002
        price = self.price_at(ts)
        return None if price == previous else price


def load_scripted_path(path: Path) -> ScriptedPath:
    """Reads a `time,price` CSV; any defect raises PriceSourceError naming the file and line."""
    try:
        rows = _read_rows(path)
    except OSError as exc:
        raise PriceSourceError(f"{path}: cannot read the file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise PriceSourceError(f"{path}: not a UTF-8 text file") from exc
    if not rows:
        raise PriceSourceError(f"{path}: no time,price rows")
    return ScriptedPath(rows)


def _read_rows(path: Path) -> list[tuple[int, int]]:
    rows: list[tuple[int, int]] = []
    header_allowed = True
    # utf-8-sig: spreadsheets often write a byte-order mark before the header.
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.reader(file)
        for fields in reader:
            cells = [cell.strip() for cell in fields]
            if not any(cells):
                continue
            is_header = header_allowed and not cells[0][:1].isdigit()
            header_allowed = False
            if is_header:
                continue
            where = f"{path}:{reader.line_num}"
            if len(cells) != 2:
                raise PriceSourceError(f"{where}: expected 2 fields time,price, got {len(cells)}")
            time_ms = _parse_time(where, cells[0])
            if rows and time_ms <= rows[-1][0]:
                raise PriceSourceError(
                    f"{where}: time {cells[0]} is not after the previous row's; "
                    "times must strictly increase"
                )
            rows.append((time_ms, _parse_price(where, cells[1])))
    return rows


def _parse_time(where: str, text: str) -> int:
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise PriceSourceError(
            f"{where}: time {text!r} is neither epoch milliseconds nor ISO-8601"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MILLISECOND


def _parse_price(where: str, text: str) -> int:
    try:
        price = parse_scaled(text, AMOUNT_DECIMALS, exact=False)
    except FixedPointError:
        raise PriceSourceError(f"{where}: price {text!r} is not a decimal number") from None
    if price < 1:
        smallest = format_scaled(1, AMOUNT_DECIMALS)
        raise PriceSourceError(f"{where}: price {text!r} is below the smallest price, {smallest}")
    return price
