"""A quarterly contract's settlement window in progress, then its settlement (core/delivery.py)."""

import msgspec


class DeliveredSettlement(msgspec.Struct, frozen=True, kw_only=True):
    """One position settled at delivery: a DELIVERED_SETTELMENT row (Binance's spelling) of the
    account's income, its amount the realized PnL (no delivery fee: Binance lists none for
    USDⓈ-M; tests/test_delivery_income.py pins it)."""

    account_id: int
    asset: str
    amount: int  # signed, at 8 decimals
    tran_id: int


class Delivery(msgspec.Struct, kw_only=True):
    index_sum: int = 0  # of the 1-second index samples, 8 decimals
    samples: int = 0
    sampled_until: int = 0  # the time of the newest sample (ms, on the second)
    price: int = 0  # the settlement price once delivered, 8 decimals
    time: int = 0  # the delivery time once delivered
    settlements: list[DeliveredSettlement] = msgspec.field(default_factory=list)
