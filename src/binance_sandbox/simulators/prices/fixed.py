"""A constant index price, set once.

Only the first price is supplied; afterwards the source never overrides the exchange, so a
price set by hand through the admin API sticks.
"""

from dataclasses import dataclass

from binance_sandbox.simulators.prices.base import PriceSourceError


@dataclass(frozen=True, slots=True)
class FixedPrice:
    price: int

    def __post_init__(self) -> None:
        if self.price < 1:
            raise PriceSourceError(f"a fixed price must be positive, got {self.price}")

    # The protocol's signature; a fixed price needs neither time.
    def next_price(self, ts: int, previous: int | None, previous_ts: int | None) -> int | None:  # noqa: ARG002
        return self.price if previous is None else None
