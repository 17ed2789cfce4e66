"""Delivery of quarterly contracts on the exchange clock (FORMULAS.md §1.3).

- The settlement price is the average of the index sampled every second over the last 30
  minutes before delivery (1,800 samples), rounded half up to the contract's tick. Like the
  premium samples (core/funding.py) they are taken before each command from the state as it
  stands, so runs of equal seconds add at once.
- In the last 10 minutes only closing orders are accepted (-4140); the symbol's status is then
  DELIVERING. From delivery on it is DELIVERED and every order is refused (-4141).
- `DeliverContracts`, fired by the shell's delivery timer at a contract's delivery time, cancels
  every open order of the contract (conditional ones too) and closes every position at the
  settlement price (realized PnL into the wallet, the isolated wallet released; each a
  DELIVERED_SETTELMENT income row, no fee, by a settlement order of its own — an order id and
  a trade id, named in `forced_orders` — that only the user-data stream shows), and lists
  the next quarter: the same contract delivering at 08:00 UTC on the last Friday of the month
  three months later.
"""

from datetime import UTC, datetime, timedelta

import msgspec

from binance_sandbox.core import algo_placing, contract_value, reduce_only
from binance_sandbox.core.accounts import wallet_of
from binance_sandbox.core.commands import PlaceOrder
from binance_sandbox.core.delivery_state import DeliveredSettlement, Delivery
from binance_sandbox.core.events import ContractDelivered, ContractListed, Event, Rejected
from binance_sandbox.core.forced_orders import settlement_client_id
from binance_sandbox.core.income_ids import next_tran_id
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.mark_price import PERPETUAL
from binance_sandbox.core.order_book import OrderBook
from binance_sandbox.core.order_ending import end_order
from binance_sandbox.core.positions import apply_fill, charge_opening_fee
from binance_sandbox.core.rounding import div_half_up
from binance_sandbox.core.state import ExchangeState

CURRENT_QUARTER = "CURRENT_QUARTER"
NEXT_QUARTER = "NEXT_QUARTER"
SETTLEMENT_WINDOW_MS = 30 * 60_000
CLOSE_ONLY_MS = 10 * 60_000
SAMPLE_MS = 1_000
NOT_FOR_OPENING = Rejected(code=-4140, msg="Invalid symbol status for opening position.")
CLOSED = Rejected(code=-4141, msg="Symbol is closed.")


def status(state: ExchangeState, instrument: Instrument, now_ms: int) -> str:
    """exchangeInfo's status: TRADING, DELIVERING in the last 10 minutes, DELIVERED after."""
    if instrument.contract_type == PERPETUAL:
        return "TRADING"
    if _delivered(state, instrument.symbol) or now_ms >= instrument.delivery_date:
        return "DELIVERED"
    return "DELIVERING" if now_ms >= instrument.delivery_date - CLOSE_ONLY_MS else "TRADING"


def refusal(
    state: ExchangeState, instrument: Instrument, cmd: PlaceOrder, ts: int
) -> Rejected | None:
    if instrument.contract_type == PERPETUAL:
        return None
    current = status(state, instrument, ts)
    if current == "DELIVERED":
        return CLOSED
    closing = reduce_only.is_closing(cmd.side, cmd.position_side, cmd.reduce_only)
    return NOT_FOR_OPENING if current == "DELIVERING" and not closing else None


def sample_index(state: ExchangeState, ts: int) -> None:
    """Takes the index samples of the settlement windows due up to `ts`."""
    second = ts - ts % SAMPLE_MS
    for symbol, instrument in state.instruments.items():
        due = instrument.delivery_date
        if instrument.contract_type == PERPETUAL or second <= due - SETTLEMENT_WINDOW_MS:
            continue
        index = state.index_prices.get(instrument.pair)
        delivery = state.deliveries.setdefault(
            symbol, Delivery(sampled_until=due - SETTLEMENT_WINDOW_MS)
        )
        until = min(second, due)
        if index is None or delivery.time or until <= delivery.sampled_until:
            continue
        count = (until - delivery.sampled_until) // SAMPLE_MS
        delivery.index_sum += index * count
        delivery.samples += count
        delivery.sampled_until = until


def settlement_price(state: ExchangeState, instrument: Instrument) -> int:
    """The average of the window's samples (so far) on the contract's tick, as Binance's
    delivery prices are (27103.0, 30733.6), at 8 decimals; the index without any sample."""
    delivery = state.deliveries.get(instrument.symbol)
    if delivery is None or not delivery.samples:
        return state.index_prices.get(instrument.pair, 0)
    tick_8: int = instrument.tick * 10 ** (8 - instrument.price_decimals)
    return div_half_up(delivery.index_sum, delivery.samples * tick_8) * tick_8


def next_due(state: ExchangeState, after_ms: int) -> int:
    """When the timer fires next (strictly after `after_ms`): the first delivery time to come,
    or at once for a contract whose delivery passed undelivered (an exchange opened after it:
    it settles at the index and the quarters roll on to a current one)."""
    dues = [
        max(i.delivery_date, after_ms + 1)
        for symbol, i in state.instruments.items()
        if i.contract_type != PERPETUAL and not _delivered(state, symbol)
    ]
    return min(dues, default=2**62)


def _delivered(state: ExchangeState, symbol: str) -> bool:
    delivery = state.deliveries.get(symbol)
    return delivery is not None and delivery.time > 0


def deliver(state: ExchangeState, ts: int) -> list[Event]:
    events: list[Event] = []
    due = sorted(
        (i.delivery_date, symbol)
        for symbol, i in state.instruments.items()
        if i.contract_type != PERPETUAL and i.delivery_date <= ts and not _delivered(state, symbol)
    )  # fmt: skip
    for time, symbol in due:
        events += _deliver(state, state.instruments[symbol], time)
    return events


def _deliver(state: ExchangeState, instrument: Instrument, time: int) -> list[Event]:
    price = settlement_price(state, instrument)
    delivery = state.deliveries.setdefault(instrument.symbol, Delivery())
    delivery.price, delivery.time = price, time
    orders = [o for o in state.open_orders.values() if o.symbol == instrument.symbol]
    events: list[Event] = [end_order(state, order, "EXPIRED", time) for order in orders]
    events += algo_placing.expire_symbol(state, instrument.symbol, time, "Contract delivered")
    qty_decimals, contract_size = contract_value.terms(instrument)
    for position in state.positions.values():
        if position.symbol != instrument.symbol or not position.qty:
            continue
        size = position.qty
        # in coin for an inverse contract: contracts x size x (1/EP - 1/settlement price)
        fill = apply_fill(position, -size, price, qty_decimals, time, contract_size)
        charge_opening_fee(position, fill, abs(size), 0)
        position.isolated_wallet = 0
        account = state.accounts[position.account_id - 1]
        asset = instrument.margin_asset
        wallet = wallet_of(account, instrument.product)
        wallet.balances[asset] = wallet.balance(asset) + fill.realized_pnl
        wallet.balance_times[asset] = time
        tran_id = next_tran_id(state)
        order_id = state.next_order_id
        state.next_order_id += 1
        delivery.settlements.append(
            DeliveredSettlement(account_id=position.account_id, asset=asset,
                                amount=fill.realized_pnl, tran_id=tran_id)
        )  # fmt: skip
        events.append(
            ContractDelivered(
                account_id=position.account_id, symbol=instrument.symbol,
                position_side=position.side, order_id=order_id,
                client_order_id=settlement_client_id(instrument.product, time, order_id),
                trade_id=state.take_trade_ids(instrument.symbol, 1), qty=size, price=price,
                realized_pnl=fill.realized_pnl, asset=asset,
                balance=wallet.balances[asset], time=time,
            )
        )  # fmt: skip
    return events + _list_next(state, instrument, time)


def _list_next(state: ExchangeState, delivered: Instrument, time: int) -> list[Event]:
    """Binance's quarterly roll at a delivery: the pair's next quarter, if listed, becomes the
    current one, and a contract delivering a quarter after the last one left is listed (as next
    quarter when a current one remains, else as the current one)."""
    following = _next_quarter(state, delivered)
    if following is not None and delivered.contract_type == CURRENT_QUARTER:
        promoted = msgspec.structs.replace(following, contract_type=CURRENT_QUARTER)
        # a new dict, so caches keyed on the instrument set (margin's side keys) rebuild
        state.instruments = {**state.instruments, following.symbol: promoted}
        return _list_after(state, promoted, NEXT_QUARTER, time)
    last = following or delivered
    return _list_after(state, last, last.contract_type, time)


def _next_quarter(state: ExchangeState, delivered: Instrument) -> Instrument | None:
    later = [
        i
        for i in state.instruments.values()
        if i.pair == delivered.pair
        and i.contract_type == NEXT_QUARTER
        and i.delivery_date > delivered.delivery_date
        and i.product == delivered.product
    ]
    return min(later, key=lambda i: i.delivery_date, default=None)


def _list_after(
    state: ExchangeState, last: Instrument, contract_type: str, time: int
) -> list[Event]:
    """The contract of `last`'s pair delivering a quarter after it, listed now."""
    date = _last_friday(*_months_later(last.delivery_date, 3))
    symbol = f"{last.pair}_{date:%y%m%d}"
    if symbol in state.instruments:
        return []
    delivery = int(date.timestamp() * 1000)
    listed = msgspec.structs.replace(
        last, symbol=symbol, delivery_date=delivery, onboard_date=time, contract_type=contract_type
    )
    state.instruments[symbol] = listed
    state.books[symbol] = OrderBook(symbol)
    return [ContractListed(symbol=symbol, delivery_date=delivery, onboard_date=time)]


def _months_later(ms: int, months: int) -> tuple[int, int]:
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    total = moment.year * 12 + moment.month - 1 + months
    return total // 12, total % 12 + 1


def _last_friday(year: int, month: int) -> datetime:
    """08:00 UTC on the last Friday of the month."""
    first_of_next = datetime(year + month // 12, month % 12 + 1, 1, 8, tzinfo=UTC)
    last_day = first_of_next - timedelta(days=1)
    return last_day - timedelta(days=(last_day.weekday() - 4) % 7)
