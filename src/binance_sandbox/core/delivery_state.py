"""A quarterly contract's settlement window in progress, then its settlement (core/delivery.py)."""

import msgspec


class Delivery(msgspec.Struct, kw_only=True):
    index_sum: int = 0  # of the 1-second index samples, 8 decimals
    samples: int = 0
    sampled_until: int = 0  # the time of the newest sample (ms, on the second)
    price: int = 0  # the settlement price once delivered, 8 decimals
    time: int = 0  # the delivery time once delivered
