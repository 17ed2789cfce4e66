"""The endpoint table: every endpoint the sandbox serves, gathered from the handler modules."""

from binance_sandbox.gateway.endpoint import Endpoint
from binance_sandbox.gateway.handlers import (
    account,
    account_status,
    algo_orders,
    batch_orders,
    coinm_market,
    coinm_trading,
    downloads,
    force_orders,
    futures_data,
    general,
    income,
    margin,
    market_core,
    market_extra,
    orders,
    other_markets,
    positions,
    spot_wallet,
    user_stream,
)


def endpoint_table() -> list[Endpoint]:
    endpoints = [
        *general.ENDPOINTS,
        *market_core.ENDPOINTS,
        *market_extra.ENDPOINTS,
        *futures_data.ENDPOINTS,
        *account.ENDPOINTS,
        *margin.ENDPOINTS,
        *income.ENDPOINTS,
        *downloads.ENDPOINTS,
        *account_status.ENDPOINTS,
        *orders.ENDPOINTS,
        *positions.ENDPOINTS,
        *batch_orders.ENDPOINTS,
        *spot_wallet.ENDPOINTS,
        *other_markets.ENDPOINTS,
        *algo_orders.ENDPOINTS,
        *user_stream.ENDPOINTS,
        *force_orders.ENDPOINTS,
        *coinm_market.ENDPOINTS,
        *coinm_trading.ENDPOINTS,
    ]
    keys = [(endpoint.product, *endpoint.key) for endpoint in endpoints]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise ValueError(f"endpoints declared twice: {sorted(duplicates)}")
    return endpoints
