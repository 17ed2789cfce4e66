"""Small helpers for asserting Binance-style answers in tests."""

from typing import Any

import httpx

Error = tuple[int, str, int]  # (code, msg, HTTP status)


def mandatory(name: str) -> Error:
    """Binance's -1102 for a missing or empty parameter."""
    msg = f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    return -1102, msg, 400


def error_of(response: httpx.Response) -> Error:
    """The (code, msg, status) of an error answer, which must be exactly {"code", "msg"}."""
    body = response.json()
    assert list(body) == ["code", "msg"], body
    return body["code"], body["msg"], response.status_code


def get_ok(client: httpx.Client, path: str, **query: Any) -> Any:
    response = client.get(path, params=query)
    assert response.status_code == 200, response.text
    return response.json()


def get_error(client: httpx.Client, path: str, **query: Any) -> Error:
    return error_of(client.get(path, params=query))
