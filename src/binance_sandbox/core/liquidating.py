"""Liquidation (FORMULAS.md §4.5), run inside the command that moved a mark price, so the
journal replays it.

At every mark change, the scopes (cross account per margin asset, isolated position) holding a
position in the changed symbols are checked (`margin_health`). A scope at 100 % margin ratio:
1. its open orders expire (`er` 5): cross all of the asset's cross orders and every
   conditional order of the account, isolated the symbol's orders of that position side;
2. while it stays at 100 %, its largest position (by maintenance margin) is reduced: a cross
   position above the first bracket only down to the floor of its bracket ("partial
   liquidation to a lower bracket first"), otherwise closed, by an IOC (`autoclose-<time><id>`)
   at the bankruptcy price into the book (a taker order like any other: it pays taker
   commission);
3. what the book did not absorb is taken over by the insurance fund at the bankruptcy price
   when the fund stays solvent at the mark, otherwise deleveraged (`adl`), the fund taking any
   rest;
4. the clearance fee, `liquidationFee` x the liquidated notional, capped at what is left of the
   scope's margin above its maintenance margin (Binance does not publish the exact rule; so
   it never makes the trader negative nor puts a partly liquidated scope back at 100 %), goes
   to the fund (INSURANCE_CLEAR);
5. once the scope holds no position, a negative balance it left is paid by the fund
   (INSURANCE_CLEAR, positive).
Margin calls: a scope past 80 % gets one `MarginCall` until it drops below again.

A Multi-Assets pool (`margin_health`) is liquidated the same way: its bankruptcy price counts
every wallet at its haircut, and its clearance fee and cleared loss are booked in USDT, what the
pool's USD figures are worth at USDT's ask rate. Binance sells the other assets off
(auto-exchange); the sandbox does not: a USDT debt the collateral still covers stays in the
wallet, and the fund pays only what the whole pool cannot.
"""

from binance_sandbox.core import (
    adl,
    algo_placing,
    collateral,
    contract_value,
    insurance_fund,
    open_orders,
    reduce_only,
    trading,
)
from binance_sandbox.core.accounts import Account, wallet_of
from binance_sandbox.core.bankruptcy import bankruptcy_price, on_tick_grid
from binance_sandbox.core.brackets import maintenance_margin, tier_for
from binance_sandbox.core.events import (
    BalanceChanged,
    Event,
    ForceOrder,
    MarginCall,
    MarginCallPosition,
    OrderUpdated,
)
from binance_sandbox.core.fixed import AMOUNT_DECIMALS, AMOUNT_SCALE, parse_scaled
from binance_sandbox.core.forced_orders import closing_order
from binance_sandbox.core.income_ids import next_tran_id
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.liquidation_records import FUND_ACCOUNT_ID, InsuranceClear
from binance_sandbox.core.liquidation_watch import LiquidationWatch
from binance_sandbox.core.margin import mark_of, symbol_config
from binance_sandbox.core.margin_health import (
    CROSS,
    Health,
    Scope,
    cross_wallet,
    positions_of,
    scan,
    scope_asset,
    scope_health,
)
from binance_sandbox.core.matching import Fill, execute
from binance_sandbox.core.order_ending import copy, end_order
from binance_sandbox.core.orders import Order
from binance_sandbox.core.positions import Position, price_8, unrealized_pnl
from binance_sandbox.core.state import ExchangeState

ROUNDS = 8  # liquidations and ADL can put others at 100 %: re-check, boundedly
LIQUIDATED = 5  # `er`: the order expired because its account was liquidated


def check(state: ExchangeState, ts: int, symbols: set[str], watch: LiquidationWatch) -> list[Event]:
    """Margin calls and liquidations after the marks of `symbols` changed; `watch` says which
    accounts can be concerned and learns which ones liquidation changed."""
    events: list[Event] = []
    for _ in range(ROUNDS):
        healths = scan(state, watch.candidates(state, symbols))
        events += _margin_calls(state, healths)
        due = [h.scope for h in healths if h.liquidating]
        if not due:
            break
        for scope in due:
            liquidated = liquidate(state, ts, scope)
            watch.note(liquidated)
            events += liquidated
    return events


def traded_into_liquidation(state: ExchangeState, events: list[Event]) -> set[str]:
    """The symbols a command's fills traded when they left a trader at or past 100 % (a fill
    away from the mark can), to check as after a mark change: at once, as Binance's next risk
    check would, not at the next mark. The exact check of the few traders alone, so the index
    is not refreshed at every fill."""
    orders = [e.order for e in events if isinstance(e, OrderUpdated) and e.trade]
    traders = sorted({o.account_id for o in orders})
    if not traders or not any(health.liquidating for health in scan(state, traders)):
        return set()
    return {o.symbol for o in orders}


def liquidate(state: ExchangeState, ts: int, scope: Scope) -> list[Event]:
    account = state.accounts[scope.account_id - 1]
    state.margin_calls.pop(scope.key, None)
    isolated_before = _isolated_wallet(state, scope)
    wallet_before = wallet_of(account, scope.product).balance(scope.asset)
    events = _expire_orders(state, account, scope, ts)
    if scope.position_key == CROSS:  # and its conditional orders, all of them
        events += algo_placing.expire_account(state, account.account_id, ts, "Account liquidated")
    for _ in range(4 * len(state.instruments) * 16):
        health = scope_health(state, scope)
        if health is None or not health.liquidating:
            break
        position = _largest(state, account, scope)
        instrument = state.instruments[position.symbol]
        order, reduced = _reduce(state, ts, account, scope, position)
        events += reduced
        health = scope_health(state, scope)
        left = (
            _settled(state, scope, health.balance - health.maint - 1)  # the ratio stays < 100 %
            if health
            else _left(state, account, scope, isolated_before, wallet_before)
        )
        events += _clearance_fee(state, account, scope, instrument, order, left, ts)
    if scope_health(state, scope) is None:
        left = _left(state, account, scope, isolated_before, wallet_before)
        if left < 0:
            isolated = scope.position_key != CROSS
            symbol = state.positions[scope.position_key].symbol if isolated else ""
            events += _clearing(state, account, scope, symbol, -left, ts)
    return events


def _margin_calls(state: ExchangeState, healths: list[Health]) -> list[Event]:
    events: list[Event] = []
    for health in healths:
        key = health.scope.key
        if not health.warned or health.liquidating:
            state.margin_calls.pop(key, None)
        elif key not in state.margin_calls:
            state.margin_calls[key] = None
            events.append(_margin_call(state, health.scope))
    return events


def _margin_call(state: ExchangeState, scope: Scope) -> MarginCall:
    account = state.accounts[scope.account_id - 1]
    rows = []
    for position in _scope_positions(state, account, scope):
        instrument = state.instruments[position.symbol]
        mark = mark_of(state, instrument)
        terms = contract_value.terms(instrument)
        notional = contract_value.notional(position.qty, mark, *terms)
        rows.append(
            MarginCallPosition(
                symbol=position.symbol,
                position_side=position.side,
                qty=position.qty,
                isolated=scope.position_key != CROSS,
                isolated_wallet=position.isolated_wallet,
                mark=mark,
                upnl=unrealized_pnl(position, mark, *terms),
                maint=maintenance_margin(instrument.tiers, notional),
            )
        )
    cross = scope.position_key == CROSS
    return MarginCall(
        account_id=account.account_id,
        asset=scope.asset,
        cross_wallet=_cross_wallet(state, account, scope) if cross else None,
        positions=tuple(rows),
    )


def _scope_positions(state: ExchangeState, account: Account, scope: Scope) -> list[Position]:
    if scope.position_key != CROSS:
        position = state.positions[scope.position_key]
        return [position] if position.qty else []
    return [
        p
        for p in positions_of(state, account.account_id)
        if scope_asset(account, state.instruments[p.symbol]) == scope.asset
        and not symbol_config(account, state.instruments[p.symbol]).isolated
    ]


def _isolated_positions(state: ExchangeState, account: Account, asset: str) -> list[Position]:
    return [
        p
        for p in positions_of(state, account.account_id)
        if state.instruments[p.symbol].margin_asset == asset
        and symbol_config(account, state.instruments[p.symbol]).isolated
    ]


def _isolated_wallet(state: ExchangeState, scope: Scope) -> int:
    return 0 if scope.position_key == CROSS else state.positions[scope.position_key].isolated_wallet


def _expire_orders(state: ExchangeState, account: Account, scope: Scope, ts: int) -> list[Event]:
    if scope.position_key == CROSS:
        symbols = {p.symbol for p in _scope_positions(state, account, scope)}
        mine = [
            o
            for o in open_orders.of_account(state, account.account_id)
            if scope_asset(account, state.instruments[o.symbol]) == scope.asset
            and (
                o.symbol in symbols
                or not symbol_config(account, state.instruments[o.symbol]).isolated
            )
        ]
    else:
        position = state.positions[scope.position_key]
        mine = [
            o
            for o in open_orders.of_account(state, account.account_id)
            if (o.symbol, o.position_side) == (position.symbol, position.side)
        ]
    events: list[Event] = []
    for order in mine:
        ended = end_order(state, order, "EXPIRED", ts)
        events.append(
            OrderUpdated(order=ended.order, execution="EXPIRED", expiry_reason=LIQUIDATED)
        )
    return events


def _largest(state: ExchangeState, account: Account, scope: Scope) -> Position:
    """The scope's position with the largest maintenance margin (first by key on a tie)."""
    held = _scope_positions(state, account, scope)

    def weight(position: Position) -> int:
        instrument = state.instruments[position.symbol]
        mark = mark_of(state, instrument)
        notional = contract_value.notional_down(
            position.qty, mark, *contract_value.terms(instrument)
        )
        return maintenance_margin(instrument.tiers, notional)

    return max(sorted(held, key=lambda p: (p.symbol, p.side)), key=weight)


def _close_qty(instrument: Instrument, position: Position, mark: int, *, cross: bool) -> int:
    """All of it, or for a cross position above the first bracket what brings its notional
    down to the floor of its bracket."""
    size = abs(position.qty)
    terms = contract_value.terms(instrument)
    tier = tier_for(instrument.tiers, contract_value.notional_down(size, mark, *terms))
    if not cross or tier.number == 1 or not mark:
        return size
    keep = contract_value.quantity_worth(tier.floor, mark, *terms) // instrument.step
    keep *= instrument.step
    return size - keep if 0 < keep < size else size


def _reduce(
    state: ExchangeState, ts: int, account: Account, scope: Scope, position: Position
) -> tuple[Order, list[Event]]:
    instrument = state.instruments[position.symbol]
    mark = mark_of(state, instrument)
    cross = scope.position_key == CROSS
    qty = _close_qty(instrument, position, mark, cross=cross)
    if cross:
        others = [p for p in _scope_positions(state, account, scope) if p is not position]
        wallet = _cross_wallet(state, account, scope)
        other_upnl = sum(_upnl(state, p) for p in others)
    else:
        wallet, other_upnl = position.isolated_wallet, 0
    exact = bankruptcy_price(instrument, position, wallet, other_upnl)
    closing_long = position.qty > 0
    price = on_tick_grid(instrument, exact, closing_long=closing_long)
    order = closing_order(state, position, qty, price, ts, adl=False)
    events: list[Event] = [OrderUpdated(order=copy(order), execution="NEW")]
    outcome = execute(
        state.books[instrument.symbol], trading.taker_for(order, "IOC", account.stp_group)
    )
    events += trading.take_liquidity(state, instrument, order, outcome, ts)
    traders = {order.account_id} | {fill.maker_account_id for fill in outcome.fills}
    if order.remaining:
        events += _absorb(state, instrument, order, ts)
    events += reduce_only.trim(state, traders, instrument.symbol, ts)
    events.append(
        ForceOrder(
            auto_close_type="LIQUIDATION",
            order=copy(order),
            bankruptcy_price=price_8(price, instrument.price_decimals),
        )
    )
    return order, events


def _upnl(state: ExchangeState, position: Position) -> int:
    instrument = state.instruments[position.symbol]
    return unrealized_pnl(position, mark_of(state, instrument), *contract_value.terms(instrument))


def _absorb(state: ExchangeState, instrument: Instrument, order: Order, ts: int) -> list[Event]:
    """The rest of a liquidation order: the insurance fund, else ADL, then the fund anyway."""
    price = price_8(order.price, instrument.price_decimals)
    events: list[Event] = []
    if not insurance_fund.can_take(state, instrument, _fund_side(order), price):
        events += adl.deleverage(state, instrument, order, ts)
    if order.remaining:
        fund_side = _fund_side(order)
        fill = Fill(
            maker_order_id=0,
            maker_account_id=FUND_ACCOUNT_ID,
            price=order.price,
            qty=order.remaining,
            maker_remaining=0,
        )
        trade_id = state.take_trade_ids(instrument.symbol, 1)
        events += trading.book_off_book_fill(state, instrument, order, fill, trade_id, ts)
        events += insurance_fund.take(state, instrument, fund_side, price, ts)
    return events


def _fund_side(order: Order) -> int:
    """The fund's signed quantity taking over the order's rest (it buys what a sell leaves)."""
    return -order.remaining if order.is_buy else order.remaining


def _clearance_fee(
    state: ExchangeState,
    account: Account,
    scope: Scope,
    instrument: Instrument,
    order: Order,
    left: int,
    ts: int,
) -> list[Event]:
    """liquidationFee x the order's notional, at most `left` (the scope's margin now above its
    maintenance margin). An inverse order's notional is its executed contracts valued at its
    (bankruptcy) price: the fills' coin is not kept on the order, and they are at that price
    or better for the trader."""
    if instrument.inverse:
        at = price_8(order.price, instrument.price_decimals)
        notional = contract_value.notional_down(
            order.executed_qty, at, *contract_value.terms(instrument)
        )
    else:
        scale = 10 ** (instrument.price_decimals + instrument.qty_decimals)
        notional = order.cum_quote * AMOUNT_SCALE // scale
    fee = notional * parse_scaled(instrument.liquidation_fee, AMOUNT_DECIMALS) // AMOUNT_SCALE
    fee = min(fee, max(0, left))
    return _clearing(state, account, scope, instrument.symbol, -fee, ts) if fee else []


def _cross_wallet(state: ExchangeState, account: Account, scope: Scope) -> int:
    isolated = sum(p.isolated_wallet for p in _isolated_positions(state, account, scope.asset))
    return cross_wallet(state, account, scope, isolated)


def _settled(state: ExchangeState, scope: Scope, value: int) -> int:
    """A scope's margin figure in the asset its fees and cleared loss are booked in."""
    return collateral.in_asset(state, scope.asset, value) if scope.pooled else value


def _left(
    state: ExchangeState, account: Account, scope: Scope, isolated_before: int, wallet_before: int
) -> int:
    """What a scope that holds nothing any more left behind (negative: a loss to clear); an
    isolated one: its wallet before, plus what liquidating it booked."""
    if scope.position_key == CROSS:
        return _settled(state, scope, _cross_wallet(state, account, scope))
    return isolated_before + wallet_of(account, scope.product).balance(scope.asset) - wallet_before


def _clearing(
    state: ExchangeState, account: Account, scope: Scope, symbol: str, amount: int, ts: int
) -> list[Event]:
    """Money between the account and the fund: a fee (< 0) or a cleared loss (> 0)."""
    asset, wallet = scope.asset, wallet_of(account, scope.product)
    balance = wallet.balance(asset) + amount
    wallet.balances[asset] = balance
    wallet.balance_times[asset] = ts
    tran_id = next_tran_id(state)
    state.insurance_clears.append(
        InsuranceClear(
            account_id=account.account_id,
            symbol=symbol,
            asset=asset,
            amount=amount,
            time=ts,
            tran_id=tran_id,
        )
    )
    reason = "CLEARANCE_FEE" if amount < 0 else "CLEAR_NEGATIVE"
    return [
        BalanceChanged(
            account_id=account.account_id,
            asset=asset,
            delta=amount,
            balance=balance,
            reason="INSURANCE_CLEAR",
            tran_id=tran_id,
        ),
        insurance_fund.credit(state, asset, -amount, reason, ts),
    ]
