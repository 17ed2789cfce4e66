"""The running exchange: recovery, the sequencer, the clock, timers and admin operations.

Start-up is recovery (newest snapshot + journal tail), then seeding if the journal was empty.
Shutdown stops the timers, lets the sequencer commit and apply everything queued, snapshots
and closes the journal.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from binance_sandbox.admin.operations import AdminOperations, CreatedKey
from binance_sandbox.admin.saved_states import SavedStates
from binance_sandbox.config.model import SandboxConfig
from binance_sandbox.config.times import parse_instant_ms
from binance_sandbox.control.faults import FaultInjector
from binance_sandbox.control.metrics import ExchangeMetrics
from binance_sandbox.control.request_log import RequestLog
from binance_sandbox.core.commands import Stamped
from binance_sandbox.core.events import Event, StateReplaced
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.gateway.client_clocks import ClientClocks
from binance_sandbox.gateway.downloads.store import DownloadStore
from binance_sandbox.gateway.table import endpoint_table
from binance_sandbox.gateway.user_streams.listen_keys import ListenKeys
from binance_sandbox.journal.recovery import recover
from binance_sandbox.journal.sqlite_journal import SqliteJournal
from binance_sandbox.oauth.service import LoginService
from binance_sandbox.projections.funding import FundingStore
from binance_sandbox.projections.history import HistoryStore
from binance_sandbox.projections.klines import KlineStore
from binance_sandbox.projections.seeded_history import SeededTrades
from binance_sandbox.projections.sqlite_projection import SqliteProjection
from binance_sandbox.projections.tape import TapeStore
from binance_sandbox.projections.transfers import TransferStore
from binance_sandbox.sequencer.sequencer import Applied, Sequencer
from binance_sandbox.sequencer.snapshots import SnapshotPolicy
from binance_sandbox.server.datadir import DataDir
from binance_sandbox.server.market_opening import open_market
from binance_sandbox.server.market_setup import Market, build_market, replay_window
from binance_sandbox.server.seeding import seed_exchange
from binance_sandbox.simulators.clock import ExchangeClock
from binance_sandbox.simulators.clock_control import ClockControl
from binance_sandbox.simulators.replay.window import ReplayWindow
from binance_sandbox.simulators.simulation_control import SimulationControl
from binance_sandbox.simulators.timers import OrderTimer, TimerScheduler

log = logging.getLogger(__name__)
STOP_TIMEOUT_S = 10


class Runtime:
    """Everything that lives as long as the server process. Build with `Runtime.open`."""

    def __init__(
        self,
        config: SandboxConfig,
        data_dir: DataDir,
        sequencer: Sequencer,
        clock: ExchangeClock,
        market: Market,
        projections: "Projections",
    ) -> None:
        self.config = config
        self.klines = projections.klines
        self.tape = projections.tape
        self.history = projections.history
        self.funding = projections.funding
        self.transfers = projections.transfers
        self.data_dir = data_dir
        self.sequencer = sequencer
        self.clock = clock
        self.client_clocks = ClientClocks(clock.now_ms)
        self.listen_keys = ListenKeys(clock.now_ms)
        self.downloads = DownloadStore(data_dir.downloads_path)
        self.market = market
        order_timer = OrderTimer(lambda: sequencer.exchange.state)
        self.scheduler = TimerScheduler(sequencer, clock, market.timers(order_timer))
        self.clock_control = ClockControl(clock, self.scheduler, sequencer)
        self.simulation = SimulationControl(sequencer, self.scheduler, market.agents, market.replay)
        self.operations = AdminOperations(sequencer)
        self.login = LoginService(
            data_dir.oauth_path,
            config.oauth,
            clock.now_ms,
            lambda: sequencer.exchange.state,
            self.operations,
        )
        self.created_keys: list[CreatedKey] = []
        self.faults = FaultInjector()
        sequencer.subscribe(self._on_applied)
        self.metrics = _metrics(config, sequencer)
        self.saved_states = SavedStates(data_dir.saved_states_path, sequencer, self.operations)
        self.request_log = RequestLog(config.server.request_log_entries, data_dir.request_log_path)
        self._timers: asyncio.Task[None] | None = None
        # Set by the server: what to do when a part the exchange cannot run without dies.
        self.on_fatal: Callable[[], None] = lambda: None
        self.fatal: BaseException | None = None

    def _on_applied(self, _stamped: Stamped, applied: Applied) -> None:
        if any(isinstance(event, StateReplaced) for event in applied.events):
            self.faults.forget()

    @classmethod
    def open(cls, config: SandboxConfig, config_dir: Path) -> "Runtime":
        """Recovers the exchange from the data directory (no event loop needed)."""
        data_dir = DataDir(Path(config.server.data_dir))
        data_dir.ensure()
        journal = SqliteJournal(data_dir.journal_path, config.journal.synchronous)
        projections = Projections(data_dir.journal_path, config)
        exchange = recover(journal, on_applied=projections.on_applied)
        projections.catch_up()
        window = replay_window(config)
        clock = open_clock(config, exchange, window)
        policy = SnapshotPolicy(
            config.journal.snapshot_every_commands,
            config.journal.snapshot_every_seconds,
            since_snapshot=exchange.state.last_seq - journal.latest_snapshot_seq(),
        )
        sequencer = Sequencer(
            exchange,
            journal,
            clock.now_ms,
            max_batch=config.journal.max_batch,
            snapshots=policy,
            keep_snapshots=config.journal.keep_snapshots,
            compact=config.journal.compact,
        )
        market = build_market(config, config_dir, data_dir.path, sequencer, window)
        sequencer.subscribe(
            lambda stamped, applied: projections.on_applied(stamped, applied.events)
        )
        for projection in projections.all:
            sequencer.add_flush_source(projection.take_flush)
        return cls(config, data_dir, sequencer, clock, market, projections)

    @property
    def exchange(self) -> Exchange:
        return self.sequencer.exchange

    async def start(self) -> None:
        self.sequencer.start()
        replayed = self.sequencer.snapshot_policy.since_snapshot
        threshold = self.config.journal.snapshot_after_recovery_commands
        if threshold > 0 and replayed >= threshold:
            log.info("recovery replayed %d commands: taking a snapshot", replayed)
            await self.sequencer.try_snapshot()
        fresh = not self.exchange.state.created
        if fresh:
            self.created_keys = await seed_exchange(
                self.config, self.sequencer, self.clock, self.market.ticker, self.operations
            )
        if self.market.agents is not None:
            await open_market(
                self.config.agents,
                self.market.agents,
                self.sequencer,
                self.operations,
                self.clock.now_ms(),
            )
        if fresh:  # what `reset` goes back to
            await self.saved_states.save_genesis()
        # The timers fire from the time the exchange opened at: under a fast clock start-up takes
        # exchange minutes, and a replay must not skip them.
        self._timers = asyncio.get_running_loop().create_task(self.scheduler.run(), name="timers")
        self._timers.add_done_callback(self._timers_ended)
        assert self.sequencer.failed is not None
        self.sequencer.failed.add_done_callback(lambda failed: self._die(failed.result()))

    def _timers_ended(self, task: "asyncio.Task[None]") -> None:
        if not task.cancelled() and (error := task.exception()) is not None:
            log.critical("the timers died; the exchange clock cannot move", exc_info=error)
            self._die(error)

    def _die(self, error: BaseException) -> None:
        """Supervision: a dead sequencer or timer task ends the process (non-zero), so that a
        supervisor or the user restarts it and recovery runs, instead of a server that hangs."""
        if self.fatal is None:
            self.fatal = error
            log.critical("stopping the server: restart it to recover from the journal")
            self.on_fatal()

    async def stop(self) -> None:
        if self._timers is not None:
            self._timers.cancel()
            with contextlib.suppress(BaseException):
                await self._timers
        try:  # bounded: a stop must end even if the journal cannot
            await asyncio.wait_for(self.sequencer.close(), timeout=STOP_TIMEOUT_S)
        except TimeoutError:
            log.error("the journal did not close within %d s; recovery will replay", STOP_TIMEOUT_S)
        self.market.close()
        self.klines.close()
        self.history.close()
        self.funding.close()
        self.transfers.close()
        self.tape.close()
        self.login.close()
        self.downloads.close()
        self.request_log.close()
        log.info("stopped: journal closed at command %d", self.exchange.state.last_seq)


def _metrics(config: SandboxConfig, sequencer: Sequencer) -> ExchangeMetrics | None:
    if not config.server.metrics:
        return None
    paths = {endpoint.path for endpoint in endpoint_table()}
    metrics = ExchangeMetrics(paths, lambda: sequencer.queue_depth)
    sequencer.on_commit = metrics.commit
    sequencer.subscribe(lambda _stamped, applied: metrics.events(len(applied.events)))
    return metrics


class Projections:
    """The read-side stores fed from applied events (and, at start-up, from recovery)."""

    def __init__(self, path: Path, config: SandboxConfig) -> None:
        # the seeded history walks at each gbm pair's volatility; other sources' is flat
        volatility = {
            pair: source.volatility
            for pair, source in config.prices.pairs.items()
            if source.source == "gbm"
        }
        days, seed = config.prices.history_days, config.exchange.seed
        self.klines = KlineStore(path, days, seed, volatility)
        retention_ms = round(config.journal.amendment_history_hours * 3_600_000)
        self.history = HistoryStore(path, retention_ms)
        self.tape = TapeStore(path, SeededTrades(self.klines.seeded, config.instruments))
        self.funding = FundingStore(path)
        self.transfers = TransferStore(path)
        self.all: tuple[SqliteProjection, ...] = (
            self.klines,
            self.history,
            self.tape,
            self.funding,
            self.transfers,
        )

    def on_applied(self, stamped: Stamped, events: list[Event]) -> None:
        for projection in self.all:
            projection.on_applied(stamped, events)

    def catch_up(self) -> None:
        """Writes what recovery replayed into them, before the server serves anything."""
        for projection in self.all:
            if (write := projection.take_flush()) is not None:
                write()


def open_clock(
    config: SandboxConfig, exchange: Exchange, replay: ReplayWindow | None
) -> ExchangeClock:
    """A fresh exchange starts at `clock.start` (or now, or a replay's start); a recovered one
    never goes back. A replay keeps exchange time apart from wall time even at speed 1, so a
    restart resumes it where it stopped."""
    wall_ms = int(time.time() * 1000)
    mode = config.clock.mode
    if replay is not None and mode == "real":
        mode = "accelerated"
    if exchange.state.created:
        start = exchange.state.last_ts if mode != "real" else wall_ms
    elif replay is not None:
        start = replay.start
    else:
        start = parse_instant_ms(config.clock.start) if config.clock.start else wall_ms
    if replay is not None and start >= replay.end:
        log.warning("the exchange clock is past the replay window: nothing will be replayed")
    opened = max(start, exchange.state.last_ts)
    clock = ExchangeClock(mode, config.clock.speed, start)
    # An accelerated clock stands at its opening time until the timers take it over: opening
    # the files and the market takes real time, worth minutes of exchange time at high speed,
    # and the timers must fire from where the exchange opened (a replay's first slices too).
    clock.hold_within(lambda: opened)
    clock.advance_to(opened)
    return clock
