"""Which data.binance.vision file is this: kind, symbol, interval and period from name and path.

The four kline kinds share file names (`BTCUSDT-1m-2026-11-01.zip`), so their kind comes from the
directory data.binance.vision puts them in (`.../markPriceKlines/BTCUSDT/1m/`) or from the user.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from binance_sandbox.marketdata.errors import MarketDataError


class Kind(StrEnum):
    """A supported USDⓈ-M data type, spelled as in data.binance.vision's paths."""

    AGG_TRADES = "aggTrades"
    KLINES = "klines"
    MARK_PRICE_KLINES = "markPriceKlines"
    INDEX_PRICE_KLINES = "indexPriceKlines"
    PREMIUM_INDEX_KLINES = "premiumIndexKlines"
    FUNDING_RATE = "fundingRate"

    @property
    def is_kline(self) -> bool:
        return self in KLINE_KINDS


KLINE_KINDS = frozenset(
    {Kind.KLINES, Kind.MARK_PRICE_KLINES, Kind.INDEX_PRICE_KLINES, Kind.PREMIUM_INDEX_KLINES}
)
KLINE_INTERVALS = frozenset(
    {"1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1mo"}
)
# Named in the file name itself; kline kinds are named by their directory instead.
_NAMED_KINDS = {Kind.AGG_TRADES.value: Kind.AGG_TRADES, Kind.FUNDING_RATE.value: Kind.FUNDING_RATE}
_UNSUPPORTED = frozenset({"trades", "bookTicker", "bookDepth", "metrics"})
_SUPPORTED_TEXT = ", ".join(kind.value for kind in Kind)

_FILE_NAME = re.compile(
    r"(?P<symbol>[A-Z0-9]+(?:_[A-Z0-9]+)?)-(?P<middle>[A-Za-z0-9]+)"
    r"-(?P<period>\d{4}-\d{2}(?:-\d{2})?)\.zip"
)


@dataclass(frozen=True)
class DataFile:
    """One archive to import, identified."""

    path: Path
    kind: Kind
    symbol: str
    interval: str | None  # kline kinds only
    period: str  # "2026-11-01" for a daily file, "2026-11" for a monthly one

    @property
    def member(self) -> str:
        """The CSV inside the zip, named like the zip (`BTCUSDT-1m-2026-11-01.csv`)."""
        return self.path.stem + ".csv"

    def describe(self) -> str:
        return " ".join(filter(None, (self.kind.value, self.symbol, self.interval)))


def find_zip_files(paths: Iterable[Path]) -> list[Path]:
    """The given files, and every *.zip under the given directories (sorted, recursively)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(path.rglob("*.zip"))
            if not inside:
                raise MarketDataError(f"{path}: no .zip files in this directory")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise MarketDataError(f"{path}: no such file or directory")
    return found


def identify(path: Path, kind: Kind | None = None) -> DataFile:
    """Kind, symbol, interval and period of `path`; `kind` is the user's --kind, if given."""
    match = _FILE_NAME.fullmatch(path.name)
    if match is None:
        raise MarketDataError(
            f"{path}: not a data.binance.vision file name "
            "(SYMBOL-aggTrades-DATE.zip, SYMBOL-INTERVAL-DATE.zip, SYMBOL-fundingRate-MONTH.zip)"
        )
    symbol, middle, period = match.group("symbol", "middle", "period")
    if middle in _UNSUPPORTED:
        raise MarketDataError(f"{path}: {middle} files are not supported ({_SUPPORTED_TEXT} are)")
    if middle in KLINE_INTERVALS:
        return DataFile(path, _kline_kind(path, symbol, middle, kind), symbol, middle, period)
    named = _NAMED_KINDS.get(middle)
    if named is None:
        raise MarketDataError(f"{path}: unknown data type {middle!r} ({_SUPPORTED_TEXT} are known)")
    if kind not in (None, named):
        raise MarketDataError(f"{path}: the file name says {named}, --kind says {kind}")
    return DataFile(path, named, symbol, None, period)


def _kline_kind(path: Path, symbol: str, interval: str, kind: Kind | None) -> Kind:
    if kind is not None:
        if not kind.is_kline:
            raise MarketDataError(f"{path}: a kline file name, but --kind says {kind}")
        return kind
    # data.binance.vision's layout: .../{kind}/{SYMBOL}/{interval}/{SYMBOL}-{interval}-{date}.zip
    parents = path.resolve().parents
    if len(parents) > 2 and (parents[0].name, parents[1].name) == (interval, symbol):
        directory = parents[2].name
        if directory in KLINE_KINDS:
            return Kind(directory)
    kinds = ", ".join(sorted(KLINE_KINDS))
    raise MarketDataError(
        f"{path}: cannot tell which kline kind this is ({kinds} share file names); keep "
        f"data.binance.vision's layout (.../markPriceKlines/{symbol}/{interval}/{path.name}) "
        "or pass --kind"
    )
