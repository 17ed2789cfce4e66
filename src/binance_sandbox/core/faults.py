"""Adding and clearing fault rules (see `fault_rules.py`): the core keeps and checks them."""

import msgspec

from binance_sandbox.core import rejects
from binance_sandbox.core.events import Event, FaultsChanged
from binance_sandbox.core.fault_rules import PPM, FaultRule
from binance_sandbox.core.state import ExchangeState

_LIMIT = 2**53  # what a JSON client can read back exactly


def add_rules(state: ExchangeState, new: tuple[FaultRule, ...]) -> list[Event]:
    """Appends `new` with the next ids; refuses them all if one is malformed."""
    for rule in new:
        problem = _problem(rule)
        if problem:
            return [rejects.malformed(problem)]
    ids = []
    for rule in new:
        state.faults.append(msgspec.structs.replace(rule, id=state.next_fault_id))
        ids.append(state.next_fault_id)
        state.next_fault_id += 1
    return [FaultsChanged(added=tuple(ids), cleared=False)]


def clear_rules(state: ExchangeState) -> list[Event]:
    state.faults.clear()
    return [FaultsChanged(added=(), cleared=True)]


def _problem(rule: FaultRule) -> str:
    """The name of the first field out of its range, or ""."""
    numbers = {
        "accountId": rule.account_id,
        "count": rule.count,
        "startTime": rule.start_ms,
        "endTime": rule.end_ms,
        "retryAfter": rule.retry_after_s,
        "latencyMs": rule.latency_ms,
        "jitterMs": rule.jitter_ms,
    }
    for name, value in numbers.items():
        if not 0 <= value < _LIMIT:
            return name
    if not 0 < rule.share_ppm <= PPM:
        return "share"
    if rule.end_ms and rule.end_ms <= rule.start_ms:
        return "endTime"
    if rule.kind == "reject_order" and rule.code >= 0:
        return "code"
    return ""
