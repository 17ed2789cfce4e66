"""The margin check of a new order (FORMULAS.md §3.2): -2027 past the leverage's position limit,
-2019 when the available balance cannot pay what the order adds.

What an order adds is the change of its position side's open-order margin (worse side, open
loss, reducing quantity free) plus the taker commission on its notional; an order whose side
only shrinks the position (with the other orders of that side) is not checked, so closing
always passes. A LIMIT order is priced at its limit (the FAQ's example: a short's margin at
its order price, even under the mark); a MARKET order at the worst price it would reach walking
the book (nothing to walk: it cannot fill, so there is nothing to check), its margin at no less
than its value at the mark when that price is past the mark.
"""

from binance_sandbox.core import collateral, contract_value, rejects
from binance_sandbox.core.accounts import Account
from binance_sandbox.core.brackets import max_notional
from binance_sandbox.core.commands import PlaceOrder
from binance_sandbox.core.events import Rejected
from binance_sandbox.core.fixed import AMOUNT_SCALE
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.margin import (
    OrderSums,
    account_risk,
    exposure,
    open_loss,
    order_margin,
    order_sums,
    side_risk,
)
from binance_sandbox.core.positions import price_8
from binance_sandbox.core.state import ExchangeState


def refusal(
    state: ExchangeState, account: Account, instrument: Instrument, cmd: PlaceOrder, price: int
) -> Rejected | None:
    if cmd.reduce_only:
        return None
    assumed = _assumed_price(state, instrument, cmd, price)
    if assumed is None:
        return None
    groups = order_sums(state, account.account_id)
    sums = groups.get((instrument.symbol, cmd.position_side), OrderSums())
    before = side_risk(state, account, instrument, cmd.position_side, sums)
    is_buy = cmd.side == "BUY"
    terms = contract_value.terms(instrument)
    notional = contract_value.notional_down(cmd.quantity, assumed, *terms)
    loss = open_loss(instrument, is_buy, cmd.quantity, assumed, before.mark)
    if loss and not price:
        # a MARKET order filled past the mark is a position margined at the mark: its margin
        # is taken on the larger of the two values (both of FORMULAS §3.2's texts price a
        # market sell at no less than the mark), so the fill cannot leave the account short
        notional = max(notional, contract_value.notional_down(cmd.quantity, before.mark, *terms))
    after = OrderSums(sums.bids, sums.asks, sums.bid_loss, sums.ask_loss)
    after.add(is_buy, notional, loss)
    side_total = before.notional + after.bids if is_buy else before.notional - after.asks
    if abs(side_total) <= abs(before.notional):
        return None  # its side only shrinks the position
    leverage = before.config.leverage
    if exposure(before.notional, after) > max_notional(instrument.tiers, leverage):
        return rejects.MAX_LEVERAGE_RATIO
    added = max(0, order_margin(before.notional, after, leverage) - before.order_im)
    fee = notional * account.taker_rate // AMOUNT_SCALE
    # The whole account's figures only now: an order refused or passed above never needs them.
    risk = account_risk(state, account, groups, before)
    free = collateral.free(state, account, risk, instrument.margin_asset, instrument.product)
    return rejects.MARGIN_INSUFFICIENT if added + fee > free else None


def _assumed_price(
    state: ExchangeState, instrument: Instrument, cmd: PlaceOrder, price: int
) -> int | None:
    if price:
        return price_8(price, instrument.price_decimals)
    left, reached = cmd.quantity, None
    for level in state.books[instrument.symbol].opposite_side(cmd.side == "BUY").levels:
        reached = level.price
        left -= level.qty
        if left <= 0:
            break
    return None if reached is None else price_8(reached, instrument.price_decimals)
