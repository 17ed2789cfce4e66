"""The price source protocol.

A price source is a pure function of its configuration and its arguments: it keeps no state
between calls, so the exchange's last index price and its time are the whole of the path's
state. Restarting the server therefore continues a path exactly where the journal left it.
Prices are ints at `AMOUNT_DECIMALS`; times are epoch milliseconds of exchange time.
"""

from typing import Protocol


class PriceSourceError(ValueError):
    """A price source that cannot be built: a bad configuration entry or a bad scripted file."""


class PriceSource(Protocol):
    def next_price(self, ts: int, previous: int | None, previous_ts: int | None) -> int | None:
        """Index price at exchange time `ts` (ms), given the last index price the exchange holds
        (None before the first) and its time. None means: leave the price as it is."""
        ...
