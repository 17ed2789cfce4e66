"""What a request hit by a fault rule gets: Binance's answer for that fault, late, or none.

The bodies are Binance's: -1003 with Retry-After for 429 / 418, -1008 and -1001 with 503,
-1000 with 500. The two 503 variants of the general-info page come without a code, as Binance's
edge sends them (`{"timestamp", "path", "msg"}`), and a 502 is the edge's HTML page.
"""

import asyncio
import inspect

import orjson

from binance_sandbox.control.faults import Hit
from binance_sandbox.core import rejects
from binance_sandbox.core.events import Rejected
from binance_sandbox.gateway import errors

DEFAULT_RETRY_AFTER_S = {"rate_limit": 60, "ip_ban": 120}  # Binance's shortest ban: 2 minutes
NO_ANSWER_BOUND_MS = 600_000  # a timeout without a bound still answers after 10 minutes
_EDGE_503 = {
    "unknown_outcome": "Unknown error, please check your request or try again later.",
    "unavailable": "Service Unavailable.",
}
_BAD_GATEWAY = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)


class RawReply(Exception):
    """An answer that is not `{"code", "msg"}`."""

    def __init__(self, status: int, content_type: bytes, body: bytes) -> None:
        super().__init__(status)
        self.status = status
        self.content_type = content_type
        self.body = body


class NoAnswer(Exception):
    """Answer nothing until the client hangs up, or `bound_ms` passes."""

    def __init__(self, bound_ms: int) -> None:
        super().__init__(bound_ms)
        self.bound_ms = bound_ms or NO_ANSWER_BOUND_MS


def backend_timeout() -> errors.BinanceError:
    return errors.BinanceError(
        -1007,
        "Timeout waiting for response from backend server. Send status unknown; execution "
        "status unknown.",
        408,
    )


async def inject(hit: Hit, path: str, wall_ms: int, weight_limit: int) -> None:
    """Waits out a latency; raises the fault's answer for the other kinds."""
    rule = hit.rule
    if rule.kind == "latency":
        await asyncio.sleep(hit.delay_ms / 1000)
        return
    if rule.kind == "timeout":
        raise NoAnswer(hit.delay_ms)
    retry_after = rule.retry_after_s or DEFAULT_RETRY_AFTER_S.get(rule.kind, 0)
    match rule.kind:
        case "rate_limit":
            raise errors.too_many_requests(weight_limit, retry_after)
        case "ip_ban":
            raise errors.banned(wall_ms + retry_after * 1000, retry_after)
        case "overload":
            raise errors.from_rejection(rejects.OVERLOADED.code, rejects.OVERLOADED.msg)
        case "server_error":
            raise errors.unknown()
        case "internal":
            raise errors.BinanceError(
                -1001, "Internal error; unable to process your request. Please try again.", 503
            )
        case "bad_gateway":
            raise RawReply(502, b"text/html", _BAD_GATEWAY)
        case "unknown_outcome" | "unavailable":
            body = {"timestamp": wall_ms, "path": path, "msg": _EDGE_503[rule.kind]}
            raise RawReply(503, b"application/json", orjson.dumps(body))
        case "reject_order":
            raise errors.from_rejection(rule.code, rule.msg or _message(rule.code))


def _message(code: int) -> str:
    """Binance's message for a code the core or the gateway answers with, or a generic one."""
    for value in vars(rejects).values():
        if isinstance(value, Rejected) and value.code == code:
            return value.msg
    for value in vars(errors).values():
        if inspect.isfunction(value) and not inspect.signature(value).parameters:
            error = value()
            if isinstance(error, errors.BinanceError) and error.code == code:
                return error.msg
    return "Order rejected by the sandbox's fault injection."
