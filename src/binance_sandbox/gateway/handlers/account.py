"""Signed account reads: futures balances (v2, v3) and account information (v3).

Until trading and the risk model exist there are no positions and no margin in use, so every
margin figure is zero and available balance equals wallet balance.
"""

import hashlib
from functools import lru_cache
from typing import Any

from binance_sandbox.core.accounts import Account
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed
from binance_sandbox.gateway.render import ZERO, amount


@lru_cache(maxsize=4096)
def account_alias(account_id: int) -> str:
    """A short stable alias per account, like Binance's 'SgsR'."""
    digest = hashlib.sha256(f"alias:{account_id}".encode()).hexdigest()
    return "".join(c for c in digest.upper() if c.isalpha())[:4].ljust(4, "X")


async def balances(ctx: RequestContext) -> list[dict[str, Any]]:
    account = ctx.account()
    alias = account_alias(account.account_id)
    rows = []
    for asset in ctx.state.assets:
        wallet = amount(account.balance(asset))
        rows.append(
            {
                "accountAlias": alias,
                "asset": asset,
                "balance": wallet,
                "crossWalletBalance": wallet,
                "crossUnPnl": ZERO,
                "availableBalance": wallet,
                "maxWithdrawAmount": wallet,
                "marginAvailable": True,
                "updateTime": account.balance_times.get(asset, 0),
            }
        )
    return rows


async def account_information(ctx: RequestContext) -> dict[str, Any]:
    account = ctx.account()
    usdt = amount(account.balance("USDT"))
    assets = [_asset_row(account, asset) for asset in ctx.state.assets]
    return {
        "totalInitialMargin": ZERO,
        "totalMaintMargin": ZERO,
        "totalWalletBalance": usdt,
        "totalUnrealizedProfit": ZERO,
        "totalMarginBalance": usdt,
        "totalPositionInitialMargin": ZERO,
        "totalOpenOrderInitialMargin": ZERO,
        "totalCrossWalletBalance": usdt,
        "totalCrossUnPnl": ZERO,
        "availableBalance": usdt,
        "maxWithdrawAmount": usdt,
        "assets": assets,
        "positions": [],
    }


def _asset_row(account: Account, asset: str) -> dict[str, Any]:
    wallet = amount(account.balance(asset))
    return {
        "asset": asset,
        "walletBalance": wallet,
        "unrealizedProfit": ZERO,
        "marginBalance": wallet,
        "maintMargin": ZERO,
        "initialMargin": ZERO,
        "positionInitialMargin": ZERO,
        "openOrderInitialMargin": ZERO,
        "crossWalletBalance": wallet,
        "crossUnPnl": ZERO,
        "availableBalance": wallet,
        "maxWithdrawAmount": wallet,
        "updateTime": account.balance_times.get(asset, 0),
    }


async def account_config(ctx: RequestContext) -> dict[str, Any]:
    account = ctx.account()
    return {
        "feeTier": 0,
        "canTrade": ctx.key is not None and ctx.key.key.can_trade,
        "canDeposit": True,
        "canWithdraw": True,
        "dualSidePosition": account.dual_side_position,
        "updateTime": 0,
        "multiAssetsMargin": False,
        "tradeGroupId": account.trade_group_id,
    }


ENDPOINTS = [
    Endpoint(
        "GET", "/fapi/v2/balance", Security.USER_DATA, fixed(5), balances,
        summary="Futures Account Balance V2",
    ),
    Endpoint(
        "GET", "/fapi/v3/balance", Security.USER_DATA, fixed(5), balances,
        summary="Futures Account Balance V3",
    ),
    Endpoint(
        "GET", "/fapi/v1/accountConfig", Security.USER_DATA, fixed(5), account_config,
        summary="Futures Account Configuration",
    ),
    Endpoint(
        "GET", "/fapi/v3/account", Security.USER_DATA, fixed(5), account_information,
        summary="Account Information V3",
    ),
]  # fmt: skip
