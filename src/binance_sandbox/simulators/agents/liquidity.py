"""The liquidity agents as one timer: makers requote on a grid, noise takers trade at their
scheduled times.

They are ordinary accounts: every decision is read off the exchange state and sent as the
commands a client would send (place, amend, cancel), through the sequencer, so the journal
holds all they did and a replay needs no agents. They decide from the state as it is when
they fire (`reads_state`), which the scheduler guarantees includes everything due before.
Paused (SetSimulation) they do nothing; their random draws come from the journaled agents'
seed, or from the configured one, or from the exchange seed. A quarterly in its last 10
minutes or delivered is left alone (core/delivery.py). Without a configured symbol list they
act on every instrument the exchange lists as it fires, so a quarter listed at a delivery (or
a default quarterly already past when the exchange opened) is quoted and traded too.
"""

from collections.abc import Callable

from binance_sandbox.config.model import AgentsConfig
from binance_sandbox.core import delivery
from binance_sandbox.core.commands import Command
from binance_sandbox.core.fixed import AMOUNT_DECIMALS, parse_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.open_orders import of_account
from binance_sandbox.core.orders import Order
from binance_sandbox.core.state import ExchangeState, position_key
from binance_sandbox.simulators.agents.ladder import LadderShape, ladder
from binance_sandbox.simulators.agents.maker import Quoting, requote
from binance_sandbox.simulators.agents.taker import TakerSizing, market_order
from binance_sandbox.simulators.agents.taker_schedule import TakerSchedule

_BPS = 10_000


class LiquidityAgents:
    reads_state = True

    def __init__(
        self,
        config: AgentsConfig,
        symbols: list[str] | None,  # None: every instrument listed when they fire
        state: Callable[[], ExchangeState],
        replaying: Callable[[int], bool] = lambda ts: False,
    ) -> None:
        maker, taker = config.maker, config.taker
        self._shape = LadderShape(
            maker.levels,
            maker.spread_bps,
            maker.step_bps,
            _amount("agents.maker.level_notional", maker.level_notional),
        )
        self._max_inventory = _amount("agents.maker.max_inventory", maker.max_inventory)
        self._sizing = TakerSizing(
            _amount("agents.taker.min_notional", taker.min_notional),
            _amount("agents.taker.max_notional", taker.max_notional),
            _amount("agents.taker.max_inventory", taker.max_inventory),
        )
        _check(config, self._max_inventory, self._shape, self._sizing)
        self._config = config
        self._symbols = symbols
        self._state = state
        self._replaying = replaying
        self._schedules: dict[tuple[int, tuple[str, ...]], TakerSchedule] = {}
        self._account_ids: dict[str, int] = {}

    def next_due(self, after_ms: int) -> int:
        requote = (after_ms // self._config.requote_ms + 1) * self._config.requote_ms
        if not self._config.taker.enabled or not self.symbols:  # none before the genesis
            return requote
        return min(requote, self._schedule().next_due(after_ms))

    def begin(self, state: ExchangeState) -> None:
        """Nothing to prepare: the state is read when they fire."""

    def fire(self, due_ms: int) -> list[Command]:
        if self._state().simulation.agents_paused:
            return []
        commands = self.requote_all() if due_ms % self._config.requote_ms == 0 else []
        if self._config.taker.enabled:
            commands += self.take(due_ms, self._schedule().due_symbols(due_ms))
        return commands

    def requote_all(self) -> list[Command]:
        """Every maker's commands to bring its ladder to the index as it stands."""
        state = self._state()
        maker = self._account_id(state, self._config.maker.account)
        if maker is None:
            return []
        by_symbol: dict[str, list[Order]] = {symbol: [] for symbol in self.symbols}
        for order in of_account(state, maker):
            if order.symbol in by_symbol:
                by_symbol[order.symbol].append(order)
        commands: list[Command] = []
        for symbol, orders in by_symbol.items():
            instrument = state.instruments[symbol]
            index = state.index_prices.get(instrument.pair)
            if index is None or not _trading(state, instrument, state.last_ts):
                continue
            fair = self._skewed(index, self._inventory(state, maker, instrument, index))
            quoting = Quoting(
                maker, instrument, self._config.maker.refill_below, self._config.maker.lag_steps
            )
            commands += requote(quoting, ladder(instrument, fair, self._shape), orders)
        return commands

    def take(self, due_ms: int, symbols: list[str]) -> list[Command]:
        """One noise taker's MARKET order on each of `symbols` (none while a replay prints)."""
        state = self._state()
        taker = self._account_id(state, self._config.taker.account)
        if taker is None or self._replaying(due_ms):
            return []
        commands: list[Command] = []
        seed = self.seed(state)
        for symbol in symbols:
            instrument = state.instruments[symbol]
            index = state.index_prices.get(instrument.pair)
            if index is None or not _trading(state, instrument, due_ms):
                continue
            units = index // 10 ** (AMOUNT_DECIMALS - instrument.price_decimals)
            inventory = self._inventory(state, taker, instrument, index)
            commands.append(
                market_order(taker, instrument, units, inventory, self._sizing, seed, due_ms)
            )
        return commands

    @property
    def symbols(self) -> list[str]:
        """The configured symbols, or every listed one of both products."""
        if self._symbols is not None:
            return self._symbols
        return sorted(self._state().instruments)

    @property
    def takes(self) -> bool:
        return self._config.taker.enabled

    def seed(self, state: ExchangeState) -> int:
        return state.simulation.agents_seed or self._config.seed or state.seed

    def _schedule(self) -> TakerSchedule:
        symbols = self.symbols
        key = (self.seed(self._state()), tuple(symbols))
        if key not in self._schedules:
            taker = self._config.taker
            self._schedules = {
                key: TakerSchedule(key[0], symbols, taker.slot_ms, taker.trades_per_slot)
            }
        return self._schedules[key]

    def _skewed(self, index: int, inventory: int) -> int:
        """The fair price: the index moved against the maker's inventory, so fills that would
        grow it get dearer and those that shrink it cheaper."""
        if not self._max_inventory:
            return index
        lean = max(-1.0, min(1.0, inventory / self._max_inventory))
        return round(index * (1 - lean * self._config.maker.skew_bps / _BPS))

    def _account_id(self, state: ExchangeState, name: str) -> int | None:
        if name not in self._account_ids:
            found = next((a.account_id for a in state.accounts if a.name == name), None)
            if found is None:
                return None
            self._account_ids[name] = found
        return self._account_ids[name]

    @staticmethod
    def _inventory(
        state: ExchangeState, account_id: int, instrument: Instrument, index: int
    ) -> int:
        """The account's one-way position in quote asset (USDT, or USD for an inverse
        contract: its contracts' size) at AMOUNT_DECIMALS, signed."""
        position = state.positions.get(position_key(account_id, instrument.symbol, "BOTH"))
        if position is None or not position.qty:
            return 0
        scale: int = 10**instrument.qty_decimals
        per_qty: int = (
            instrument.contract_size * 10**AMOUNT_DECIMALS if instrument.inverse else index
        )
        return position.qty * per_qty // scale


def _trading(state: ExchangeState, instrument: Instrument, now_ms: int) -> bool:
    """Not a quarterly in its last 10 minutes or delivered: its orders would be refused."""
    return delivery.status(state, instrument, now_ms) == "TRADING"


def _check(
    config: AgentsConfig, max_inventory: int, shape: LadderShape, sizing: TakerSizing
) -> None:
    """Refuses settings the agents cannot work with, naming the key to fix."""
    maker = config.maker
    problems = {
        "agents.requote_ms must be positive": config.requote_ms <= 0,
        "agents.maker.levels must be at least 1": maker.levels < 1,
        "agents.maker.spread_bps must not be negative": maker.spread_bps < 0,
        "agents.maker.step_bps must be positive": maker.step_bps <= 0,
        "agents.maker.refill_below must be above 0 and at most 1": not 0 < maker.refill_below <= 1,
        "agents.maker.lag_steps must not be negative": maker.lag_steps < 0,
        "agents.maker.skew_bps must not be negative": maker.skew_bps < 0,
        "agents.maker.level_notional must be positive": shape.level_notional <= 0,
        "agents.maker.max_inventory must not be negative": max_inventory < 0,
        "agents.taker.min_notional must be positive and at most max_notional": not (
            0 < sizing.min_notional <= sizing.max_notional
        ),
        "agents.taker.max_inventory must not be negative": sizing.max_inventory < 0,
    }
    wrong = [message for message, failed in problems.items() if failed]
    if wrong:
        raise ValueError("; ".join(wrong))


def _amount(key: str, text: str) -> int:
    """A configured amount at AMOUNT_DECIMALS; a bad one names its key."""
    try:
        amount: int = parse_scaled(text, AMOUNT_DECIMALS)
    except ValueError as exc:
        raise ValueError(f"{key} = {text!r}: {exc}") from exc
    return amount
