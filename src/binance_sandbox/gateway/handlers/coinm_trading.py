"""COIN-M's "Trade", "Account" and "User Data Streams" groups (/dapi), declared on the USDⓈ-M
handlers where COIN-M behaves the same, and on `coinm_account`'s where its shapes differ.

Conditional orders: COIN-M's pages (2026-01) list them on New Order, and /dapi/v1/order takes
them as orders (`legacy_conditional`); the Postman collection and the official SDK (2026-07 on)
say that "after CM migration" /dapi/v1/order refuses them (-4120) for `/dapi/v1/algoOrder`,
which ccxt calls for every COIN-M conditional order (its note: the Algo Order endpoints "exist on
dapi like on fapi, verified live incl. the weights, they are missing from the documentation").
So both are served: the Algo Order endpoints on /dapi as on /fapi, with ccxt's weights.

Differences the declarations carry (derivatives-docs/coin-margined-futures/trade, account): no
goodTillDate on new orders (no GTD), Modify Order with price or quantity optional, openOrders,
allOrders and userTrades by `pair` too (allOrders / userTrades weigh 20 with a symbol and 40
with a pair; userTrades' limit is 50 by default), positionRisk by `marginAsset` or `pair`,
brackets by pair (v1) or symbol (v2), COIN-M's weights (balance 1, income 20, positionRisk 1,
the history downloads 5).
"""

from binance_sandbox.gateway import params
from binance_sandbox.gateway.endpoint import Endpoint, Handler, Security, WeightRule, fixed
from binance_sandbox.gateway.handlers import (
    account,
    algo_orders,
    batch_orders,
    coinm_account,
    downloads,
    force_orders,
    income,
    legacy_conditional,
    margin,
    orders,
    positions,
    user_stream,
)
from binance_sandbox.gateway.handlers.coinm_common import dapi, usdm
from binance_sandbox.gateway.handlers.market_common import OPTIONAL_PAIR, OPTIONAL_SYMBOL, limit
from binance_sandbox.gateway.handlers.order_params import COINM_AMEND_PARAMS, NEW_ORDER_PARAMS

_USDM = usdm(
    account,
    algo_orders,
    batch_orders,
    downloads,
    force_orders,
    income,
    margin,
    orders,
    positions,
    user_stream,
)

BY_SYMBOL_OR_PAIR = WeightRule(
    lambda p: 40 if p.get("pair") else 20, "20 with symbol, 40 with pair"
)
_NEW_ORDER = (
    *(p for p in NEW_ORDER_PARAMS if p.name != "goodTillDate"),
    *legacy_conditional.LEGACY_PARAMS,
)
_WINDOW = (params.integer("startTime", minimum=0), params.integer("endTime", minimum=0))
_ORDER_ID = params.integer("orderId", minimum=1)


def _of(method: str, path: str) -> Endpoint:
    return _USDM[method, path]


def _own(
    method: str,
    path: str,
    weight: int,
    handler: Handler,
    summary: str,
    *declared: params.Param,
) -> Endpoint:
    """An endpoint with COIN-M's own handler."""
    return Endpoint(method, path, Security.USER_DATA, fixed(weight), handler, declared, summary,
                    product="coinm")  # fmt: skip


# The Algo Order endpoints, in none of COIN-M's docs: as on /fapi (weights too), without GTD
UNDOCUMENTED = [
    dapi(_of("POST", "/fapi/v1/algoOrder"), "/dapi/v1/algoOrder",
         params=tuple(p for p in _of("POST", "/fapi/v1/algoOrder").params
                      if p.name != "goodTillDate")),
    *(dapi(_of(method, f"/fapi/v1/{name}"), f"/dapi/v1/{name}")
      for method, name in (("DELETE", "algoOrder"), ("GET", "algoOrder"),
                           ("GET", "openAlgoOrders"), ("GET", "allAlgoOrders"),
                           ("DELETE", "algoOpenOrders"))),
]  # fmt: skip

ENDPOINTS = [
    dapi(_of("POST", "/fapi/v1/order"), "/dapi/v1/order", params=_NEW_ORDER),
    dapi(_of("PUT", "/fapi/v1/order"), "/dapi/v1/order", weight=fixed(1),
         params=COINM_AMEND_PARAMS),
    dapi(_of("GET", "/fapi/v1/order"), "/dapi/v1/order"),
    dapi(_of("DELETE", "/fapi/v1/order"), "/dapi/v1/order"),
    dapi(_of("GET", "/fapi/v1/openOrder"), "/dapi/v1/openOrder"),
    dapi(_of("GET", "/fapi/v1/openOrders"), "/dapi/v1/openOrders",
         params=(OPTIONAL_SYMBOL, OPTIONAL_PAIR)),
    dapi(_of("GET", "/fapi/v1/allOrders"), "/dapi/v1/allOrders", weight=BY_SYMBOL_OR_PAIR,
         params=(OPTIONAL_SYMBOL, OPTIONAL_PAIR, _ORDER_ID, *_WINDOW, limit(500, 1000))),
    dapi(_of("GET", "/fapi/v1/userTrades"), "/dapi/v1/userTrades", weight=BY_SYMBOL_OR_PAIR,
         params=(OPTIONAL_SYMBOL, OPTIONAL_PAIR, _ORDER_ID, *_WINDOW,
                 params.integer("fromId", minimum=0), limit(50, 1000))),
    dapi(_of("GET", "/fapi/v1/orderAmendment"), "/dapi/v1/orderAmendment"),
    dapi(_of("DELETE", "/fapi/v1/allOpenOrders"), "/dapi/v1/allOpenOrders"),
    dapi(_of("POST", "/fapi/v1/countdownCancelAll"), "/dapi/v1/countdownCancelAll"),
    dapi(_of("POST", "/fapi/v1/batchOrders"), "/dapi/v1/batchOrders"),
    dapi(_of("PUT", "/fapi/v1/batchOrders"), "/dapi/v1/batchOrders"),
    dapi(_of("DELETE", "/fapi/v1/batchOrders"), "/dapi/v1/batchOrders"),
    dapi(_of("GET", "/fapi/v1/forceOrders"), "/dapi/v1/forceOrders"),
    *UNDOCUMENTED,
    dapi(_of("POST", "/fapi/v1/leverage"), "/dapi/v1/leverage"),
    dapi(_of("POST", "/fapi/v1/marginType"), "/dapi/v1/marginType"),
    dapi(_of("POST", "/fapi/v1/positionMargin"), "/dapi/v1/positionMargin"),
    dapi(_of("GET", "/fapi/v1/positionMargin/history"), "/dapi/v1/positionMargin/history"),
    dapi(_of("GET", "/fapi/v1/adlQuantile"), "/dapi/v1/adlQuantile"),
    dapi(_of("POST", "/fapi/v1/positionSide/dual"), "/dapi/v1/positionSide/dual"),
    dapi(_of("GET", "/fapi/v1/positionSide/dual"), "/dapi/v1/positionSide/dual"),
    dapi(_of("GET", "/fapi/v1/commissionRate"), "/dapi/v1/commissionRate"),
    dapi(_of("GET", "/fapi/v1/income"), "/dapi/v1/income", weight=fixed(20)),
    *(dapi(_of("GET", f"/fapi/v1/{kind}/{path}"), f"/dapi/v1/{kind}/{path}", weight=fixed(5))
      for kind in ("income", "order", "trade") for path in ("asyn", "asyn/id")),
    dapi(_of("POST", "/fapi/v1/listenKey"), "/dapi/v1/listenKey"),
    dapi(_of("PUT", "/fapi/v1/listenKey"), "/dapi/v1/listenKey"),
    dapi(_of("DELETE", "/fapi/v1/listenKey"), "/dapi/v1/listenKey"),
    _own("GET", "/dapi/v1/positionRisk", 1, coinm_account.position_risk, "Position Information",
         params.string("marginAsset", max_length=16, pattern="[A-Za-z0-9]+"), OPTIONAL_PAIR),
    _own("GET", "/dapi/v1/balance", 1, coinm_account.balances, "Futures Account Balance"),
    _own("GET", "/dapi/v1/account", 5, coinm_account.account_information, "Account Information"),
    _own("GET", "/dapi/v1/leverageBracket", 1, coinm_account.pair_brackets,
         "Notional Bracket for Pair", OPTIONAL_PAIR),
    _own("GET", "/dapi/v2/leverageBracket", 1, coinm_account.symbol_brackets,
         "Notional Bracket for Symbol", OPTIONAL_SYMBOL),
]  # fmt: skip
