"""COIN-M's volumes in the base coin: a trade of Q contracts of `contract_size` USD at price P
is worth Q x size / P coins. The tape keeps price x quantity (USDⓈ-M's quote volume), which
does not give the coin volume of an inverse contract, so it is summed here over the trades
themselves (their ids: a kline's `f`..`L`, a day's firstId..lastId), each read once
(`CoinVolumes`). Worths are summed at 18 decimals (floored: at most one unit of the 18th
decimal per trade), then rounded half away from zero to the 8 Binance prints, so the weighted
average price (USD over coins) of one trade is its price.
"""

from dataclasses import dataclass

from binance_sandbox.core.fixed import AMOUNT_DECIMALS
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.rounding import div_half_up
from binance_sandbox.projections.tape import TapeStore

_BATCH = 1000  # trades read from the tape at a time


_FINE = 18  # decimals of the sums
_TO_AMOUNT = 10 ** (_FINE - AMOUNT_DECIMALS)


@dataclass(frozen=True)
class CoinVolume:
    contracts: int  # in steps, as the tape keeps quantities
    fine_coins: int  # at 18 decimals
    fine_taker_buy_coins: int  # of the trades whose taker bought

    @property
    def coins(self) -> int:
        """At 8 decimals."""
        return div_half_up(self.fine_coins, _TO_AMOUNT)

    @property
    def taker_buy_coins(self) -> int:
        return div_half_up(self.fine_taker_buy_coins, _TO_AMOUNT)


def worth(instrument: Instrument, price: int, qty: int) -> int:
    """Q contracts at P in coins at 18 decimals (P in price units, Q in steps)."""
    scale: int = 10 ** (_FINE + instrument.price_decimals)
    per_price: int = 10**instrument.qty_decimals
    return qty * instrument.contract_size * scale // (price * per_price)


class CoinVolumes:
    """Coin volumes of id ranges of a symbol's trades. A range asked for again with the same
    first id (a kline's candle or the 24-hour window while it opens on the same minute, at
    every push) reads only the trades after the last one it was asked for, since trade ids
    never change; the newest `_KEPT` ranges are remembered."""

    def __init__(self, tape: TapeStore) -> None:
        self._tape = tape
        self._known: dict[tuple[str, int], tuple[int, CoinVolume]] = {}

    def between(self, instrument: Instrument, first_id: int, last_id: int) -> CoinVolume:
        """The trades with ids in [first_id, last_id] (none when first_id < 0: no trade)."""
        key = (instrument.symbol, first_id)
        read_to, volume = self._known.pop(key, (first_id - 1, _NONE))
        if read_to > last_id:
            read_to, volume = first_id - 1, _NONE
        volume = _added(self._tape, instrument, volume, read_to + 1, last_id)
        self._known[key] = (last_id, volume)
        if len(self._known) > _KEPT:
            del self._known[next(iter(self._known))]
        return volume


_NONE = CoinVolume(0, 0, 0)
_KEPT = 1024


def _added(
    tape: TapeStore, instrument: Instrument, volume: CoinVolume, first_id: int, last_id: int
) -> CoinVolume:
    """`volume` plus the trades with ids in [first_id, last_id]."""
    contracts, coins, taker_buy = volume.contracts, volume.fine_coins, volume.fine_taker_buy_coins
    next_id = first_id
    while 0 <= next_id <= last_id:
        trades = tape.trades(instrument.symbol, next_id, _BATCH)
        for trade in trades:
            if trade.id > last_id:
                break
            value = worth(instrument, trade.price, trade.qty)
            contracts, coins = contracts + trade.qty, coins + value
            taker_buy += 0 if trade.buyer_maker else value
        if len(trades) < _BATCH:
            break
        next_id = trades[-1].last_id + 1
    return CoinVolume(contracts, coins, taker_buy)
