"""When a conditional order triggers (FORMULAS.md §6.7, Binance's New-Algo-Order page).

The price is the mark (`MARK_PRICE`) or the last trade (`CONTRACT_PRICE`), at 8 decimals.
- STOP / STOP_MARKET: BUY when price >= triggerPrice, SELL when price <= triggerPrice.
- TAKE_PROFIT / TAKE_PROFIT_MARKET: BUY when price <= triggerPrice, SELL when >= triggerPrice.
- TRAILING_STOP_MARKET: activates when the price reaches activatePrice (SELL from below, BUY
  from above), then tracks the extreme since activation and fires when the price is back by
  callbackRate: SELL at price <= highest x (1 - rate), BUY at price >= lowest x (1 + rate).
"""

from binance_sandbox.core.algo_orders import AlgoOrder

RATE_SCALE = 1000  # callback_rate is in tenths of a percent


def rises_to(order: AlgoOrder) -> bool:
    """Whether the order waits for the price to rise to its threshold (else to fall to it)."""
    if order.order_type == "TRAILING_STOP_MARKET":
        return not order.is_buy
    stop = order.order_type in ("STOP", "STOP_MARKET")
    return order.is_buy == stop


def threshold(order: AlgoOrder) -> int:
    """The price (price units) the untriggered order waits for: the activation price of a
    trailing stop, the trigger price of the others."""
    return (
        order.activate_price if order.order_type == "TRAILING_STOP_MARKET" else order.trigger_price
    )


def reached(*, rising: bool, threshold_8: int, price_8: int) -> bool:
    return price_8 >= threshold_8 if rising else price_8 <= threshold_8


def track(order: AlgoOrder, price_8: int) -> bool:
    """An activated trailing stop sees a price: the extreme moves, and True when it fires."""
    if order.is_buy:
        order.extreme = min(order.extreme or price_8, price_8)
        return price_8 * RATE_SCALE >= order.extreme * (RATE_SCALE + order.callback_rate)
    order.extreme = max(order.extreme, price_8)
    return price_8 * RATE_SCALE <= order.extreme * (RATE_SCALE - order.callback_rate)
