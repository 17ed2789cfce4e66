"""The spot calls a futures client makes before anything else: all coins' information, and the
cross-margin pairs that come with it.

ccxt with API keys and default options (`fetchCurrencies` and `fetchMargins` on) calls
`GET /sapi/v1/capital/config/getall` and `GET /sapi/v1/margin/allPairs` inside `load_markets`
(its `fetch_currencies`) and fails if either fails. Of the coins it reads `coin`, `name`,
`isLegalMoney`, `trading` and, per network, `network`, `isDefault`, `depositEnable`,
`withdrawEnable`, `withdrawFee`, `withdrawIntegerMultiple`, `withdrawMin`, `withdrawMax` and
`depositDust`; of the margin pairs nothing it needs.

Invariants: one coin per sandbox asset, in the exchange's asset order, with the fields of
Binance's wallet docs in their order. The sandbox has one wallet per account, so `free` is the
account's balance and every other amount is zero. Money moves only through the admin API, so
each coin has a single network, "SANDBOX": deposits and withdrawals enabled, no fee, no
confirmations, amounts on the 8-decimal grid. Amounts are plain decimals without trailing
zeros, as in Binance's current example ("34941.1", "0"). There is no spot margin trading: no
cross-margin pairs, so a `symbol` asked for is -1121.
"""

from typing import Any

from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed
from binance_sandbox.gateway.render import plain

NETWORK = "SANDBOX"
NETWORK_NAME = "binance-sandbox ledger"
SMALLEST = "0.00000001"
LARGEST = "9999999999.99999999"


def _network(coin: str) -> dict[str, Any]:
    return {
        "network": NETWORK,
        "coin": coin,
        "withdrawIntegerMultiple": SMALLEST,
        "isDefault": True,
        "depositEnable": True,
        "withdrawEnable": True,
        "depositDesc": "",
        "withdrawDesc": "",
        "specialTips": "",
        "specialWithdrawTips": "",
        "name": NETWORK_NAME,
        "resetAddressStatus": False,
        "addressRegex": "",
        "memoRegex": "",
        "withdrawFee": "0",
        "withdrawMin": SMALLEST,
        "withdrawMax": LARGEST,
        "withdrawInternalMin": SMALLEST,
        "depositDust": SMALLEST,
        "minConfirm": 0,
        "unLockConfirm": 0,
        "sameAddress": False,
        "withdrawTag": False,
        "estimatedArrivalTime": 0,
        "busy": False,
    }


def _coin(coin: str, balance: int) -> dict[str, Any]:
    return {
        "coin": coin,
        "depositAllEnable": True,
        "withdrawAllEnable": True,
        "name": coin,
        "free": plain(balance),
        "locked": "0",
        "freeze": "0",
        "withdrawing": "0",
        "ipoing": "0",
        "ipoable": "0",
        "storage": "0",
        "isLegalMoney": False,
        "trading": True,
        "networkList": [_network(coin)],
    }


async def all_coins(ctx: RequestContext) -> list[dict[str, Any]]:
    account = ctx.account()
    return [_coin(asset, account.balance(asset)) for asset in ctx.state.assets]


async def cross_margin_pairs(ctx: RequestContext) -> list[dict[str, Any]]:
    if "symbol" in ctx.params:
        raise errors.bad_symbol()
    return []


ENDPOINTS = [
    Endpoint(
        "GET", "/sapi/v1/capital/config/getall", Security.USER_DATA, fixed(10), all_coins,
        summary="Spot: All Coins' Information",
    ),
    Endpoint(
        "GET", "/sapi/v1/margin/allPairs", Security.MARKET_DATA, fixed(1), cross_margin_pairs,
        (params.symbol(),), summary="Spot: Get All Cross Margin Pairs",
    ),
]  # fmt: skip
