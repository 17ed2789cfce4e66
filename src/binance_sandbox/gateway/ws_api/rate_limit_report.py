"""The `rateLimits` of an answer: the IP's request weight this minute and, for an order method
that was counted, the account's ORDERS counts — the same counters REST reports in its headers.
COIN-M's (ws-dapi's page) have its own limits and no 10-second ORDERS count."""

from typing import Any

from binance_sandbox.config.model import LimitsConfig
from binance_sandbox.core.instruments import Product


def rate_limits(
    limits: LimitsConfig, used_weight: int, order_counts: tuple[int, int] | None,
    product: Product = "usdm",
) -> list[dict[str, Any]]:  # fmt: skip
    if product == "coinm":
        weight = limits.coinm_request_weight_per_minute
        report = [_limit("REQUEST_WEIGHT", "MINUTE", 1, weight, used_weight)]
        if order_counts is not None:
            orders = limits.coinm_orders_per_minute
            report.append(_limit("ORDERS", "MINUTE", 1, orders, order_counts[1]))
        return report
    report = [_limit("REQUEST_WEIGHT", "MINUTE", 1, limits.request_weight_per_minute, used_weight)]
    if order_counts is not None:
        report.append(_limit("ORDERS", "SECOND", 10, limits.orders_per_10s, order_counts[0]))
        report.append(_limit("ORDERS", "MINUTE", 1, limits.orders_per_minute, order_counts[1]))
    return report


def _limit(kind: str, interval: str, number: int, limit: int, count: int) -> dict[str, Any]:
    return {
        "rateLimitType": kind,
        "interval": interval,
        "intervalNum": number,
        "limit": limit,
        "count": count,
    }
