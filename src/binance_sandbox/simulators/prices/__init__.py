"""Price sources: the shell-side functions that compute the next index price of a symbol.

Their results enter the deterministic core only as journaled timer commands.
"""

from binance_sandbox.simulators.prices.base import PriceSource, PriceSourceError
from binance_sandbox.simulators.prices.factory import build_price_sources
from binance_sandbox.simulators.prices.fixed import FixedPrice
from binance_sandbox.simulators.prices.gbm import GeometricBrownianMotion
from binance_sandbox.simulators.prices.scripted import ScriptedPath, load_scripted_path

__all__ = [
    "FixedPrice",
    "GeometricBrownianMotion",
    "PriceSource",
    "PriceSourceError",
    "ScriptedPath",
    "build_price_sources",
    "load_scripted_path",
]
