"""A hostile corpus against the WebSocket API: never a 5xx status, every answer a well-formed
envelope, and a healthy exchange afterwards.

Each parameter of each method in turn gets each JSON value of the corpus (wrong types, boundary
numbers, long and odd strings, nested values, null) while the others stay valid, signed with
the demo key's HMAC secret so the request reaches the handler; then frames that are not
requests at all. Rate limits are off; the frames go 64 at a time on one connection.
"""

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import connect

from binance_sandbox.gateway.table import endpoint_table
from binance_sandbox.gateway.ws_api.frames import parsed_params
from binance_sandbox.gateway.ws_api.methods import served_methods
from tests.support.health import assert_healthy
from tests.support.server import SandboxServer
from tests.support.signing import Credentials

VALUES: list[Any] = [
    None, True, False, 0, -1, 2**63 - 1, -(2**63), 1.5, 1e308, -1e-7, "", " ", "x" * 10_000,
    "\x00", "😀", "1e5", "NaN", "[1,2]", [], [1, "a"], {}, {"a": {"b": [None]}},
    "9223372036854775808", "0." + "0" * 500 + "1", "BTCUSDT", "ETHUSDT_999",
]  # fmt: skip
VALID: dict[str, Any] = {
    "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
    "quantity": "0.002", "price": "70000", "limit": 5, "orderId": 1,
    "origClientOrderId": "abc", "newClientOrderId": "hostile", "algoId": 1,
}  # fmt: skip
DEEP = "[" * 5000 + "]" * 5000
FRAMES: list[str] = [
    "", "null", "[]", "1", '"order.place"', "{", '{"id": 1}', '{"method": 5}',
    '{"id": {}, "method": "depth"}', '{"id": 1, "method": "depth", "params": []}',
    '{"id": "' + "i" * 1000 + '", "method": "depth"}',
    '{"id": 1, "method": "' + "m" * 10_000 + '"}',
    DEEP, '{"id": 1, "method": "depth", "params": {"symbol": ' + DEEP + "}}",
    '{"id": 99999999999999999999999, "method": "depth"}', '{"id": 1, "method": "session.logon"}',
]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    running = SandboxServer(
        tmp_path_factory.mktemp("ws-api-hostile") / "data", "[limits]\nenabled = false\n"
    ).start()
    yield running
    running.stop()


def signed(credentials: Credentials, params: dict[str, Any]) -> dict[str, Any]:
    params = {**params, "apiKey": credentials.api_key, "timestamp": int(time.time() * 1000)}
    try:
        payload = parsed_params(params).payload
    except Exception:  # an empty value is refused before the signature: any signature will do
        payload = ""
    digest = hmac.new(credentials.secret.encode(), payload.encode(), hashlib.sha256)
    return {**params, "signature": digest.hexdigest()}


def corpus(credentials: Credentials) -> list[str]:
    frames = []
    table = {endpoint.key: endpoint for endpoint in endpoint_table()}
    methods = served_methods(lambda method, path: table.get((method, path)))
    for name, endpoint in methods.items():
        valid = {p.name: VALID[p.name] for p in endpoint.params if p.name in VALID}
        for param in endpoint.params:
            for value in VALUES:
                params = signed(credentials, {**valid, param.name: value})
                frames.append(json.dumps({"id": len(frames), "method": name, "params": params}))
    return frames + FRAMES


async def answers(server: SandboxServer, frames: list[str]) -> list[dict[str, Any]]:
    url = server.url.replace("http://", "ws://") + "/ws-fapi/v1"
    received = []
    async with connect(url, max_size=None) as ws:
        for start in range(0, len(frames), 64):
            batch = frames[start : start + 64]
            for frame in batch:
                await ws.send(frame)
            for _ in batch:
                received.append(json.loads(await asyncio.wait_for(ws.recv(), 60)))
    return received


async def test_the_corpus_never_gets_a_server_error(server: SandboxServer) -> None:
    demo = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
    frames = corpus(demo)
    replies = await answers(server, frames)
    assert len(replies) == len(frames)
    server_errors = [r for r in replies if r["status"] >= 500]
    assert server_errors == []
    for reply in replies:
        assert set(reply) <= {"id", "status", "result", "error", "rateLimits"}
        assert ("result" in reply) != ("error" in reply)
        if "error" in reply:
            assert isinstance(reply["error"]["code"], int)
            assert isinstance(reply["error"]["msg"], str)
    codes = {reply["error"]["code"] for reply in replies if "error" in reply}
    assert -1022 not in codes  # every signed request passed its signature check
    assert sum(reply["status"] == 200 for reply in replies) > 0
    assert "internal error" not in server.log_path.read_text()
    assert_healthy(server)
