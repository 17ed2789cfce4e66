"""Which product's listenKeys a user-data message goes to. A listenKey belongs to the API it
was started on (/fapi: USDⓈ-M, /dapi: COIN-M), as on Binance, where each product has its own
user-data stream; an account's balances are one wallet per asset for both products here.

A message about a contract (an order, a leverage change, a margin call's positions, an
ACCOUNT_UPDATE's positions) goes to its contract's product, with the balance rows of that
product's margin assets for COIN-M and the others for USDⓈ-M. A balance-only ACCOUNT_UPDATE (a
deposit, a transfer) goes to USDⓈ-M as a whole, as before COIN-M, and to COIN-M with its COIN-M
margin assets' rows. Multi-Assets mode is USDⓈ-M's. A COIN-M message takes COIN-M's shape
(`coinm_user_payloads`).
"""

from typing import Any

from binance_sandbox.core.instruments import Product
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.gateway.user_streams.coinm_user_payloads import Payload, coinm_shaped


def for_product(
    state: ExchangeState, account_id: int, payload: Payload, product: Product
) -> Payload | None:
    """`payload` as a listenKey of `product` receives it; None: not for that product."""
    kind = payload["e"]
    if kind == "ACCOUNT_UPDATE":
        split = _account_update(state, payload, product)
    elif kind == "MARGIN_CALL":
        rows = [row for row in payload["p"] if _product(state, row["s"]) == product]
        split = {**payload, "p": rows} if rows else None
    else:
        split = payload if _subject_product(state, payload) in (None, product) else None
    if split is None or product == "usdm":
        return split
    return coinm_shaped(state, account_id, split)


def _account_update(state: ExchangeState, payload: Payload, product: Product) -> Payload | None:
    update = payload["a"]
    positions = [row for row in update["P"] if _product(state, row["s"]) == product]
    if update["P"] and not positions:
        return None
    if product == "coinm":  # its positions' margin assets, or (no position) every COIN-M one
        assets = _coinm_margin_assets(state, positions if update["P"] else None)
        balances = [row for row in update["B"] if row["a"] in assets]
    elif update["P"]:  # the margin assets of COIN-M's positions are COIN-M's
        claimed = _coinm_margin_assets(state, [r for r in update["P"] if r not in positions])
        balances = [row for row in update["B"] if row["a"] not in claimed]
    else:
        balances = update["B"]
    if not balances and not positions:
        return None
    return {**payload, "a": {**update, "B": balances, "P": positions}}


def _coinm_margin_assets(state: ExchangeState, positions: list[dict[str, Any]] | None) -> set[str]:
    """The margin assets of these positions' contracts (None: of every COIN-M contract)."""
    if positions is None:
        return {i.margin_asset for i in state.instruments.values() if i.inverse}
    return {state.instruments[row["s"]].margin_asset for row in positions}


def _subject_product(state: ExchangeState, payload: Payload) -> Product | None:
    """The product of the contract an event is about; None: about none (both products)."""
    for part in (payload, payload.get("o"), payload.get("ac")):
        if isinstance(part, dict) and "s" in part:
            return _product(state, part["s"])
    return "usdm" if "ai" in payload else None  # Multi-Assets mode


def _product(state: ExchangeState, symbol: str) -> Product:
    instrument = state.instruments.get(symbol)
    return instrument.product if instrument is not None else "usdm"
