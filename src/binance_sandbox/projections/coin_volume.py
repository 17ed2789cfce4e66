"""COIN-M's volumes in the coin: a trade of Q contracts at P is worth Q x size / P coins
(`contract_value`), which the tape's price x quantity sums cannot give, so the trades of an id
range (a kline's or the 24-hour window's first..last id) are read and their worths summed at
18 decimals (floored: at most one unit of the 18th decimal per trade), then rounded half away
from zero to the 8 Binance prints, so the weighted average price (USD over coins) of one trade
is its price. The REST klines and ticker read `between`; the streams, which ask for the same
growing ranges at every push, keep a `CoinVolumes`.
"""

from dataclasses import dataclass

from binance_sandbox.core import contract_value
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.positions import price_8
from binance_sandbox.core.rounding import div_half_up
from binance_sandbox.projections.tape import TapeStore

_BATCH = 1000  # trades read from the tape at a time


@dataclass(frozen=True)
class CoinVolume:
    contracts: int  # in steps, as the tape keeps quantities
    fine_coins: int  # at 18 decimals
    fine_taker_buy_coins: int  # of the trades whose taker bought

    @property
    def coins(self) -> int:
        """At 8 decimals."""
        return div_half_up(self.fine_coins, contract_value.FINE)

    @property
    def taker_buy_coins(self) -> int:
        return div_half_up(self.fine_taker_buy_coins, contract_value.FINE)


def between(tape: TapeStore, instrument: Instrument, first_id: int, last_id: int) -> CoinVolume:
    """The coin volume of the symbol's trades with ids in [first_id, last_id]."""
    return _added(tape, instrument, _NONE, first_id, last_id)


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
    qty_decimals, size = contract_value.terms(instrument)
    contracts, coins, taker_buy = volume.contracts, volume.fine_coins, volume.fine_taker_buy_coins
    next_id = first_id
    while 0 <= next_id <= last_id:
        trades = tape.trades(instrument.symbol, next_id, _BATCH)
        for trade in trades:
            if trade.id > last_id:
                break
            at = price_8(trade.price, instrument.price_decimals)
            value = contract_value.worth_fine(trade.qty, at, qty_decimals, size)
            contracts, coins = contracts + trade.qty, coins + value
            taker_buy += 0 if trade.buyer_maker else value
        if len(trades) < _BATCH:
            break
        next_id = trades[-1].last_id + 1
    return CoinVolume(contracts, coins, taker_buy)
