"""Which request a fault rule hits: the shell side of `core/fault_rules.py`.

A rule is active inside its exchange-time window until it has hit `count` requests. Of the
requests it matches, a share is hit by a draw that depends only on (seed, rule id, how many
requests the rule has matched), so a scripted run hits the same requests again. The counts live
here, in the process, not in the exchange state: a restart starts them from zero.
"""

import hashlib
from dataclasses import dataclass

from binance_sandbox.core.fault_rules import PPM, STREAM_KINDS, FaultRule


@dataclass(frozen=True)
class Request:
    """What a rule can match a request on."""

    method: str
    path: str
    symbol: str
    account_id: int  # 0: no key
    places_orders: bool
    now_ms: int  # exchange time
    on_stream: bool = False  # a stream event (`path` is the stream's name), not a request


@dataclass(frozen=True)
class Hit:
    rule: FaultRule
    delay_ms: int  # latency (and its seeded jitter), or a timeout's bound


class FaultInjector:
    def __init__(self) -> None:
        self._matched: dict[int, int] = {}
        self._hits: dict[int, int] = {}

    def forget(self) -> None:
        """After the state is replaced: its rules (and their ids, reused) start afresh."""
        self._matched.clear()
        self._hits.clear()

    def hits(self, rule_id: int) -> int:
        return self._hits.get(rule_id, 0)

    def active(self, rule: FaultRule, now_ms: int) -> bool:
        if rule.start_ms and now_ms < rule.start_ms:
            return False
        if rule.end_ms and now_ms >= rule.end_ms:
            return False
        return not rule.count or self.hits(rule.id) < rule.count

    def pick(self, rules: list[FaultRule], seed: int, request: Request) -> Hit | None:
        """The first active rule that matches and draws this request, counted as a hit."""
        for rule in rules:
            if not (self.active(rule, request.now_ms) and _matches(rule, request)):
                continue
            matched = self._matched.get(rule.id, 0)
            self._matched[rule.id] = matched + 1
            rule_seed = rule.seed or seed
            if _draw(rule_seed, rule.id, matched, "share") >= rule.share_ppm:
                continue
            self._hits[rule.id] = self.hits(rule.id) + 1
            jitter = _draw(rule_seed, rule.id, matched, "jitter") * rule.jitter_ms // PPM
            return Hit(rule, rule.latency_ms + jitter)
        return None


def _matches(rule: FaultRule, request: Request) -> bool:
    if (rule.kind in STREAM_KINDS) != request.on_stream:
        return False
    if rule.kind == "reject_order" and not request.places_orders:
        return False
    if rule.endpoint and rule.endpoint not in (request.path, f"{request.method} {request.path}"):
        return False
    if rule.symbol and rule.symbol != request.symbol:
        return False
    return not rule.account_id or rule.account_id == request.account_id


def _draw(seed: int, rule_id: int, n: int, purpose: str) -> int:
    """A number in [0, PPM) that depends only on its arguments."""
    digest = hashlib.blake2b(f"{seed}:{rule_id}:{n}:{purpose}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % PPM
