"""The prices conditional orders watch, at 8 decimals."""

from binance_sandbox.core.fixed import AMOUNT_DECIMALS, AMOUNT_SCALE, parse_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.core.trigger_origin import WorkingType


def observed(state: ExchangeState, instrument: Instrument, working_type: WorkingType) -> int | None:
    """CONTRACT_PRICE: the last trade (the mark before the symbol's first trade); MARK_PRICE:
    the mark. None while the symbol has neither."""
    marks = state.marks.get(instrument.symbol)
    if working_type == "CONTRACT_PRICE" and marks is not None and marks.last_trade:
        return marks.last_trade
    return state.mark_price(instrument)


def protected(state: ExchangeState, instrument: Instrument) -> bool:
    """priceProtect lets a trigger through: |mark - last| / mark within triggerProtect."""
    mark = state.mark_price(instrument)
    marks = state.marks.get(instrument.symbol)
    if mark is None or marks is None or not marks.last_trade:
        return True
    bound: int = parse_scaled(instrument.trigger_protect, AMOUNT_DECIMALS)
    within: bool = abs(mark - marks.last_trade) * AMOUNT_SCALE <= mark * bound
    return within
