"""The engine's events as user-data messages: one table, event type -> what it pushes.

Each entry turns one core event into messages for its account (ORDER_TRADE_UPDATE,
TRADE_LITE, ACCOUNT_CONFIG_UPDATE, ALGO_UPDATE, or for a conditional order placed through the
order API ORDER_TRADE_UPDATE) or notes what it changed; the balances and
positions a command changed are pushed once per account and reason as one ACCOUNT_UPDATE after that
command's other messages (a fill of two accounts: each gets its own). MARGIN_CALL comes from
`MarginCall`; a liquidation's orders are ordinary ORDER_TRADE_UPDATEs (`autoclose-…` /
`adl_autoclose`, `er` 5 for the orders it expired) and its fee an INSURANCE_CLEAR balance
change. A new kind of event is one more entry in `MAPPERS`; a new balance reason
passes through as `m` unless `REASONS` renames it.

Payloads read the state after the command (the sequencer notifies after each command), and
times are the command's stamp on the exchange clock, so a replay pushes the same messages.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from binance_sandbox.core.algo_orders import AlgoOrder
from binance_sandbox.core.events import (
    AlgoUpdated,
    BalanceChanged,
    ContractDelivered,
    FundingFeeCharged,
    LeverageChanged,
    MarginCall,
    MultiAssetsModeChanged,
    OrderUpdated,
    PositionMarginChanged,
)
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.margin import OrderSums, order_sums
from binance_sandbox.core.positions import PositionSide
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.gateway.handlers.algo_views import algo_update_payload
from binance_sandbox.gateway.handlers.conditional_as_order import as_order
from binance_sandbox.gateway.render import plain, quantity
from binance_sandbox.gateway.user_streams.account_updates import Changes, account_update
from binance_sandbox.gateway.user_streams.order_updates import (
    order_trade_update,
    settlement_fill,
    trade_lite,
)

Message = tuple[int, dict[str, Any]]  # account id, payload

# A conditional order's status -> `x` of its ORDER_TRADE_UPDATE, for those it pushes
_WAITING_EXECUTIONS: dict[str, Literal["NEW", "CANCELED", "EXPIRED"]] = {
    "NEW": "NEW", "CANCELED": "CANCELED", "EXPIRED": "EXPIRED", "REJECTED": "EXPIRED",
}  # fmt: skip
# BalanceChanged.reason -> ACCOUNT_UPDATE's `m`, where Binance names it otherwise
REASONS = {"TRADE": "ORDER"}
# Reasons whose balance change is realized PnL or commission, which `bc` leaves out
_NOT_IN_BC = frozenset({"ORDER"})


@dataclass
class Outbox:
    """The messages of one command, in order; ACCOUNT_UPDATEs are gathered until `finish`."""

    state: ExchangeState
    ts: int
    messages: list[Message] = field(default_factory=list)
    changes: dict[tuple[int, str], Changes] = field(default_factory=dict)
    _sums: dict[int, dict[tuple[str, str], OrderSums]] = field(default_factory=dict)

    def push(self, account_id: int, payload: dict[str, Any]) -> None:
        self.messages.append((account_id, payload))

    def changed(self, account_id: int, reason: str) -> Changes:
        return self.changes.setdefault((account_id, reason), Changes())

    def book_sides(self, account_id: int, symbol: str) -> OrderSums:
        """The account's open orders on `symbol` (every position side) per book side."""
        groups = self._sums.get(account_id)
        if groups is None:
            groups = self._sums[account_id] = order_sums(self.state, account_id)
        total = OrderSums()
        for (name, _side), sums in groups.items():
            if name == symbol:
                total.bids += sums.bids
                total.asks += sums.asks
        return total

    def finish(self) -> list[Message]:
        for (account_id, reason), changes in self.changes.items():
            account = self.state.account(account_id)
            if account is not None:
                payload = account_update(self.state, account, reason, changes, self.ts)
                self.push(account_id, payload)
        return self.messages


def _order(outbox: Outbox, event: OrderUpdated) -> None:
    order = event.order
    instrument = outbox.state.instruments[order.symbol]
    sums = outbox.book_sides(order.account_id, order.symbol)
    if event.trade is not None:
        outbox.push(order.account_id, trade_lite(instrument, event, outbox.ts))
    outbox.push(order.account_id, order_trade_update(instrument, event, sums, outbox.ts))
    if event.trade is not None:
        changes = outbox.changed(order.account_id, "ORDER")
        changes.add(instrument.margin_asset, instrument.product)
        changes.positions[(order.symbol, order.position_side)] = None


def _balance(outbox: Outbox, event: BalanceChanged) -> None:
    reason = REASONS.get(event.reason, event.reason)
    changes = outbox.changed(event.account_id, reason)
    change = 0 if reason in _NOT_IN_BC else event.delta
    changes.add(event.asset, event.product, change)


def _margin(outbox: Outbox, event: PositionMarginChanged) -> None:
    instrument = outbox.state.instruments[event.symbol]
    changes = outbox.changed(event.account_id, "MARGIN_TRANSFER")
    changes.add(instrument.margin_asset, instrument.product)
    changes.positions[(event.symbol, cast(PositionSide, event.position_side))] = None


def _funding(outbox: Outbox, event: FundingFeeCharged) -> None:
    """Cross: the balance only; isolated: with the position (its isolated wallet paid)."""
    changes = outbox.changed(event.account_id, "FUNDING_FEE")
    product = outbox.state.instruments[event.symbol].product
    changes.add(event.asset, product, event.amount)
    if event.isolated:
        changes.positions[(event.symbol, cast(PositionSide, event.position_side))] = None


def _delivered(outbox: Outbox, event: ContractDelivered) -> None:
    """A position settled at delivery: Binance shows the settlement as an order of its own
    (`delivery_autoclose-…` / `settlement_autoclose-…`), so it is pushed as that order's fill,
    and its ACCOUNT_UPDATE's reason is ORDER (Binance's `m` list has no delivery reason), `bc`
    0 (the settlement is realized PnL), with the now flat position."""
    _order(outbox, settlement_fill(outbox.state.instruments[event.symbol], event))


def _leverage(outbox: Outbox, event: LeverageChanged) -> None:
    payload = {
        "e": "ACCOUNT_CONFIG_UPDATE",
        "E": outbox.ts,
        "T": outbox.ts,
        "ac": {"s": event.symbol, "l": event.leverage},
    }
    outbox.push(event.account_id, payload)


def _multi_assets(outbox: Outbox, event: MultiAssetsModeChanged) -> None:
    payload = {"e": "ACCOUNT_CONFIG_UPDATE", "E": outbox.ts, "T": outbox.ts, "ai": {"j": event.on}}
    outbox.push(event.account_id, payload)


def _algo(outbox: Outbox, event: AlgoUpdated) -> None:
    """ALGO_UPDATE (Binance's doc labels its `T` event time and `E` transaction time, the other
    events' way round; both are the command's stamp here). One placed through the order API
    (the pre-migration switch) is an order, as Binance pushed it then (`_conditional_order`)."""
    order = event.algo
    instrument = outbox.state.instruments[order.symbol]
    if order.as_order:
        _conditional_order(outbox, instrument, order)
        return
    payload = {"e": "ALGO_UPDATE", "T": event.time, "E": outbox.ts,
               "o": algo_update_payload(instrument, order)}  # fmt: skip
    outbox.push(order.account_id, payload)


def _conditional_order(outbox: Outbox, instrument: Instrument, order: AlgoOrder) -> None:
    """A conditional order's ORDER_TRADE_UPDATE while it waits: placed (NEW), canceled,
    or expired unfilled (by time, a liquidation, a delivery, or refused at its trigger), with
    `o` and `ot` its type and `sp` its stop price. Its trigger pushes nothing of its own: the
    order it becomes keeps its id and pushes its NEW, fills and end (`o` LIMIT or MARKET,
    `ot` the conditional type)."""
    execution = _WAITING_EXECUTIONS.get(order.status)
    if execution is None:
        return
    image = OrderUpdated(order=as_order(order), execution=execution)
    sums = outbox.book_sides(order.account_id, order.symbol)
    payload = order_trade_update(instrument, image, sums, outbox.ts)
    payload["o"] |= {"o": order.order_type, "er": "0"}
    outbox.push(order.account_id, payload)


def _margin_call(outbox: Outbox, event: MarginCall) -> None:
    """MARGIN_CALL: `cw` only for a cross account's call (Binance's example); `mt` CROSSED or
    ISOLATED, as that example writes it."""
    rows = []
    for row in event.positions:
        instrument = outbox.state.instruments[row.symbol]
        rows.append({
            "s": row.symbol, "ps": row.position_side, "pa": quantity(instrument, row.qty),
            "mt": "ISOLATED" if row.isolated else "CROSSED", "iw": plain(row.isolated_wallet),
            "mp": plain(row.mark), "up": plain(row.upnl), "mm": plain(row.maint),
        })  # fmt: skip
    payload: dict[str, Any] = {"e": "MARGIN_CALL", "E": outbox.ts}
    if event.cross_wallet is not None:
        payload["cw"] = plain(event.cross_wallet)
    payload["p"] = rows
    outbox.push(event.account_id, payload)


def _account_of(event: Any) -> int:
    if isinstance(event, OrderUpdated):
        return event.order.account_id
    if isinstance(event, AlgoUpdated):
        return event.algo.account_id
    account_id: int = event.account_id
    return account_id


MAPPERS: dict[type, Callable[[Outbox, Any], None]] = {
    OrderUpdated: _order,
    BalanceChanged: _balance,
    PositionMarginChanged: _margin,
    LeverageChanged: _leverage,
    FundingFeeCharged: _funding,
    ContractDelivered: _delivered,
    AlgoUpdated: _algo,
    MarginCall: _margin_call,
    MultiAssetsModeChanged: _multi_assets,
}


def user_messages(
    state: ExchangeState, ts: int, events: list[Any], wanted: Callable[[int], bool]
) -> list[Message]:
    """The user-data messages of one applied command, for the accounts `wanted` admits."""
    outbox = Outbox(state, ts)
    for event in events:
        mapper = MAPPERS.get(type(event))
        if mapper is not None and wanted(_account_of(event)):
            mapper(outbox, event)
    return outbox.finish()
