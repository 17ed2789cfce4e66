"""COIN-M's user-data payloads where they differ from USDⓈ-M's, as the COIN-M pages
(derivatives-docs/coin-margined-futures/user-data-streams/) show them: ORDER_TRADE_UPDATE and
ACCOUNT_UPDATE carry the account alias `i` after `T`; an order update has the margin asset
`ma` after `L` and none of USDⓈ-M's `si`, `ss`, `gtd`. COIN-M has no TRADE_LITE, so it is
not sent on a COIN-M key. Its algo orders (/dapi/v1/algoOrder, since the CM migration) push
USDⓈ-M's ALGO_UPDATE: the pages (2026-01) predate the migration and name no event of their
own, and the Algo Service is the one both products use.
"""

from typing import Any

from binance_sandbox.core.state import ExchangeState
from binance_sandbox.gateway.handlers.account import account_alias

Payload = dict[str, Any]
_NOT_COINM = frozenset({"TRADE_LITE"})
_USDM_ONLY_ORDER_FIELDS = frozenset({"si", "ss", "gtd"})


def coinm_shaped(state: ExchangeState, account_id: int, payload: Payload) -> Payload | None:
    """`payload` as a COIN-M listenKey receives it; None: COIN-M sends no such event."""
    kind = payload["e"]
    if kind in _NOT_COINM:
        return None
    if kind not in ("ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE"):
        return payload
    shaped = _after(payload, "T", "i", account_alias(account_id))
    if kind == "ORDER_TRADE_UPDATE":
        order = {k: v for k, v in payload["o"].items() if k not in _USDM_ONLY_ORDER_FIELDS}
        margin_asset = state.instruments[order["s"]].margin_asset
        shaped["o"] = _after(order, "L", "ma", margin_asset)
    return shaped


def _after(payload: Payload, key: str, new: str, value: Any) -> Payload:
    """`payload` with `new` right after `key`, where the pages put it."""
    placed: Payload = {}
    for name, item in payload.items():
        placed[name] = item
        if name == key:
            placed[new] = value
    return placed
