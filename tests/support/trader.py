"""A trading account for HTTP tests: made and funded through the admin API, signing its
requests as the connector does (parameters in the query string)."""

from itertools import count
from typing import Any

import httpx

from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request
from tests.support.wire import Error, error_of

_names = count()


class Trader:
    def __init__(self, server: SandboxServer) -> None:
        self.name = f"trader{next(_names)}"
        server.call("POST", "/accounts", {"name": self.name})
        server.call("POST", f"/accounts/{self.name}/deposits", {"asset": "USDT", "amount": "10000"})
        created = server.call("POST", f"/accounts/{self.name}/keys", {"type": "hmac"})
        self.credentials = Credentials.from_admin(created)
        self.url = server.url

    def send(self, method: str, path: str, **params: Any) -> httpx.Response:
        return signed_request(self.url, self.credentials, method, path, **params)

    def ok(self, method: str, path: str, **params: Any) -> Any:
        response = self.send(method, path, **params)
        assert response.status_code == 200, response.text
        return response.json()

    def error(self, method: str, path: str, **params: Any) -> Error:
        return error_of(self.send(method, path, **params))

    def limit(self, side: str, price: str, qty: str = "0.010", **extra: Any) -> httpx.Response:
        return self.send(
            "POST", "/fapi/v1/order", symbol=extra.pop("symbol", "BTCUSDT"), side=side,
            type="LIMIT",
            timeInForce=extra.pop("timeInForce", "GTC"), quantity=qty, price=price, **extra,
        )  # fmt: skip
