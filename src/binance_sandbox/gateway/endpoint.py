"""An endpoint as data: method, path, security type, weight rule, parameters and handler.

The table of these drives routing, validation, rate limiting, the OpenAPI document and the
coverage report, so an endpoint is described exactly once.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from binance_sandbox.core.instruments import Product
from binance_sandbox.gateway.params import Param

if TYPE_CHECKING:
    from binance_sandbox.gateway.context import RequestContext


class Security(Enum):
    """Binance's endpoint security types."""

    NONE = "NONE"
    MARKET_DATA = "MARKET_DATA"  # API key, no signature
    USER_STREAM = "USER_STREAM"  # API key, no signature
    USER_DATA = "USER_DATA"  # signed
    TRADE = "TRADE"  # signed, and the key must be allowed to trade

    @property
    def needs_key(self) -> bool:
        return self is not Security.NONE

    @property
    def signed(self) -> bool:
        return self in (Security.USER_DATA, Security.TRADE)


Handler = Callable[["RequestContext"], Awaitable[Any]]


@dataclass(frozen=True)
class WeightRule:
    """A request weight as a function of the validated parameters, with its documented text."""

    rule: Callable[[Mapping[str, Any]], int]
    text: str

    def __call__(self, params: Mapping[str, Any]) -> int:
        return self.rule(params)


def fixed(weight: int) -> WeightRule:
    return WeightRule(lambda _params: weight, str(weight))


def with_or_without_symbol(with_symbol: int, without: int, *, pair: bool = False) -> WeightRule:
    """`pair`: a `pair` counts as a symbol (COIN-M's tickers take either)."""
    names = ("symbol", "pair") if pair else ("symbol",)
    return WeightRule(
        lambda params: with_symbol if any(params.get(name) for name in names) else without,
        f"{with_symbol} with {' or '.join(names)}, {without} without",
    )


def _kline_weight(params: Mapping[str, Any]) -> int:
    limit = params.get("limit", 500)
    if limit < 100:
        return 1
    if limit < 500:
        return 2
    return 5 if limit <= 1000 else 10


def _depth_weight(params: Mapping[str, Any]) -> int:
    limit = params.get("limit", 500)
    if limit <= 50:
        return 2
    if limit <= 100:
        return 5
    return 10 if limit <= 500 else 20


BY_KLINE_LIMIT = WeightRule(
    _kline_weight, "by limit: <100 -> 1, <500 -> 2, <=1000 -> 5, >1000 -> 10"
)
BY_DEPTH_LIMIT = WeightRule(_depth_weight, "by limit: 5-50 -> 2, 100 -> 5, 500 -> 10, 1000 -> 20")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    security: Security
    weight: WeightRule
    handler: Handler
    params: tuple[Param, ...] = ()
    summary: str = ""
    # what it counts on the ORDERS limiters (10-second, 1-minute): order-placing endpoints
    orders: tuple[int, int] = (0, 0)
    # whose instruments, accounts' rows and rate limits it serves: one product per table
    product: Product = "usdm"

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path
