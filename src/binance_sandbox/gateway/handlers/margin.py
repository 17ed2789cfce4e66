"""Leverage and margin settings: Change Initial Leverage, Change Margin Type, Modify Isolated
Position Margin and its history, Notional and Leverage Brackets, Symbol Configuration.

The settings are journaled commands (`core/margin_settings.py` holds the rules and errors);
brackets print as Binance's JSON numbers, `maxNotionalValue` as a plain decimal string.
"""

from decimal import Decimal
from typing import Any

from binance_sandbox.core.brackets import max_notional
from binance_sandbox.core.commands import ModifyPositionMargin, SetLeverage, SetMarginType
from binance_sandbox.core.fixed import AMOUNT_DECIMALS, MAX_SCALED, format_scaled, scale_exact
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.margin import symbol_config
from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed
from binance_sandbox.gateway.handlers.orders import submit
from binance_sandbox.gateway.render import plain

MARGIN_HISTORY_MS = 30 * 24 * 3_600_000  # Binance keeps and spans 30 days


async def change_leverage(ctx: RequestContext) -> dict[str, Any]:
    instrument = ctx.instrument()
    command = SetLeverage(account_id=ctx.account().account_id, symbol=instrument.symbol,
                          leverage=ctx.params["leverage"])  # fmt: skip
    await submit(ctx, command)
    return {
        "leverage": command.leverage,
        "maxNotionalValue": plain(max_notional(instrument.tiers, command.leverage)),
        "symbol": instrument.symbol,
    }


async def change_margin_type(ctx: RequestContext) -> dict[str, Any]:
    command = SetMarginType(account_id=ctx.account().account_id, symbol=ctx.instrument().symbol,
                            isolated=ctx.params["marginType"] == "ISOLATED")  # fmt: skip
    await submit(ctx, command)
    return {"code": 200, "msg": "success"}


async def modify_position_margin(ctx: RequestContext) -> dict[str, Any]:
    account = ctx.account()
    side = ctx.params.get("positionSide", "BOTH")
    value: Decimal = ctx.params["amount"]
    if value <= 0:
        raise errors.BinanceError(-4055, "Amount must be positive.")
    amount = scale_exact(value, AMOUNT_DECIMALS)
    if amount is None:
        raise errors.bad_precision()
    if amount > MAX_SCALED:
        raise errors.invalid_parameter("amount")
    command = ModifyPositionMargin(account_id=account.account_id, symbol=ctx.instrument().symbol,
                                   position_side=side, amount=amount,
                                   kind=ctx.params["type"])  # fmt: skip
    await submit(ctx, command)
    return {
        "amount": float(value),
        "code": 200,
        "msg": "Successfully modify position margin.",
        "type": command.kind,
    }


async def position_margin_history(ctx: RequestContext) -> list[dict[str, Any]]:
    symbol = ctx.instrument().symbol
    now = ctx.now_ms()
    start = ctx.params.get("startTime", now - MARGIN_HISTORY_MS)
    end = ctx.params.get("endTime", now)
    if start > end:
        raise errors.start_after_end()
    if end - start > MARGIN_HISTORY_MS:
        raise errors.lookup_interval_too_big(30 * 24)
    kind = ctx.params.get("type")
    rows = [
        {
            "symbol": change.symbol,
            "type": change.kind,
            "deltaType": "USER_ADJUST",
            "amount": plain(change.amount),
            "asset": change.asset,
            "time": change.time,
            "positionSide": change.position_side,
        }
        for change in ctx.account().margin_changes
        if change.symbol == symbol and start <= change.time <= end
        and (kind is None or change.kind == kind)
    ]  # fmt: skip
    return rows[: ctx.params.get("limit", 500)]


def _brackets(instrument: Instrument) -> dict[str, Any]:
    return {"symbol": instrument.symbol, "brackets": bracket_rows(instrument)}


def bracket_rows(instrument: Instrument) -> list[dict[str, Any]]:
    return [
        {
            "bracket": tier.number,
            "initialLeverage": tier.initial_leverage,
            "notionalCap": _number(tier.cap),
            "notionalFloor": _number(tier.floor),
            "maintMarginRatio": _number(tier.mmr),
            "cum": float(Decimal(format_scaled(tier.cum, AMOUNT_DECIMALS))),
        }
        for tier in instrument.tiers
    ]


def _number(value: int) -> int | float:
    """An 8-decimal value as a JSON number: an integer when whole (300000), else 0.004."""
    whole, part = divmod(value, 10**AMOUNT_DECIMALS)
    return whole if not part else float(Decimal(format_scaled(value, AMOUNT_DECIMALS)))


async def leverage_brackets(ctx: RequestContext) -> dict[str, Any] | list[dict[str, Any]]:
    """All symbols as a list; one symbol as its object, as Binance documents it."""
    wanted = ctx.optional_instrument()
    if wanted is not None:
        return _brackets(wanted)
    return [_brackets(i) for _, i in sorted(ctx.instruments.items())]


async def symbol_configs(ctx: RequestContext) -> list[dict[str, Any]]:
    account = ctx.account()
    wanted = ctx.optional_instrument()
    chosen = [wanted] if wanted else [i for _, i in sorted(ctx.instruments.items())]
    rows = []
    for instrument in chosen:
        config = symbol_config(account, instrument)
        rows.append(
            {
                "symbol": instrument.symbol,
                "marginType": "ISOLATED" if config.isolated else "CROSSED",
                "isAutoAddMargin": False,
                "leverage": config.leverage,
                "maxNotionalValue": plain(max_notional(instrument.tiers, config.leverage)),
            }
        )
    return rows


_SYMBOL = params.symbol(required=True)
_TYPE = params.integer("type", minimum=1, maximum=2)

ENDPOINTS = [
    Endpoint("POST", "/fapi/v1/leverage", Security.TRADE, fixed(1), change_leverage,
             (_SYMBOL, params.integer("leverage", required=True)),
             summary="Change Initial Leverage"),
    Endpoint("POST", "/fapi/v1/marginType", Security.TRADE, fixed(1), change_margin_type,
             (_SYMBOL, params.enum("marginType", ("ISOLATED", "CROSSED"), required=True)),
             summary="Change Margin Type"),
    Endpoint("POST", "/fapi/v1/positionMargin", Security.TRADE, fixed(1), modify_position_margin,
             (_SYMBOL, params.enum("positionSide", ("BOTH", "LONG", "SHORT")),
              params.decimal("amount", required=True),
              params.integer("type", required=True, minimum=1, maximum=2)),
             summary="Modify Isolated Position Margin"),
    Endpoint("GET", "/fapi/v1/positionMargin/history", Security.TRADE, fixed(1),
             position_margin_history,
             (_SYMBOL, _TYPE, params.integer("startTime", minimum=0),
              params.integer("endTime", minimum=0),
              params.integer("limit", minimum=1, maximum=1000, default=500)),
             summary="Get Position Margin Change History"),
    Endpoint("GET", "/fapi/v1/leverageBracket", Security.USER_DATA, fixed(1), leverage_brackets,
             (params.symbol(),), summary="Notional and Leverage Brackets"),
    Endpoint("GET", "/fapi/v1/symbolConfig", Security.USER_DATA, fixed(5), symbol_configs,
             (params.symbol(),), summary="Symbol Configuration"),
]  # fmt: skip
