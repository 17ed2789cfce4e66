"""The admin API's routes. Handlers parse, call an operation, render; nothing else.

Errors are `{"code", "msg"}` like Binance's: 400 for a refused request, 404 for an unknown
account, 401 for a missing token.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from binance_sandbox.admin import views
from binance_sandbox.admin.operations import AdminOperations, AdminRejected, bad_request
from binance_sandbox.config.times import parse_duration_ms, parse_instant_ms
from binance_sandbox.core.commands import SetOverload, SetTradeGroup
from binance_sandbox.core.state_hash import state_hash
from binance_sandbox.sequencer.sequencer import Sequencer
from binance_sandbox.simulators.clock_control import ClockControl, ClockError
from binance_sandbox.simulators.simulation_control import SimulationControl


class AdminContext(Protocol):
    """What the admin routes need of the running server."""

    sequencer: Sequencer
    operations: AdminOperations
    clock_control: ClockControl
    simulation: SimulationControl


Handler = Callable[[Request], Awaitable[Response]]


def _json(payload: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


def _handler(fn: Callable[[Request, AdminContext], Awaitable[Any]]) -> Handler:
    async def endpoint(request: Request) -> Response:
        context: AdminContext = request.app.state.context
        try:
            return _json(await fn(request, context))
        except AdminRejected as exc:
            return JSONResponse({"code": exc.code, "msg": exc.msg}, status_code=exc.status)
        except (ClockError, ValueError) as exc:
            return JSONResponse({"code": -1102, "msg": str(exc)}, status_code=400)

    return endpoint


async def _body(request: Request) -> dict[str, Any]:
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


def _field(body: dict[str, Any], name: str, default: Any = None) -> Any:
    value = body.get(name, default)
    if value is None:
        raise bad_request(
            f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
        )
    return value


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
    body = await _body(request)
    account = await ctx.operations.create_account(str(_field(body, "name")))
    return views.account_view(ctx.sequencer.exchange.state, account)


async def show_account(request: Request, ctx: AdminContext) -> dict[str, Any]:
    account = ctx.operations.account(request.path_params["ref"])
    return views.account_view(ctx.sequencer.exchange.state, account)


async def create_key(request: Request, ctx: AdminContext) -> dict[str, Any]:
    body = await _body(request)
    account = ctx.operations.account(request.path_params["ref"])
    key_type = str(body.get("type", "hmac")).lower()
    if key_type not in ("hmac", "rsa", "ed25519"):
        raise bad_request("type must be hmac, rsa or ed25519")
    created = await ctx.operations.create_key(
        account.account_id,
        key_type,  # type: ignore[arg-type]  # checked just above
        public_key=str(body.get("publicKey", "")),
        read_only=bool(body.get("readOnly", False)),
        enable_futures=bool(body.get("enableFutures", True)),
        label=str(body.get("label", "")),
    )
    return views.created_key_view(created)


async def deposit(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await _transfer(request, ctx, deposit=True)


async def withdraw(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await _transfer(request, ctx, deposit=False)


async def _transfer(request: Request, ctx: AdminContext, *, deposit: bool) -> dict[str, Any]:
    body = await _body(request)
    account = ctx.operations.account(request.path_params["ref"])
    applied = await ctx.operations.transfer(
        account.account_id,
        str(_field(body, "asset")),
        str(_field(body, "amount")),
        str(body.get("clientTranId", "")),
        deposit=deposit,
    )
    return {
        "tranId": applied.seq,
        "time": applied.ts,
        "balances": views.account_view(ctx.sequencer.exchange.state, account)["balances"],
    }


async def set_trade_group(request: Request, ctx: AdminContext) -> dict[str, Any]:
    """Self-trade prevention across accounts: accounts of one trade group never trade with
    each other under an STP mode (Binance's tradeGroupId; -1 leaves the group)."""
    body = await _body(request)
    account = ctx.operations.account(request.path_params["ref"])
    group = _field(body, "tradeGroupId")
    if not isinstance(group, int) or isinstance(group, bool):
        raise bad_request("tradeGroupId must be an integer (-1: none)")
    await ctx.operations.submit(SetTradeGroup(account_id=account.account_id, trade_group_id=group))
    return views.account_view(ctx.sequencer.exchange.state, account)


async def list_transfers(request: Request, ctx: AdminContext) -> list[dict[str, Any]]:
    account = ctx.operations.account(request.path_params["ref"])
    return [views.transfer_view(transfer) for transfer in account.transfers]


async def show_prices(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return views.prices_view(ctx.sequencer.exchange.state)


async def set_price(request: Request, ctx: AdminContext) -> dict[str, Any]:
    body = await _body(request)
    symbol = request.path_params["symbol"]
    await ctx.operations.set_prices({symbol: str(_field(body, "price"))})
    return views.prices_view(ctx.sequencer.exchange.state)


async def show_clock(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return ctx.clock_control.show()


async def pause_clock(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.clock_control.pause()


async def resume_clock(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.clock_control.resume()


async def set_speed(request: Request, ctx: AdminContext) -> dict[str, Any]:
    body = await _body(request)
    try:
        speed = float(_field(body, "speed"))
    except (TypeError, ValueError) as exc:
        raise bad_request("speed must be a number") from exc
    return await ctx.clock_control.set_speed(speed)


async def advance_clock(request: Request, ctx: AdminContext) -> dict[str, Any]:
    body = await _body(request)
    if "to" in body:
        return await ctx.clock_control.advance_to(parse_instant_ms(str(body["to"])))
    return await ctx.clock_control.advance_by(parse_duration_ms(str(_field(body, "by"))))


async def set_overload(request: Request, ctx: AdminContext) -> dict[str, Any]:
    """System-level protection: while on, new orders get -1008 unless reduce-only."""
    body = await _body(request)
    on = _field(body, "on")
    if not isinstance(on, bool):
        raise bad_request("on must be true or false")
    await ctx.operations.submit(SetOverload(on=on))
    return {"overloaded": ctx.sequencer.exchange.state.overloaded}


async def show_simulation(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return ctx.simulation.show()


async def pause_agents(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.simulation.set_agents(paused=True)


async def resume_agents(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.simulation.set_agents(paused=False)


async def seed_agents(request: Request, ctx: AdminContext) -> dict[str, Any]:
    seed = _field(await _body(request), "seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise bad_request("seed must be an integer")
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


def admin_routes() -> list[Route]:
    table: list[tuple[str, str, Callable[[Request, AdminContext], Awaitable[Any]]]] = [
        ("GET", "/health", health),
        ("GET", "/accounts", list_accounts),
        ("POST", "/accounts", create_account),
        ("GET", "/accounts/{ref}", show_account),
        ("POST", "/accounts/{ref}/keys", create_key),
        ("POST", "/accounts/{ref}/deposits", deposit),
        ("POST", "/accounts/{ref}/withdrawals", withdraw),
        ("GET", "/accounts/{ref}/transfers", list_transfers),
        ("PUT", "/accounts/{ref}/trade-group", set_trade_group),
        ("GET", "/prices", show_prices),
        ("PUT", "/prices/{symbol}", set_price),
        ("GET", "/clock", show_clock),
        ("POST", "/clock/pause", pause_clock),
        ("POST", "/clock/resume", resume_clock),
        ("POST", "/clock/speed", set_speed),
        ("POST", "/clock/advance", advance_clock),
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
    return [Route(path, _handler(fn), methods=[method]) for method, path, fn in table]
