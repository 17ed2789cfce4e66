"""A stop-limit's price against its trigger: a STOP / TAKE_PROFIT order's limit price stays
within the trigger price times the symbol's PERCENT_PRICE multipliers, whatever the side.
Binance: -4183 "Limit price can't be higher than %s." (the cap, down to the tick) and -4184
"Limit price can't be lower than %s." (the floor, up to the tick); a live -4183 named 3.15 for a
stop at 3 (x 1.05), another 82.42 for a stop at 78.5.
"""

from binance_sandbox.core.commands import PlaceAlgoOrder
from binance_sandbox.core.events import Rejected
from binance_sandbox.core.fixed import format_scaled, parse_scaled
from binance_sandbox.core.instruments import Instrument


def refusal(inst: Instrument, cmd: PlaceAlgoOrder) -> Rejected | None:
    if cmd.order_type not in ("STOP", "TAKE_PROFIT") or not cmd.price or not cmd.trigger_price:
        return None
    scale = 10**inst.percent_price_decimal
    up = parse_scaled(inst.percent_price_up, inst.percent_price_decimal)
    down = parse_scaled(inst.percent_price_down, inst.percent_price_decimal)
    cap = cmd.trigger_price * up // scale // inst.tick * inst.tick
    floor = -(-cmd.trigger_price * down // (scale * inst.tick)) * inst.tick
    if cmd.price > cap:
        shown = format_scaled(cap, inst.price_decimals)
        return Rejected(code=-4183, msg=f"Limit price can't be higher than {shown}.")
    if cmd.price < floor:
        shown = format_scaled(floor, inst.price_decimals)
        return Rejected(code=-4184, msg=f"Limit price can't be lower than {shown}.")
    return None
