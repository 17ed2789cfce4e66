"""Reading a WebSocket API request frame: `{"id", "method", "params"}`.

`params` values arrive as JSON strings, numbers or booleans (Binance asks INT as numbers and
DECIMAL as strings; the official SDK sends every value as a string): each becomes the text the
REST parameter parser takes. The signed payload is every parameter but `signature`, sorted by
name, `name=value` joined by `&` (Binance's ws-api rule); the official SDK signs the same pairs
URL-encoded (`urlencode`), which is accepted as well. python-binance URL-encodes base64
signatures; they are decoded.
"""

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlencode

import orjson

from binance_sandbox.gateway import errors
from binance_sandbox.gateway.errors import BinanceError
from binance_sandbox.gateway.request_parse import ParsedRequest

MAX_ID_LENGTH = 36
# A character `urlencode` would change (besides the `=` and `&` between the pairs).
_ENCODED_DIFFERS = re.compile(r"[^A-Za-z0-9_.~=&-]")


class FrameError(Exception):
    """A frame that is not a request: answered with `id` (when it could be read) and `error`."""

    def __init__(self, request_id: Any, error: BinanceError) -> None:
        super().__init__(error.msg)
        self.request_id = request_id
        self.error = error


@dataclass(frozen=True)
class Frame:
    id: Any  # int, str or None, echoed back
    method: str
    params: dict[str, Any]


def read_frame(text: str | bytes) -> Frame:
    try:
        request = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise FrameError(None, invalid_json()) from None
    if not isinstance(request, dict):
        raise FrameError(None, invalid_json())
    request_id = request.get("id")
    if not _valid_id(request_id):
        raise FrameError(None, invalid_request("'id'"))
    method = request.get("method")
    if not isinstance(method, str) or not method:
        raise FrameError(request_id, invalid_request("'method'"))
    params = request.get("params", {})
    if not isinstance(params, dict):
        raise FrameError(request_id, invalid_request("'params'"))
    return Frame(request_id, method, params)


def parsed_params(params: dict[str, Any]) -> ParsedRequest:
    """The parameters as the REST pipeline takes them; a null is a parameter not sent."""
    values: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            continue
        text = _text(value)
        if not text:
            raise errors.mandatory(name)
        values[name] = text
    signature = values.pop("signature", None)
    pairs = sorted(values.items())
    raw = "&".join(f"{name}={value}" for name, value in pairs)
    encoded = (urlencode(pairs),) if _ENCODED_DIFFERS.search(raw) else ()
    if signature is not None and "%" in signature:
        signature = unquote(signature)
    return ParsedRequest(values, raw, signature, encoded)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return orjson.dumps(value).decode()  # a list or object, as JSON (batch-style parameters)


def _valid_id(request_id: Any) -> bool:
    if request_id is None or (isinstance(request_id, int) and not isinstance(request_id, bool)):
        return True
    return isinstance(request_id, str) and 0 < len(request_id) <= MAX_ID_LENGTH


def invalid_json() -> BinanceError:
    return BinanceError(-1135, "Invalid JSON Request")


def invalid_request(field: str) -> BinanceError:
    return BinanceError(-1135, f"Invalid {field} in JSON request.")


def unknown_method(method: str) -> BinanceError:
    """Binance's docs are silent; the REST answer to an unknown path, for the method."""
    return BinanceError(-5000, f"Method {method} is invalid", 400)
