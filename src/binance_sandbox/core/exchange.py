"""`Exchange.apply`: the single entry point that changes exchange state.

Invariants: sequence numbers are consecutive from 1; exchange time never goes backwards; the
first command is `Genesis`. Breaking one of these is a bug in the shell, so it raises; business
refusals come back as `Rejected` events.
"""

from binance_sandbox.core import (
    algo_placing,
    algo_triggers,
    amending,
    delivery,
    faults,
    funding,
    insurance_fund,
    liquidating,
    margin_settings,
    mark_price,
    multi_assets,
    order_timers,
    rejects,
    state_replacement,
    trading,
    wallets,
)
from binance_sandbox.core.commands import (
    AddFaults,
    AmendOrder,
    CancelAlgoOrder,
    CancelAllAlgoOrders,
    CancelAllOrders,
    CancelOrder,
    ClearFaults,
    Command,
    CreateAccount,
    CreateApiKey,
    DeliverContracts,
    Deposit,
    FireOrderTimers,
    Genesis,
    ModifyPositionMargin,
    PlaceAlgoOrder,
    PlaceOrder,
    PrintTrades,
    ReplaceState,
    SetClock,
    SetCountdown,
    SetFeeBurn,
    SetIndexPrices,
    SetInsuranceFund,
    SetLeverage,
    SetMarginType,
    SetMarkPrice,
    SetMultiAssetsMode,
    SetOverload,
    SetPositionMode,
    SetSimulation,
    SettleFunding,
    SetTradeGroup,
    Stamped,
    Withdraw,
)
from binance_sandbox.core.events import (
    ClockChanged,
    Event,
    ExchangeCreated,
    FundingSettled,
    IndexPricesChanged,
    MarkPriceSet,
    OverloadChanged,
    SimulationChanged,
    TradesPrinted,
)
from binance_sandbox.core.liquidation_watch import LiquidationWatch
from binance_sandbox.core.mark_price import MarkState
from binance_sandbox.core.order_book import OrderBook
from binance_sandbox.core.positions import price_8
from binance_sandbox.core.state import ClockState, ExchangeState, SimulationState


class SequenceError(RuntimeError):
    """The shell fed a command out of order or back in time."""


class Exchange:
    def __init__(self, state: ExchangeState | None = None) -> None:
        self.state = state if state is not None else ExchangeState()
        self.watch = LiquidationWatch()  # not state: rebuilt from it when missing

    def apply(self, stamped: Stamped) -> list[Event]:
        state = self.state
        if stamped.seq != state.last_seq + 1:
            raise SequenceError(f"expected seq {state.last_seq + 1}, got {stamped.seq}")
        if stamped.ts < state.last_ts:
            raise SequenceError(f"time went back: {stamped.ts} < {state.last_ts}")
        state.last_seq = stamped.seq
        state.last_ts = stamped.ts
        command = stamped.command
        if not state.created and not isinstance(command, Genesis):
            return [rejects.not_created()]
        funding.sample_premiums(state, stamped.ts)
        delivery.sample_index(state, stamped.ts)
        events = _dispatch(state, stamped.seq, stamped.ts, command)
        self.watch.note(events)
        moved = _marks_moved(events) or liquidating.traded_into_liquidation(state, events)
        if moved:
            events += liquidating.check(state, stamped.ts, moved, self.watch)
        followed = algo_triggers.follow(state, stamped.seq, stamped.ts, events)
        self.watch.note(followed[len(events) :])
        return followed


def _marks_moved(events: list[Event]) -> set[str]:
    """The symbols whose mark price the command changed, and those whose funding it settled (a
    fee can push a scope past 80 % or 100 % without a mark move): liquidation is checked on
    them."""
    moved: set[str] = set()
    for event in events:
        if isinstance(event, IndexPricesChanged):
            moved.update(event.marks)
        elif isinstance(event, MarkPriceSet | FundingSettled):
            moved.add(event.symbol)
    return moved


# One case per command type: the branch count grows with the command set, on purpose.
def _dispatch(state: ExchangeState, seq: int, ts: int, command: Command) -> list[Event]:  # noqa: PLR0912
    match command:
        case Genesis():
            return _genesis(state, ts, command)
        case SetIndexPrices():
            return _set_index_prices(state, ts, command)
        case SetClock():
            return _set_clock(state, ts, command)
        case CreateAccount():
            return wallets.create_account(state, ts, command)
        case CreateApiKey():
            return wallets.create_api_key(state, seq, ts, command)
        case Deposit():
            return wallets.deposit(state, seq, ts, command)
        case Withdraw():
            return wallets.withdraw(state, seq, ts, command)
        case PlaceOrder():
            return trading.place_order(state, seq, ts, command)
        case CancelOrder():
            return trading.cancel_order(state, ts, command)
        case AmendOrder():
            return amending.amend_order(state, ts, command)
        case SetCountdown():
            return order_timers.set_countdown(state, ts, command)
        case FireOrderTimers():
            return order_timers.fire(state, ts)
        case CancelAllOrders():
            return trading.cancel_all_orders(state, ts, command)
        case SetPositionMode():
            return trading.set_position_mode(state, command)
        case SetLeverage():
            return margin_settings.set_leverage(state, command)
        case SetMarginType():
            return margin_settings.set_margin_type(state, command)
        case ModifyPositionMargin():
            return margin_settings.modify_position_margin(state, ts, command)
        case SetFeeBurn():
            return wallets.set_fee_burn(state, command)
        case SetTradeGroup():
            return wallets.set_trade_group(state, command)
        case SetOverload():
            state.overloaded = command.on
            return [OverloadChanged(on=command.on)]
        case PrintTrades():
            return _print_trades(state, command)
        case SetSimulation():
            return _set_simulation(state, command)
        case AddFaults():
            return faults.add_rules(state, command.rules)
        case ClearFaults():
            return faults.clear_rules(state)
        case ReplaceState():
            return state_replacement.replace_state(state, command)
        case SettleFunding():
            return funding.settle(state, ts, command)
        case DeliverContracts():
            return delivery.deliver(state, ts)
        case PlaceAlgoOrder():
            return algo_placing.place(state, seq, ts, command)
        case CancelAlgoOrder():
            return algo_placing.cancel(state, ts, command)
        case CancelAllAlgoOrders():
            return algo_placing.cancel_all(state, ts, command)
        case SetMultiAssetsMode():
            return multi_assets.set_multi_assets_mode(state, command)
        case SetMarkPrice():
            return _set_mark_price(state, ts, command)
        case SetInsuranceFund():
            return insurance_fund.set_balance(state, ts, command)


def _genesis(state: ExchangeState, ts: int, cmd: Genesis) -> list[Event]:
    if state.created:
        return [rejects.already_created()]
    state.created, state.created_at = True, ts
    state.seed = cmd.seed
    state.assets = cmd.assets
    state.instruments = {instrument.symbol: instrument for instrument in cmd.instruments}
    state.books = {symbol: OrderBook(symbol) for symbol in state.instruments}
    return [ExchangeCreated(symbols=tuple(state.instruments))]


def _set_index_prices(state: ExchangeState, ts: int, cmd: SetIndexPrices) -> list[Event]:
    pairs = {instrument.pair for instrument in state.instruments.values()}
    for pair, price in cmd.prices.items():
        if pair not in pairs:
            return [rejects.BAD_SYMBOL]
        if price <= 0:
            return [rejects.malformed("price")]
    state.index_prices.update(cmd.prices)
    state.index_price_times.update(dict.fromkeys(cmd.prices, ts))
    marks = {
        symbol: mark_price.tick(
            state.marks.setdefault(symbol, MarkState()), instrument, state.books[symbol],
            cmd.prices[instrument.pair], ts, funding.current_rate(state, instrument),
            funding.interval_ms(state, instrument),
        )
        for symbol, instrument in state.instruments.items()
        if instrument.pair in cmd.prices
    }  # fmt: skip
    premiums = funding.premiums(state, marks)
    return [IndexPricesChanged(prices=dict(cmd.prices), time=ts, marks=marks, premiums=premiums)]


def _set_mark_price(state: ExchangeState, ts: int, cmd: SetMarkPrice) -> list[Event]:
    if cmd.symbol not in state.instruments:
        return [rejects.BAD_SYMBOL]
    if cmd.price <= 0:
        return [rejects.malformed("price")]
    state.marks.setdefault(cmd.symbol, MarkState()).mark = cmd.price
    return [MarkPriceSet(symbol=cmd.symbol, mark=cmd.price, time=ts)]


def _set_clock(state: ExchangeState, ts: int, cmd: SetClock) -> list[Event]:
    if cmd.speed_milli <= 0:
        return [rejects.malformed("speed")]
    state.clock = ClockState(mode=cmd.mode, speed_milli=cmd.speed_milli, paused=cmd.paused)
    return [ClockChanged(mode=cmd.mode, speed_milli=cmd.speed_milli, paused=cmd.paused, time=ts)]


def _print_trades(state: ExchangeState, cmd: PrintTrades) -> list[Event]:
    if cmd.symbol not in state.instruments:
        return [rejects.BAD_SYMBOL]
    for tape_print in cmd.prints:
        if tape_print.price <= 0 or tape_print.qty <= 0 or tape_print.count <= 0:
            return [rejects.malformed("prints")]
    first = state.take_trade_ids(cmd.symbol, sum(tape_print.count for tape_print in cmd.prints))
    if cmd.prints:
        instrument = state.instruments[cmd.symbol]
        last = price_8(cmd.prints[-1].price, instrument.price_decimals)
        state.marks.setdefault(cmd.symbol, MarkState()).last_trade = last
    return [TradesPrinted(symbol=cmd.symbol, first_trade_id=first, prints=cmd.prints)]


def _set_simulation(state: ExchangeState, cmd: SetSimulation) -> list[Event]:
    state.simulation = SimulationState(
        agents_paused=cmd.agents_paused,
        agents_seed=cmd.agents_seed,
        replay_paused=cmd.replay_paused,
    )
    return [
        SimulationChanged(
            agents_paused=cmd.agents_paused,
            agents_seed=cmd.agents_seed,
            replay_paused=cmd.replay_paused,
        )
    ]
