"""The admin API's routes. Handlers parse, call an operation, render; nothing else.

Errors are `{"code", "msg"}` like Binance's: 400 for a refused request, 404 for an unknown
account, 401 for a missing token, 500 (-1000) for a bug. Inputs are checked like a client's:
strings bounded, booleans only `true` / `false`, integers within a signed 64-bit long.
"""

import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from binance_sandbox.admin import views
from binance_sandbox.admin.operations import AdminOperations, AdminRejected, bad_request
from binance_sandbox.admin.saved_states import SavedStates
from binance_sandbox.config.times import parse_duration_ms, parse_instant_ms
from binance_sandbox.control.faults import FaultInjector
from binance_sandbox.control.request_log import RequestLog
from binance_sandbox.core.commands import SetOverload, SetTradeGroup
from binance_sandbox.core.events import ForceOrder
from binance_sandbox.core.instruments import Product
from binance_sandbox.core.state_hash import state_hash
from binance_sandbox.projections.transfers import TransferStore
from binance_sandbox.sequencer.sequencer import Sequencer
from binance_sandbox.simulators.clock_control import ClockControl, ClockError
from binance_sandbox.simulators.simulation_control import SimulationControl

log = logging.getLogger(__name__)
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1


class AdminContext(Protocol):
    """What the admin routes need of the running server."""

    sequencer: Sequencer
    operations: AdminOperations
    clock_control: ClockControl
    simulation: SimulationControl
    faults: FaultInjector
    request_log: RequestLog
    saved_states: SavedStates
    transfers: TransferStore


Handler = Callable[[Request], Awaitable[Response]]


def _json(payload: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


def admin_endpoint(fn: Callable[[Request, AdminContext], Awaitable[Any]]) -> Handler:
    async def endpoint(request: Request) -> Response:
        context: AdminContext = request.app.state.context
        try:
            result = await fn(request, context)
            return result if isinstance(result, Response) else _json(result)
        except AdminRejected as exc:
            return JSONResponse({"code": exc.code, "msg": exc.msg}, status_code=exc.status)
        except (ClockError, ValueError) as exc:
            return JSONResponse({"code": -1102, "msg": str(exc)}, status_code=400)
        except Exception:
            log.exception("internal error on admin %s %s", request.method, request.url.path)
            return JSONResponse({"code": -1000, "msg": "Internal error."}, status_code=500)

    return endpoint


async def read_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise bad_request("the request body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise bad_request("the request body must be a JSON object")
    return body


def required_field(body: dict[str, Any], name: str, default: Any = None) -> Any:
    value = body.get(name, default)
    if value is None:
        raise bad_request(
            f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
        )
    return value


def text_field(body: dict[str, Any], name: str, max_length: int, default: str | None = None) -> str:
    """A string (or an integer, written as one) of at most `max_length` characters."""
    value = required_field(body, name, default)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise bad_request(f"{name} must be a string")
    text = value if isinstance(value, str) else str(value) if abs(value) < 10**max_length else ""
    if not text or len(text) > max_length:
        raise bad_request(f"{name} must be 1 to {max_length} characters")
    return text


def product_field(body: dict[str, Any]) -> Product:
    """The futures wallet a transfer moves: "usdm" (the default) or "coinm"."""
    value = body.get("product", "usdm")
    if value not in ("usdm", "coinm"):
        raise bad_request('product must be "usdm" or "coinm"')
    product: Product = value
    return product


def flag_field(body: dict[str, Any], name: str, default: bool | None = None) -> bool:
    """A JSON boolean (`"false"`, a string, is refused); mandatory without a default."""
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise bad_request(f"{name} must be true or false")
    return value


def int_field(body: dict[str, Any], name: str, default: int, maximum: int, minimum: int = 0) -> int:
    """An integer (a JSON number, or digits as a query parameter has them) in [minimum,
    maximum]; `default` when absent."""
    value = body.get(name, default)
    if isinstance(value, str) and value.lstrip("-").isdigit() and len(value) < 20:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise bad_request(f"{name} must be an integer from {minimum} to {maximum}")
    return value


def _long(body: dict[str, Any], name: str) -> int:
    value = required_field(body, name)
    if isinstance(value, bool) or not isinstance(value, int) or not _LONG_MIN <= value <= _LONG_MAX:
        raise bad_request(f"{name} must be an integer")
    return value


def _number(body: dict[str, Any], name: str) -> float:
    value = required_field(body, name)
    try:
        number = float(text_field(body, name, 40) if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise bad_request(f"{name} must be a number") from exc
    if isinstance(value, bool) or not math.isfinite(number):
        raise bad_request(f"{name} must be a number")
    return number


async def health(request: Request, ctx: AdminContext) -> dict[str, Any]:
    state = ctx.sequencer.exchange.state
    return {
        "status": "ok",
        "seq": state.last_seq,
        "exchangeTime": ctx.clock_control.clock.now_ms(),
        "wallTime": int(time.time() * 1000),  # what clients stamp; the clock never bends it
        "clock": ctx.clock_control.show(),
    }


async def list_accounts(request: Request, ctx: AdminContext) -> list[dict[str, Any]]:
    state = ctx.sequencer.exchange.state
    return [views.account_view(state, account) for account in state.accounts]


async def create_account(request: Request, ctx: AdminContext) -> dict[str, Any]:
    body = await read_body(request)
    account = await ctx.operations.create_account(text_field(body, "name", 64))
    return views.account_view(ctx.sequencer.exchange.state, account)


async def show_account(request: Request, ctx: AdminContext) -> dict[str, Any]:
    account = ctx.operations.account(request.path_params["ref"])
    return views.account_view(ctx.sequencer.exchange.state, account)


async def create_key(request: Request, ctx: AdminContext) -> dict[str, Any]:
    body = await read_body(request)
    account = ctx.operations.account(request.path_params["ref"])
    key_type = text_field(body, "type", 16, "hmac").lower()
    if key_type not in ("hmac", "rsa", "ed25519"):
        raise bad_request("type must be hmac, rsa or ed25519")
    public_key = text_field(body, "publicKey", 16_384) if body.get("publicKey") else ""
    created = await ctx.operations.create_key(
        account.account_id,
        key_type,  # type: ignore[arg-type]  # checked just above
        public_key=public_key,
        read_only=flag_field(body, "readOnly", False),
        enable_futures=flag_field(body, "enableFutures", True),
        label=text_field(body, "label", 64) if body.get("label") else "",
    )
    return views.created_key_view(created)


async def deposit(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await _transfer(request, ctx, deposit=True)


async def withdraw(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await _transfer(request, ctx, deposit=False)


async def _transfer(request: Request, ctx: AdminContext, *, deposit: bool) -> dict[str, Any]:
    body = await read_body(request)
    account = ctx.operations.account(request.path_params["ref"])
    applied = await ctx.operations.transfer(
        account.account_id,
        text_field(body, "asset", 20),
        text_field(body, "amount", 64),
        text_field(body, "clientTranId", 64) if body.get("clientTranId") else "",
        deposit=deposit,
        product=product_field(body),
    )
    view = views.account_view(ctx.sequencer.exchange.state, account)
    return {
        "tranId": applied.seq,
        "time": applied.ts,
        "balances": view["balances"],
        "coinmBalances": view["coinmBalances"],
    }


async def set_trade_group(request: Request, ctx: AdminContext) -> dict[str, Any]:
    """Self-trade prevention across accounts: accounts of one trade group never trade with
    each other under an STP mode (Binance's tradeGroupId; -1 leaves the group)."""
    body = await read_body(request)
    account = ctx.operations.account(request.path_params["ref"])
    group = _long(body, "tradeGroupId")
    await ctx.operations.submit(SetTradeGroup(account_id=account.account_id, trade_group_id=group))
    return views.account_view(ctx.sequencer.exchange.state, account)


async def list_transfers(request: Request, ctx: AdminContext) -> list[dict[str, Any]]:
    account = ctx.operations.account(request.path_params["ref"])
    records = ctx.transfers.transfers(account.account_id)
    return [views.transfer_view(record) for record in records]


async def list_open_orders(request: Request, ctx: AdminContext) -> list[dict[str, Any]]:
    return views.open_orders_view(ctx.sequencer.exchange.state)


async def list_positions(request: Request, ctx: AdminContext) -> list[dict[str, Any]]:
    return views.positions_view(ctx.sequencer.exchange.state)


async def show_prices(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return views.prices_view(ctx.sequencer.exchange.state)


async def set_price(request: Request, ctx: AdminContext) -> dict[str, Any]:
    body = await read_body(request)
    symbol = request.path_params["symbol"]
    await ctx.operations.set_prices({symbol: text_field(body, "price", 64)})
    return views.prices_view(ctx.sequencer.exchange.state)


async def show_marks(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return views.marks_view(ctx.sequencer.exchange.state)


async def set_mark(request: Request, ctx: AdminContext) -> dict[str, Any]:
    """The mark price of one contract, now: what it liquidates is in `liquidations`."""
    body = await read_body(request)
    applied = await ctx.operations.set_mark(
        request.path_params["symbol"], text_field(body, "price", 64)
    )
    forced = [e for e in applied.events if isinstance(e, ForceOrder)]
    return {
        "marks": views.marks_view(ctx.sequencer.exchange.state),
        "liquidations": sum(1 for e in forced if e.auto_close_type == "LIQUIDATION"),
        "adl": sum(1 for e in forced if e.auto_close_type == "ADL"),
    }


async def show_insurance(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return views.insurance_view(ctx.sequencer.exchange.state)


async def set_insurance(request: Request, ctx: AdminContext) -> dict[str, Any]:
    body = await read_body(request)
    await ctx.operations.set_insurance(
        request.path_params["asset"], text_field(body, "balance", 64)
    )
    return views.insurance_view(ctx.sequencer.exchange.state)


async def show_clock(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return ctx.clock_control.show()


async def pause_clock(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.clock_control.pause()


async def resume_clock(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.clock_control.resume()


async def set_speed(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.clock_control.set_speed(_number(await read_body(request), "speed"))


async def advance_clock(request: Request, ctx: AdminContext) -> dict[str, Any]:
    body = await read_body(request)
    if "to" in body:
        return await ctx.clock_control.advance_to(parse_instant_ms(text_field(body, "to", 40)))
    return await ctx.clock_control.advance_by(parse_duration_ms(text_field(body, "by", 40)))


async def stop_advance(request: Request, ctx: AdminContext) -> dict[str, Any]:
    """Stops the advance under way (if any) at its next step; the clock stays where it got to."""
    return ctx.clock_control.stop_advance()


async def set_overload(request: Request, ctx: AdminContext) -> dict[str, Any]:
    """System-level protection: while on, new orders get -1008 unless reduce-only."""
    body = await read_body(request)
    on = flag_field(body, "on")
    await ctx.operations.submit(SetOverload(on=on))
    return {"overloaded": ctx.sequencer.exchange.state.overloaded}


async def show_simulation(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return ctx.simulation.show()


async def pause_agents(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.simulation.set_agents(paused=True)


async def resume_agents(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.simulation.set_agents(paused=False)


async def seed_agents(request: Request, ctx: AdminContext) -> dict[str, Any]:
    seed = _long(await read_body(request), "seed")
    return await ctx.simulation.set_agents(seed=seed)


async def pause_replay(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.simulation.set_replay(paused=True)


async def resume_replay(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.simulation.set_replay(paused=False)


async def take_snapshot(request: Request, ctx: AdminContext) -> dict[str, Any]:
    snapshot = await ctx.sequencer.snapshot()
    return {"seq": snapshot.seq, "time": snapshot.ts, "stateHash": snapshot.state_hash}


async def show_state_hash(request: Request, ctx: AdminContext) -> dict[str, Any]:
    state = ctx.sequencer.exchange.state
    return {"seq": state.last_seq, "time": state.last_ts, "stateHash": state_hash(state)}


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such route, wrong method) as JSON, like every admin error."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    msg = f"Path {request.url.path}, Method {request.method} is invalid"
    return JSONResponse({"code": -5000, "msg": msg}, status_code=status)


RouteTable = list[tuple[str, str, Callable[[Request, AdminContext], Awaitable[Any]]]]


def routes_of(table: RouteTable) -> list[Route]:
    return [Route(path, admin_endpoint(fn), methods=[method]) for method, path, fn in table]


def admin_routes() -> list[Route]:
    table: RouteTable = [
        ("GET", "/health", health),
        ("GET", "/accounts", list_accounts),
        ("POST", "/accounts", create_account),
        ("GET", "/accounts/{ref}", show_account),
        ("POST", "/accounts/{ref}/keys", create_key),
        ("POST", "/accounts/{ref}/deposits", deposit),
        ("POST", "/accounts/{ref}/withdrawals", withdraw),
        ("GET", "/accounts/{ref}/transfers", list_transfers),
        ("PUT", "/accounts/{ref}/trade-group", set_trade_group),
        ("GET", "/orders", list_open_orders),
        ("GET", "/positions", list_positions),
        ("GET", "/prices", show_prices),
        ("PUT", "/prices/{symbol}", set_price),
        ("GET", "/marks", show_marks),
        ("PUT", "/marks/{symbol}", set_mark),
        ("GET", "/insurance", show_insurance),
        ("PUT", "/insurance/{asset}", set_insurance),
        ("GET", "/clock", show_clock),
        ("POST", "/clock/pause", pause_clock),
        ("POST", "/clock/resume", resume_clock),
        ("POST", "/clock/speed", set_speed),
        ("POST", "/clock/advance", advance_clock),
        ("POST", "/clock/advance/stop", stop_advance),
        ("POST", "/snapshots", take_snapshot),
        ("PUT", "/overload", set_overload),
        ("GET", "/simulation", show_simulation),
        ("POST", "/agents/pause", pause_agents),
        ("POST", "/agents/resume", resume_agents),
        ("PUT", "/agents/seed", seed_agents),
        ("POST", "/replay/pause", pause_replay),
        ("POST", "/replay/resume", resume_replay),
        ("GET", "/state-hash", show_state_hash),
    ]
    return routes_of(table)
