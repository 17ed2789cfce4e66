"""A replay session: what replaying FROM..TO adds to the exchange.

- the index of each pair with files follows them (indexPriceKlines, or the perpetual's trade
  klines when there are none), through `ReplayedIndex` wrapped around the configured source;
- the aggTrades of each symbol with files print on its tape (`ReplayTape`);
- the noise takers rest inside the window (`replaying`), the makers quote as always;
- the fundingRate files decide the rates settled inside the window (`funding_rates`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from binance_sandbox.core.fixed import AMOUNT_DECIMALS
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.marketdata.files import Kind
from binance_sandbox.marketdata.store import MarketDataStore
from binance_sandbox.simulators.prices.base import PriceSource
from binance_sandbox.simulators.replay.funding_rates import replayed_rates
from binance_sandbox.simulators.replay.index_path import IndexPath, ReplayedIndex
from binance_sandbox.simulators.replay.tape_feed import ReplayTape, scaled
from binance_sandbox.simulators.replay.window import ReplayWindow


class ReplayError(ValueError):
    """A replay that cannot start: no data in the window, a clock past it."""


@dataclass(frozen=True, slots=True)
class ReplaySession:
    window: ReplayWindow
    tape: ReplayTape
    sources: dict[str, PriceSource]  # by pair: the configured ones, replayed where files are
    pairs: list[str]  # whose index follows the files
    symbols: list[str]  # whose trades print
    # funding time -> symbol -> settled rate (8 decimals), from the window's fundingRate files
    funding_rates: dict[int, dict[str, int]] = field(default_factory=dict)

    def replaying(self, ts: int) -> bool:
        return self.window.contains(ts)


def start_session(
    window: ReplayWindow,
    files: MarketDataStore,
    instruments: dict[str, Instrument],
    sources: dict[str, PriceSource],
    interval_ms: int,
    paused: Callable[[], bool],
) -> ReplaySession:
    printing = [
        instrument
        for _, instrument in sorted(instruments.items())
        if next(iter(files.agg_trades(instrument.symbol, window.start, window.end)), None)
    ]
    replayed = dict(sources)
    pairs = []
    for pair, source in sorted(sources.items()):
        path = _index_path(files, pair, instruments, window)
        if path is not None:
            replayed[pair] = ReplayedIndex(path, window, source, paused)
            pairs.append(pair)
    if not printing and not pairs:
        raise ReplayError(
            f"no imported data between {window.start} and {window.end} (epoch ms) for any "
            "instrument: import files first with `binance-sandbox data import PATH...`"
        )
    tape = ReplayTape(window, interval_ms, printing, files, paused)
    symbols = [i.symbol for i in printing]
    rates = replayed_rates(files, instruments, window)
    return ReplaySession(window, tape, replayed, pairs, symbols, rates)


def _index_path(
    files: MarketDataStore, pair: str, instruments: dict[str, Instrument], window: ReplayWindow
) -> IndexPath | None:
    rows = files.klines(Kind.INDEX_PRICE_KLINES, pair, "1m", window.start, window.end)
    if not rows:
        perpetual = next(
            (
                s
                for s, i in instruments.items()
                if i.pair == pair and i.contract_type == "PERPETUAL"
            ),
            None,
        )
        if perpetual is not None:
            rows = files.klines(Kind.KLINES, perpetual, "1m", window.start, window.end)
    if not rows:
        return None
    return IndexPath.from_klines(
        [
            (
                r.open_time,
                scaled(r.open, AMOUNT_DECIMALS),
                scaled(r.close, AMOUNT_DECIMALS),
                r.close_time,
            )
            for r in rows
        ]
    )
