"""The admin API's fault rules and request log: add (one rule or a script of them), list,
clear in one call; read or download the request log.

A rule's JSON: `kind`, and optionally `endpoint` (or, for the stream kinds, `stream`: a stream
name), `symbol`, `account` (id or name), `count`,
`share` (0 < share <= 1), a window as `from` / `until` (instants) or `for` (a duration from
now, exchange time), `seed`, `retryAfter` (s), `latencyMs`, `jitterMs`, `code` and `msg`.
"""

from decimal import Decimal, InvalidOperation
from typing import Any, get_args

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from binance_sandbox.admin.operations import AdminOperations, bad_request
from binance_sandbox.admin.routes import AdminContext, int_field, read_body, routes_of, text_field
from binance_sandbox.config.times import parse_duration_ms, parse_instant_ms
from binance_sandbox.core.commands import AddFaults, ClearFaults
from binance_sandbox.core.fault_rules import PPM, FaultKind, FaultRule

MAX_RULES_PER_CALL = 100
MAX_LOG_ENTRIES = 10_000
_KINDS: tuple[str, ...] = get_args(FaultKind)


async def list_faults(request: Request, ctx: AdminContext) -> dict[str, Any]:
    now = ctx.clock_control.clock.now_ms()
    return {"rules": [_view(rule, ctx, now) for rule in ctx.sequencer.exchange.state.faults]}


async def add_faults(request: Request, ctx: AdminContext) -> dict[str, Any]:
    body = await read_body(request)
    raw = body.get("rules", [body])
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_RULES_PER_CALL:
        raise bad_request(f"rules must be a list of 1 to {MAX_RULES_PER_CALL} rules")
    now = ctx.clock_control.clock.now_ms()
    rules = tuple(parse_rule(item, ctx.operations, now) for item in raw)
    applied = await ctx.operations.submit(AddFaults(rules=rules))
    added = set(applied.events[0].added)  # type: ignore[union-attr]  # FaultsChanged
    state = ctx.sequencer.exchange.state
    return {"rules": [_view(rule, ctx, now) for rule in state.faults if rule.id in added]}


async def clear_faults(request: Request, ctx: AdminContext) -> dict[str, Any]:
    cleared = len(ctx.sequencer.exchange.state.faults)
    await ctx.operations.submit(ClearFaults())
    return {"cleared": cleared}


async def request_log(request: Request, ctx: AdminContext) -> list[dict[str, Any]]:
    query = dict(request.query_params)
    limit = int_field(query, "limit", 100, MAX_LOG_ENTRIES)
    after = int_field(query, "after", 0, 2**53)
    return ctx.request_log.recent(limit, after)


async def download_request_log(request: Request, ctx: AdminContext) -> Response:
    return Response(
        ctx.request_log.download(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="requests.ndjson"'},
    )


def fault_routes() -> list[Route]:
    return routes_of(
        [
            ("GET", "/faults", list_faults),
            ("POST", "/faults", add_faults),
            ("DELETE", "/faults", clear_faults),
            ("GET", "/requests", request_log),
            ("GET", "/requests/download", download_request_log),
        ]
    )


def parse_rule(item: Any, operations: AdminOperations, now: int) -> FaultRule:
    """A rule from its JSON (the admin API's, the CLI's file, the config's `[[faults]]`)."""
    if not isinstance(item, dict):
        raise bad_request("a rule must be a JSON object")
    kind = text_field(item, "kind", 20)
    if kind not in _KINDS:
        raise bad_request(f"kind must be one of {', '.join(_KINDS)}")
    start, end = _window(item, now)
    account = operations.account(text_field(item, "account", 64)) if "account" in item else None
    fields: dict[str, Any] = {
        "kind": kind,
        "endpoint": _target(item),
        "symbol": text_field(item, "symbol", 40).upper() if "symbol" in item else "",
        "account_id": account.account_id if account else 0,
        "share_ppm": _share(item),
        "start_ms": start,
        "end_ms": end,
        "msg": text_field(item, "msg", 200) if "msg" in item else "",
    }
    for name, wire in (
        ("count", "count"),
        ("seed", "seed"),
        ("retry_after_s", "retryAfter"),
        ("latency_ms", "latencyMs"),
        ("jitter_ms", "jitterMs"),
    ):
        fields[name] = int_field(item, wire, 0, 2**53)
    fields["code"] = int_field(item, "code", 0, 0, minimum=-(2**31)) if "code" in item else 0
    return msgspec.convert(fields, FaultRule)


def _target(item: dict[str, Any]) -> str:
    """The endpoint a request rule hits, or the stream a stream rule hits ("": every one)."""
    if "endpoint" in item and "stream" in item:
        raise bad_request("give an endpoint or a stream, not both")
    if "stream" in item:
        return text_field(item, "stream", 200)
    return text_field(item, "endpoint", 80) if "endpoint" in item else ""


def _window(item: dict[str, Any], now: int) -> tuple[int, int]:
    start = parse_instant_ms(text_field(item, "from", 40)) if "from" in item else 0
    if "for" in item:
        return start, max(start, now) + parse_duration_ms(text_field(item, "for", 40))
    return start, parse_instant_ms(text_field(item, "until", 40)) if "until" in item else 0


def _share(item: dict[str, Any]) -> int:
    if "share" not in item:
        return PPM
    try:
        share = Decimal(str(item["share"]))
    except InvalidOperation as exc:
        raise bad_request("share must be a number in (0, 1]") from exc
    if not share.is_finite() or not 0 < share <= 1:
        raise bad_request("share must be a number in (0, 1]")
    return max(1, int(share * PPM))


def _view(rule: FaultRule, ctx: AdminContext, now: int) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": rule.id,
        "kind": rule.kind,
        "endpoint": rule.endpoint,
        "symbol": rule.symbol,
        "accountId": rule.account_id,
        "count": rule.count,
        "share": rule.share_ppm / PPM,
        "from": rule.start_ms,
        "until": rule.end_ms,
        "seed": rule.seed,
        "retryAfter": rule.retry_after_s,
        "latencyMs": rule.latency_ms,
        "jitterMs": rule.jitter_ms,
        "code": rule.code,
        "msg": rule.msg,
    }
    view["hits"] = ctx.faults.hits(rule.id)
    view["active"] = ctx.faults.active(rule, now)
    return view
