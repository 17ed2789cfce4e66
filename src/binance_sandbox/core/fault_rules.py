"""A fault rule as data: what the gateway breaks on purpose, and for whom.

Rules are exchange state, added and cleared by journaled commands, so a run's faults replay with
it and travel with a snapshot or an export. Which request a rule hits is decided in the shell
(`control/faults.py`) from the rule, the exchange time and a draw seeded by the rule.
"""

from typing import Literal

import msgspec

FaultKind = Literal[
    "rate_limit",  # 429 -1003 with Retry-After
    "ip_ban",  # 418 -1003 with Retry-After
    "overload",  # 503 -1008 (system-level protection)
    "server_error",  # 500 -1000
    "bad_gateway",  # 502 from the edge, an HTML page
    "unknown_outcome",  # 503 "Unknown error, please check your request or try again later."
    "unavailable",  # 503 "Service Unavailable."
    "internal",  # 503 -1001 "Internal error; unable to process your request. Please try again."
    "latency",  # the request is served latency_ms (+ a seeded share of jitter_ms) late
    "timeout",  # no answer until the client gives up (408 -1007 after latency_ms, if set)
    "reject_order",  # an order endpoint answers `code` (and `msg`) instead of placing
    "stream_delay",  # a stream's events leave latency_ms (+ jitter) late, in their order
    "stream_duplicate",  # a stream's events are sent twice
]
# Kinds that hit stream events, not requests; their `endpoint` is a stream name
# (`btcusdt@aggTrade`), "" for every stream; `account_id` picks that account's user-data streams.
STREAM_KINDS = frozenset({"stream_delay", "stream_duplicate"})
PPM = 1_000_000  # shares are in parts per million


class FaultRule(msgspec.Struct, frozen=True, kw_only=True):
    id: int = 0  # given by the core when the rule is added
    kind: FaultKind
    endpoint: str = ""  # "/fapi/v1/order" or "POST /fapi/v1/order" (a stream name for the
    # stream kinds); "" for every endpoint
    symbol: str = ""  # only requests naming this symbol; "" for any
    account_id: int = 0  # only requests signed by this account's keys; 0 for any caller
    count: int = 0  # the rule ends after hitting this many requests; 0: no limit
    share_ppm: int = PPM  # of the matching requests, this share (seeded draw) is hit
    start_ms: int = 0  # exchange time window [start_ms, end_ms); 0 leaves a side open
    end_ms: int = 0
    seed: int = 0  # the draw's seed; 0: the exchange seed
    retry_after_s: int = 0
    latency_ms: int = 0
    jitter_ms: int = 0
    code: int = 0  # reject_order: Binance's code and message to answer
    msg: str = ""
