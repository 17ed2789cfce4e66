"""Builds one index price source per pair from the `[prices.pairs.<SYMBOL>]` tables.

Every listed symbol must have a table; any problem raises PriceSourceError prefixed with the
table's name, so the message points at the line of the configuration file to fix.
"""

from collections.abc import Iterable
from pathlib import Path

from binance_sandbox.config.model import PricesConfig, PriceSourceConfig
from binance_sandbox.core.fixed import AMOUNT_DECIMALS, FixedPointError, parse_scaled
from binance_sandbox.simulators.prices.base import PriceSource, PriceSourceError
from binance_sandbox.simulators.prices.fixed import FixedPrice
from binance_sandbox.simulators.prices.gbm import GeometricBrownianMotion
from binance_sandbox.simulators.prices.scripted import load_scripted_path


def build_price_sources(
    config: PricesConfig, seed: int, symbols: Iterable[str], base_dir: Path
) -> dict[str, PriceSource]:
    """Relative CSV paths resolve against `base_dir` (the configuration file's directory)."""
    sources: dict[str, PriceSource] = {}
    for symbol in symbols:
        table = f"[prices.pairs.{symbol}]"
        entry = config.pairs.get(symbol)
        if entry is None:
            raise PriceSourceError(
                f'{table} is missing: add it with source = "fixed", "scripted" or "gbm"'
            )
        try:
            sources[symbol] = _build(entry, seed, symbol, base_dir)
        except PriceSourceError as exc:
            raise PriceSourceError(f"{table} {exc}") from exc
    return sources


def _build(entry: PriceSourceConfig, seed: int, symbol: str, base_dir: Path) -> PriceSource:
    # `source` defaults to "gbm", so a path without `source = "scripted"` is a likely slip.
    if entry.path and entry.source != "scripted":
        raise PriceSourceError(
            f'has path = "{entry.path}" but source = "{entry.source}"; '
            'set source = "scripted" to replay the file'
        )
    if entry.source == "scripted":
        if not entry.path:
            raise PriceSourceError('needs path = "..." (a CSV file of time,price rows)')
        return load_scripted_path(base_dir / Path(entry.path).expanduser())
    if not entry.price:
        role = "the price" if entry.source == "fixed" else "the start of the path"
        raise PriceSourceError(f'needs price = "..." ({role}, as a decimal string)')
    price = _parse_price(entry.price)
    if entry.source == "fixed":
        return FixedPrice(price)
    return GeometricBrownianMotion(
        start=price,
        drift=entry.drift,
        volatility=entry.volatility,
        jumps_per_day=entry.jumps_per_day,
        jump_mean=entry.jump_mean,
        jump_stdev=entry.jump_stdev,
        seed=seed,
        symbol=symbol,
    )


def _parse_price(text: str) -> int:
    try:
        price = parse_scaled(text, AMOUNT_DECIMALS)
    except FixedPointError as exc:
        raise PriceSourceError(f'price = "{text}": {exc}') from None
    if price < 1:
        raise PriceSourceError(f'price = "{text}" must be positive')
    return price
