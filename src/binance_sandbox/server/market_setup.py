"""The simulated market around the core: index price sources, liquidity agents and a replay.

All of them are timers feeding commands through the sequencer. A replay (`replay.start` /
`replay.end`, or `serve --replay FROM..TO`) reads the imported files, wraps the price sources
of the pairs it has data for, adds its tape feed, and sends the noise takers to rest while its
window runs.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from binance_sandbox.config.model import SandboxConfig
from binance_sandbox.core import delivery, funding
from binance_sandbox.core.commands import DeliverContracts, SettleFunding
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.marketdata.store import MarketDataStore, market_data_path
from binance_sandbox.sequencer.sequencer import Sequencer
from binance_sandbox.simulators.agents.liquidity import LiquidityAgents
from binance_sandbox.simulators.due_timer import DueTimer
from binance_sandbox.simulators.prices import build_price_sources
from binance_sandbox.simulators.replay.session import ReplayError, ReplaySession, start_session
from binance_sandbox.simulators.replay.window import ReplayWindow
from binance_sandbox.simulators.timers import PriceTicker, Timer


@dataclass
class Market:
    ticker: PriceTicker
    agents: LiquidityAgents | None
    replay: ReplaySession | None
    files: MarketDataStore | None  # open while a replay is configured
    funding: DueTimer
    delivery: DueTimer

    def timers(self, order_timer: Timer) -> list[Timer]:
        """In firing order within one due time: prices and prints first, so the agents (who
        read the state) see them, and funding settles at the mark of its own time."""
        timers: list[Timer] = [self.ticker, order_timer, self.funding, self.delivery]
        if self.replay is not None:
            timers.append(self.replay.tape)
        if self.agents is not None:
            timers.append(self.agents)
        return timers

    def summary(self) -> str:
        """One line for the banner: what moves the market."""
        if self.agents is None:
            parts = ["index prices only (agents off: books stay empty but for your orders)"]
        else:
            takers = " and noise takers" if self.agents.takes else ""
            parts = [f"makers{takers} on {len(self.agents.symbols)} symbols"]
        if self.replay is not None:
            window = self.replay.window
            parts.append(
                f"replaying {_iso(window.start)}..{_iso(window.end)} "
                f"({', '.join(self.replay.symbols or self.replay.pairs)})"
            )
        return "; ".join(parts)

    def close(self) -> None:
        if self.files is not None:
            self.files.close()


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def replay_window(config: SandboxConfig) -> ReplayWindow | None:
    if not config.replay.start and not config.replay.end:
        return None
    if not (config.replay.start and config.replay.end):
        raise ReplayError("a replay needs both replay.start and replay.end (FROM..TO)")
    return ReplayWindow.parse(config.replay.start, config.replay.end)


def build_market(
    config: SandboxConfig,
    config_dir: Path,
    data_dir: Path,
    sequencer: Sequencer,
    window: ReplayWindow | None,
) -> Market:
    pairs = sorted({instrument.pair for instrument in config.instruments.values()})
    sources = build_price_sources(config.prices, config.exchange.seed, pairs, config_dir)
    replay: ReplaySession | None = None
    files: MarketDataStore | None = None
    if window is not None:
        path = Path(config.replay.store) if config.replay.store else market_data_path(data_dir)
        if not path.exists():
            raise ReplayError(
                f"no imported market data at {path}: "
                "run `binance-sandbox data import PATH...` first"
            )
        files = MarketDataStore.open(path)
        replay = start_session(
            window,
            files,
            config.instruments,
            sources,
            config.prices.interval_ms,
            lambda: sequencer.exchange.state.simulation.replay_paused,
        )
        sources = replay.sources
    ticker = PriceTicker(sources, config.prices.interval_ms)
    agents = _agents(config, sequencer, replay)
    rates = replay.funding_rates if replay is not None else {}

    def state() -> ExchangeState:
        return sequencer.exchange.state

    funding_timer = DueTimer(
        state, funding.next_due, lambda due: SettleFunding(rates=rates.get(due, {}))
    )
    delivery_timer = DueTimer(state, delivery.next_due, lambda _due: DeliverContracts())
    return Market(ticker, agents, replay, files, funding_timer, delivery_timer)


def _agents(
    config: SandboxConfig, sequencer: Sequencer, replay: ReplaySession | None
) -> LiquidityAgents | None:
    if not config.agents.enabled:
        return None
    symbols = config.agents.symbols or None  # None: every listed one, listings included
    unknown = sorted(set(symbols or ()) - set(config.instruments))
    if unknown:
        raise ValueError(f"agents.symbols: {', '.join(unknown)} not among the instruments")
    replaying = replay.replaying if replay is not None else (lambda ts: False)
    return LiquidityAgents(config.agents, symbols, lambda: sequencer.exchange.state, replaying)
