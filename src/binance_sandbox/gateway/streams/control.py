"""Control messages a stream connection sends: SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS,
SET_PROPERTY and GET_PROPERTY, answered as Binance answers them.

Success is `{"result": …, "id": n}`; a failure is `{"error": {"code", "msg"}, "id": n}` with
Binance's codes: 0 unknown property, 1 a property value that is not a boolean, 2 an invalid
request (missing or unknown method, bad id, bad parameters, a name that is not a stream or not
on this route, more streams than a connection may hold), 3 invalid JSON. A failed SUBSCRIBE
changes nothing.
"""

from collections.abc import Callable
from typing import Any

import orjson

from binance_sandbox.gateway.streams.hub import Hub
from binance_sandbox.gateway.streams.names import Stream, parse_stream
from binance_sandbox.gateway.streams.session import Session

METHODS = ("SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS", "SET_PROPERTY", "GET_PROPERTY")
_EXPECTED = ", ".join(f"`{m}`" for m in METHODS)
Reply = dict[str, Any]


class RequestError(Exception):
    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code, self.msg = code, msg


def invalid(detail: str) -> RequestError:
    return RequestError(2, f"Invalid request: {detail}")


# The stream a name stands for: a market stream's name, or an active listenKey.
Resolver = Callable[[str], Stream | None]


class Control:
    """One connection's control channel."""

    def __init__(
        self,
        hub: Hub,
        session: Session,
        allowed: Callable[[Stream], bool],
        max_streams: int,
        resolve: Resolver = parse_stream,
    ) -> None:
        self._hub, self._session = hub, session
        self._allowed, self._max_streams = allowed, max_streams
        self._resolve = resolve

    def subscribe(self, names: list[Any]) -> None:
        """Subscribes to all of `names` or, if one is not a stream here, to none."""
        streams = [self._stream(name) for name in names]
        new = {s.name for s in streams} - self._session.streams.keys()
        if len(self._session.streams) + len(new) > self._max_streams:
            raise invalid(f"too many streams (at most {self._max_streams} per connection)")
        for stream in streams:
            self._hub.subscribe(self._session, stream)

    def answer(self, text: str) -> Reply:
        try:
            message = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            return _error(3, f"Invalid JSON: {_json_problem(exc)}", None)
        request_id = message.get("id") if isinstance(message, dict) else None
        try:
            return {"result": self._run(message), "id": request_id}
        except RequestError as exc:
            return _error(exc.code, exc.msg, request_id)

    def _run(self, message: Any) -> Any:
        if not isinstance(message, dict):
            raise invalid("expected a JSON object")
        if "method" not in message:
            raise invalid("missing field `method`")
        method = message["method"]
        if method not in METHODS:
            raise invalid(f"unknown variant `{method}`, expected one of {_EXPECTED}")
        if not _valid_id(message.get("id")):
            raise invalid("request ID must be an unsigned integer")
        params = message.get("params", [])
        if not isinstance(params, list):
            raise invalid("params must be an array")
        if method == "SUBSCRIBE":
            self.subscribe(params)
            return None
        if method == "UNSUBSCRIBE":
            for name in params:
                self._hub.unsubscribe(self._session, self._stream(name).name)
            return None
        if method == "LIST_SUBSCRIPTIONS":
            return list(self._session.streams)
        return self._property(method, params)

    def _property(self, method: str, params: list[Any]) -> Any:
        wanted = 2 if method == "SET_PROPERTY" else 1
        if len(params) > wanted:
            raise invalid("too many parameters")
        if not params or not isinstance(params[0], str):
            raise invalid("property name must be a string")
        if params[0] != "combined":
            raise RequestError(0, "Unknown property")
        if method == "GET_PROPERTY":
            return self._session.combined
        if len(params) < wanted or not isinstance(params[1], bool):
            raise RequestError(1, "Invalid value type: expected Boolean")
        self._session.combined = params[1]
        return None

    def _stream(self, name: Any) -> Stream:
        stream = self._resolve(name) if isinstance(name, str) else None
        if stream is None or not self._allowed(stream):
            raise invalid("invalid stream")
        return stream


def _valid_id(request_id: Any) -> bool:
    """An unsigned integer (the futures docs), or as the spot docs allow, a string of at most 36
    characters (the official SDK sends a UUID) or null."""
    if type(request_id) is int:
        return 0 <= request_id < 2**64
    return request_id is None or (isinstance(request_id, str) and len(request_id) <= 36)


def _error(code: int, msg: str, request_id: Any) -> Reply:
    return {"error": {"code": code, "msg": msg}, "id": request_id}


def _json_problem(exc: orjson.JSONDecodeError) -> str:
    return f"expected value at line {exc.lineno} column {exc.colno}"
