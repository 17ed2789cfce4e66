"""History downloads: Get Download Id For Futures Transaction / Order / Trade History
(GET /fapi/v1/{income,order,trade}/asyn) and their Download Link by Id (…/asyn/id); COIN-M's
on /dapi with its weights (`coinm_trading`).

Binance prepares a file of the account's history in [startTime, endTime] (mandatory, at most a
year apart) and answers an id; the link endpoint answers "processing" until the file is ready,
then "completed" with a URL valid for 24 hours. Here the file is made at the request, from the
rows the REST history endpoints give (income, allOrders, userTrades: every symbol of the
product, no 7-day or retention cut), and stays "processing" for `downloads.preparation_s` of
exchange time, so a manual clock decides when it is ready. The URL is this server's own
(`/downloads/…`, no signature: like Binance's S3 link it carries its own token;
`server/download_files.py`).

Choices where the docs are silent, written down in tests/test_downloads_http.py:
- an unknown id, or one of another account, product or history kind: -1099;
- `isExpired` stays null (Binance's examples; the official SDK types it as a string), and an
  expired link answers 403;
- the monthly request quota (5 or 10 "shared by front end download page and rest api") is not
  counted: Binance documents no error for it.
"""

from collections.abc import Callable
from typing import Any

from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.downloads.files import csv_zip
from binance_sandbox.gateway.downloads.store import Download, Kind
from binance_sandbox.gateway.endpoint import Endpoint, Handler, Security, fixed
from binance_sandbox.gateway.handlers.income import income_rows
from binance_sandbox.gateway.handlers.order_views import trade_view
from binance_sandbox.gateway.handlers.orders import order_rows, trade_records

HOUR_MS = 3_600_000
YEAR_HOURS = 365 * 24

# The file's columns: the REST rows' fields, in their order (a row's extra fields follow).
INCOME_COLUMNS = ("symbol", "incomeType", "income", "asset", "info", "time", "tranId", "tradeId")
ORDER_COLUMNS = {
    "usdm": ("avgPrice", "clientOrderId", "cumQuote", "executedQty", "orderId", "origQty",
             "origType", "price", "reduceOnly", "side", "positionSide", "status", "stopPrice",
             "closePosition", "symbol", "time", "timeInForce", "type", "updateTime",
             "workingType", "priceProtect", "priceMatch", "selfTradePreventionMode",
             "goodTillDate"),
    "coinm": ("avgPrice", "clientOrderId", "cumBase", "executedQty", "orderId", "origQty",
              "origType", "price", "reduceOnly", "side", "positionSide", "status", "stopPrice",
              "closePosition", "symbol", "pair", "time", "timeInForce", "type", "updateTime",
              "workingType", "priceProtect", "priceMatch", "selfTradePreventionMode",
              "goodTillDate"),
}  # fmt: skip
TRADE_COLUMNS = {
    "usdm": ("buyer", "commission", "commissionAsset", "id", "maker", "orderId", "price", "qty",
             "quoteQty", "realizedPnl", "side", "positionSide", "symbol", "time"),
    "coinm": ("symbol", "id", "orderId", "pair", "side", "price", "qty", "realizedPnl",
              "marginAsset", "baseQty", "commission", "commissionAsset", "time", "positionSide",
              "buyer", "maker"),
}  # fmt: skip

Table = tuple[tuple[str, ...], list[dict[str, Any]]]  # the file's columns and rows
Rows = Callable[[RequestContext, int, tuple[int, int]], Table]


def _income(ctx: RequestContext, account_id: int, window: tuple[int, int]) -> Table:
    symbols = sorted(ctx.instruments)
    return INCOME_COLUMNS, income_rows(ctx, account_id, symbols, window, True)


def _orders(ctx: RequestContext, account_id: int, window: tuple[int, int]) -> Table:
    instruments = list(ctx.instruments.values())
    return ORDER_COLUMNS[ctx.product], order_rows(ctx, account_id, instruments, 0, window)


def _trades(ctx: RequestContext, account_id: int, window: tuple[int, int]) -> Table:
    instruments = list(ctx.instruments.values())
    found = trade_records(ctx, account_id, instruments, 0, window)
    return TRADE_COLUMNS[ctx.product], [trade_view(i, record) for i, record in found]


_ROWS: dict[Kind, Rows] = {"income": _income, "order": _orders, "trade": _trades}


def request_download(kind: Kind) -> Handler:
    async def handler(ctx: RequestContext) -> dict[str, Any]:
        start, end = ctx.params["startTime"], ctx.params["endTime"]
        if start > end:
            raise errors.start_after_end()
        if end - start > YEAR_HOURS * HOUR_MS:
            raise errors.lookup_interval_too_big(YEAR_HOURS)
        account_id, now = ctx.account().account_id, ctx.now_ms()
        columns, rows = _ROWS[kind](ctx, account_id, (start, min(end, now)))
        file = csv_zip(f"{kind}_history_{start}_{end}", columns, rows)
        preparation = round(ctx.services.config.downloads.preparation_s * 1000)
        download = ctx.services.downloads.add(
            account_id, ctx.product, kind, (start, end), now, now + preparation, file
        )
        return {"avgCostTimestampOfLast30d": preparation, "downloadId": download.download_id}

    return handler


def download_link(kind: Kind) -> Handler:
    async def handler(ctx: RequestContext) -> dict[str, Any]:
        found = ctx.services.downloads.find(ctx.params["downloadId"])
        asked = (ctx.account().account_id, ctx.product, kind)
        if found is None or (found.account_id, found.product, found.kind) != asked:
            raise errors.BinanceError(-1099, "Not found, unauthenticated, or unauthorized.")
        if ctx.now_ms() < found.ready_ms:
            return _answer(found, "processing", "", False, -1)
        url = ctx.base_url() + found.path
        return _answer(found, "completed", url, True, found.expires_ms)

    return handler


def _answer(
    download: Download, status: str, url: str, notified: bool, expires: int
) -> dict[str, Any]:
    return {
        "downloadId": download.download_id,
        "status": status,
        "url": url,
        "notified": notified,
        "expirationTimestamp": expires,
        "isExpired": None,
    }


_WINDOW = (params.integer("startTime", required=True, minimum=0),
           params.integer("endTime", required=True, minimum=0))  # fmt: skip
_ID = (params.string("downloadId", required=True, max_length=32),)
_NAMES: dict[Kind, str] = {"income": "Transaction History", "order": "Order History",
                           "trade": "Trade History"}  # fmt: skip
_LINK_NAMES: dict[Kind, str] = {
    "income": "Futures Transaction History Download Link by Id",
    "order": "Futures Order History Download Link by Id",
    "trade": "Futures Trade Download Link by Id",
}

ENDPOINTS = [
    endpoint
    for kind in ("income", "order", "trade")
    for endpoint in (
        Endpoint("GET", f"/fapi/v1/{kind}/asyn", Security.USER_DATA, fixed(1000),
                 request_download(kind), _WINDOW,
                 summary=f"Get Download Id For Futures {_NAMES[kind]}"),
        Endpoint("GET", f"/fapi/v1/{kind}/asyn/id", Security.USER_DATA, fixed(10),
                 download_link(kind), _ID, summary=f"Get {_LINK_NAMES[kind]}"),
    )
]  # fmt: skip
