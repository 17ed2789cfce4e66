"""Get Income History (GET /fapi/v1/income): TRANSFER from the transfer projection,
REALIZED_PNL and COMMISSION from its trades (the history projection), FUNDING_FEE from its
funding (the funding projection), INSURANCE_CLEAR from the liquidation ledger (clearance fees
paid, negative balances the fund cleared) and DELIVERED_SETTELMENT (Binance's spelling) from the
quarterlies' deliveries (the realized PnL of each position settled), oldest first.

Binance's windows: without startTime and endTime the last 7 days; nothing older than 3 months;
`limit` 100 by default, at most 1,000, with `page` from 1. Other income types have no source
yet and answer none.
"""

from typing import Any

from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed
from binance_sandbox.gateway.render import amount

DAY_MS = 24 * 3_600_000
RETENTION_MS = 90 * DAY_MS
INCOME_TYPES = ("TRANSFER", "REALIZED_PNL", "COMMISSION", "FUNDING_FEE", "INSURANCE_CLEAR",
                "DELIVERED_SETTELMENT")  # fmt: skip


def _window(ctx: RequestContext) -> tuple[int, int]:
    now = ctx.now_ms()
    start, end = ctx.params.get("startTime"), ctx.params.get("endTime")
    if start is None and end is None:
        start, end = now - 7 * DAY_MS, now
    start = max(start if start is not None else 0, now - RETENTION_MS)
    end = end if end is not None else now
    if start > end:
        raise errors.start_after_end()
    return start, end


def _row(symbol: str, kind: str, value: int, asset: str, time: int, tran_id: int,
         trade_id: str) -> dict[str, Any]:  # fmt: skip
    return {"symbol": symbol, "incomeType": kind, "income": amount(value), "asset": asset,
            "info": kind, "time": time, "tranId": tran_id, "tradeId": trade_id}  # fmt: skip


async def income_history(ctx: RequestContext) -> list[dict[str, Any]]:
    wanted_type = ctx.params.get("incomeType")
    wanted = ctx.optional_instrument()
    start, end = _window(ctx)
    symbols = [wanted.symbol] if wanted else sorted(ctx.instruments)
    rows = income_rows(ctx, ctx.account().account_id, symbols, (start, end), wanted is None)
    if wanted_type is not None:
        rows = [r for r in rows if r["incomeType"] == wanted_type]
    limit, page = ctx.params.get("limit", 100), ctx.params.get("page", 1)
    return rows[(page - 1) * limit : page * limit]


def income_rows(
    ctx: RequestContext,
    account_id: int,
    symbols: list[str],
    window: tuple[int, int],
    with_transfers: bool,
) -> list[dict[str, Any]]:
    """The account's income of the product in the window, oldest first: of `symbols`, and the
    product wallet's transfers if asked."""
    start, end = window
    rows: list[dict[str, Any]] = []
    if with_transfers:
        rows += [
            _row("", "TRANSFER", t.amount, t.asset, t.time, t.tran_id, "")
            for t in ctx.services.transfers.transfers(account_id, start, end)
            if t.product == ctx.product  # each product's own wallet
        ]
    rows += [
        _row(c.symbol, "INSURANCE_CLEAR", c.amount, c.asset, c.time, c.tran_id, "")
        for c in ctx.state.insurance_clears
        if c.account_id == account_id and start <= c.time <= end and c.symbol in symbols
    ]
    rows += [
        _row(symbol, "DELIVERED_SETTELMENT", s.amount, s.asset, done.time, s.tran_id, "")
        for symbol, done in ctx.state.deliveries.items()
        for s in done.settlements
        if s.account_id == account_id and start <= done.time <= end and symbol in symbols
    ]
    for symbol in symbols:
        for record in ctx.services.history.trades(account_id, symbol, 0, start, end):
            trade, tid = record.trade, record.trade.trade_id
            if trade.realized_pnl:
                rows.append(_row(symbol, "REALIZED_PNL", trade.realized_pnl,
                                 trade.commission_asset, record.time, tid, str(tid)))  # fmt: skip
            if trade.commission:
                rows.append(_row(symbol, "COMMISSION", -trade.commission,
                                 trade.commission_asset, record.time, tid, str(tid)))  # fmt: skip
    rows += [
        _row(fee.symbol, "FUNDING_FEE", fee.amount, fee.asset, fee.time, fee.tran_id, "")
        for fee in ctx.services.funding.fees(account_id, start, end)
        if fee.symbol in symbols
    ]
    rows.sort(key=lambda r: r["time"])
    if ctx.product == "coinm":  # COIN-M's example writes tranId as a string, USDⓈ-M's a number
        for row in rows:
            row["tranId"] = str(row["tranId"])
    return rows


ENDPOINTS = [
    Endpoint("GET", "/fapi/v1/income", Security.USER_DATA, fixed(30), income_history,
             (params.symbol(), params.string("incomeType"),
              params.integer("startTime", minimum=0), params.integer("endTime", minimum=0),
              params.integer("page", minimum=1),
              params.integer("limit", minimum=1, maximum=1000, default=100)),
             summary="Get Income History"),
]  # fmt: skip
