"""The admin API's view of the stream connections and its WebSocket fault levers:

- `GET /streams`: how many connections are open and how many listen to each stream (a test
  can wait until its client's subscription has arrived);

The levers act at once (they are not rules: a connection is not exchange state):

- `POST /faults/streams/disconnect {"stream"?, "account"?, "how"?}`: ends the stream connections
  listening to `stream`, or to a listenKey of `account`, or every one; `how` is "drop" (the
  socket is cut, no close frame: a lost network) or "lifetime" (closed with 1001, as Binance
  ends a connection at its 24-hour limit);
- `POST /faults/listen-keys/expire {"account"?}`: the account's listenKeys (or every one) lapse
  now; their connections get `listenKeyExpired` and nothing more until a new key.

Delayed and duplicated events are fault rules (`stream_delay`, `stream_duplicate`, see
`admin/faults.py`). These routes join the admin API here, in the server, which holds both the
admin API and the stream connections."""

from typing import Any, cast, get_args

from starlette.requests import Request
from starlette.routing import Route

from binance_sandbox.admin.operations import bad_request
from binance_sandbox.admin.routes import AdminContext, read_body, routes_of, text_field
from binance_sandbox.gateway.streams.hub import Hub
from binance_sandbox.gateway.streams.session import Ending, Session
from binance_sandbox.gateway.user_streams.listen_keys import ListenKeys

_ENDINGS: tuple[str, ...] = get_args(Ending)


def stream_routes(hub: Hub, keys: ListenKeys) -> list[Route]:
    async def listening(_request: Request, _ctx: AdminContext) -> dict[str, Any]:
        return {"connections": len(hub.sessions()), "streams": hub.listeners()}

    async def disconnect(request: Request, ctx: AdminContext) -> dict[str, Any]:
        body = await read_body(request)
        how = text_field(body, "how", 20) if "how" in body else "drop"
        if how not in _ENDINGS:
            raise bad_request(f"how must be one of {', '.join(_ENDINGS)}")
        sessions: list[Session] = []
        if "stream" in body:
            sessions = hub.sessions(text_field(body, "stream", 200))
        elif "account" in body:
            account = ctx.operations.account(text_field(body, "account", 64))
            for key in keys.of_account(account.account_id):
                sessions += hub.sessions(key)
        else:
            sessions = hub.sessions()
        ended = list(dict.fromkeys(sessions))  # a connection on two of the keys, once
        for session in ended:
            session.end(cast(Ending, how))
        return {"disconnected": len(ended), "how": how}

    async def expire_listen_keys(request: Request, ctx: AdminContext) -> dict[str, Any]:
        body = await read_body(request)
        named = "account" in body
        account = ctx.operations.account(text_field(body, "account", 64)) if named else None
        return {"expired": keys.expire_now(account.account_id if account else None)}

    return routes_of(
        [
            ("GET", "/streams", listening),
            ("POST", "/faults/streams/disconnect", disconnect),
            ("POST", "/faults/listen-keys/expire", expire_listen_keys),
        ]
    )
