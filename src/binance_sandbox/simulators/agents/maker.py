"""A market maker: keeps its ladder on one symbol, moving orders by amending them.

A side that trails the fair price by at most `lag_steps` steps stays where it is (a bid ladder
whose top is up to that many steps below the wanted top, an ask ladder above it): a price that
wanders up and down by a step costs no amendment, and a move costs one side's amendment, not
both. A side never quotes closer to the fair price than the spread.

Each requote compares the ladder it wants with its open orders, side by side:
- an order on a wanted price stays, unless less than `refill_below` of a level is left (or far
  more than a level, after a big fall of the price): then its quantity is amended;
- an order off the ladder is amended to a wanted price nobody holds (it loses its place in the
  queue, as every amendment does); once it has used up maxMoveOrderLimit amendments it is
  cancelled and a fresh order takes its place;
- wanted prices still empty get new orders; orders left over are cancelled.
When the price rises the asks move first, when it falls the bids do, so a moved order never
meets the maker's own other side.
"""

from dataclasses import dataclass

from binance_sandbox.core.commands import AmendOrder, CancelOrder, Command, PlaceOrder
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.orders import Order, Side
from binance_sandbox.simulators.agents.ladder import Ladder


@dataclass(frozen=True, slots=True)
class Quoting:
    account_id: int
    instrument: Instrument
    refill_below: float
    lag_steps: int


def requote(quoting: Quoting, wanted: Ladder, orders: list[Order]) -> list[Command]:
    """The commands that turn `orders` (the maker's open orders on the symbol) into `wanted`."""
    bids = [order for order in orders if order.side == "BUY"]
    asks = [order for order in orders if order.side == "SELL"]
    bid_prices = _trailing(wanted.bids, -wanted.step, quoting.lag_steps, bids)
    ask_prices = _trailing(wanted.asks, wanted.step, quoting.lag_steps, asks)
    bid_commands = _side(quoting, "BUY", bid_prices, wanted.qty, bids)
    ask_commands = _side(quoting, "SELL", ask_prices, wanted.qty, asks)
    best_bid = max((order.price for order in bids), default=0)
    rising = bool(wanted.bids) and wanted.bids[0] > best_bid
    return ask_commands + bid_commands if rising else bid_commands + ask_commands


def _trailing(prices: list[int], away: int, lag_steps: int, orders: list[Order]) -> list[int]:
    """The wanted prices of a side, or the side's present ladder if it trails them by at most
    `lag_steps` steps (`away`: one step away from the fair price, signed)."""
    if not prices or not orders:
        return prices
    top = min(orders, key=lambda o: o.price * away).price  # the side's best price
    lag = (top - prices[0]) // away
    if 0 < lag <= lag_steps and (top - prices[0]) % away == 0:
        return [price + lag * away for price in prices]
    return prices


def _side(
    quoting: Quoting, side: Side, prices: list[int], qty: int, orders: list[Order]
) -> list[Command]:
    wanted = set(prices)
    low, high = qty * quoting.refill_below, qty / quoting.refill_below
    commands: list[Command] = []
    held: set[int] = set()
    movable: list[Order] = []
    for order in sorted(orders, key=lambda o: o.order_id):
        if order.price in wanted and order.price not in held:
            held.add(order.price)
            if not low <= order.remaining <= high:
                commands.append(_amend(quoting, order, order.price, qty))
        else:
            movable.append(order)
    holes = [price for price in prices if price not in held]
    for order, price in zip(movable, holes, strict=False):
        if order.amendments + 1 < quoting.instrument.max_move_order_limit:
            commands.append(_amend(quoting, order, price, qty))
        else:
            commands.append(_cancel(quoting, order))
            commands.append(_place(quoting, side, price, qty))
    commands += [_cancel(quoting, order) for order in movable[len(holes) :]]
    commands += [_place(quoting, side, price, qty) for price in holes[len(movable) :]]
    return commands


def _amend(quoting: Quoting, order: Order, price: int, qty: int) -> AmendOrder:
    return AmendOrder(
        account_id=quoting.account_id,
        symbol=order.symbol,
        side=order.side,
        quantity=order.executed_qty + qty,
        price=price,
        order_id=order.order_id,
    )


def _cancel(quoting: Quoting, order: Order) -> CancelOrder:
    return CancelOrder(account_id=quoting.account_id, symbol=order.symbol, order_id=order.order_id)


def _place(quoting: Quoting, side: Side, price: int, qty: int) -> PlaceOrder:
    return PlaceOrder(
        account_id=quoting.account_id,
        symbol=quoting.instrument.symbol,
        side=side,
        order_type="LIMIT",
        quantity=qty,
        price=price,
    )
