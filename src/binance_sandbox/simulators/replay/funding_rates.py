"""The settled funding rates of a replay window, from the imported fundingRate files: they
decide the rate each perpetual settles at, at each funding time inside the window."""

from binance_sandbox.core.fixed import parse_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.marketdata.store import MarketDataStore
from binance_sandbox.simulators.replay.window import ReplayWindow

_HOUR_MS = 3_600_000


def replayed_rates(
    files: MarketDataStore, instruments: dict[str, Instrument], window: ReplayWindow
) -> dict[int, dict[str, int]]:
    """funding time -> symbol -> rate at 8 decimals. A file's calc_time can lag the funding
    time by a few milliseconds; it is taken to the nearest hour, where funding times are."""
    rates: dict[int, dict[str, int]] = {}
    for symbol, instrument in sorted(instruments.items()):
        if instrument.contract_type != "PERPETUAL":
            continue
        for row in files.funding_rates(symbol, window.start - _HOUR_MS, window.end + _HOUR_MS):
            time = (row.calc_time + _HOUR_MS // 2) // _HOUR_MS * _HOUR_MS
            if window.contains(time):
                rate = parse_scaled(row.last_funding_rate, 8, exact=False)
                rates.setdefault(time, {})[symbol] = rate
    return rates
