"""Reading parameters the way Binance does, and the exact payload a signature covers.

Rules (Docs general-info and the 2023-06-16 "standard HTTP request format" notice):
- parameters come from the query string and an x-www-form-urlencoded body; a name in both:
  the query string wins; a name twice within one of them: -1101;
- empty pairs (`a=1&&b=2`) are skipped, an empty value (`orderId=`) is -1102;
- whitespace around a name or value, a `\\x22` escape, a control or non-ASCII byte: -1100;
- the signed payload is the query string followed directly by the body, exactly as sent,
  without the `signature` parameter (which Binance requires to be last).
"""

import re
from dataclasses import dataclass
from urllib.parse import unquote_plus

from binance_sandbox.gateway import errors

_SIGNATURE = re.compile(r"(?:^|&)signature=([^&]*)")
_ILLEGAL = re.compile(r"\\x22|[^\x21-\x7e]")  # escapes, spaces, controls, non-ASCII


@dataclass(frozen=True)
class ParsedRequest:
    values: dict[str, str]
    payload: str
    signature: str | None
    # other spellings of the same payload a client may have signed (the WebSocket API's)
    alternative_payloads: tuple[str, ...] = ()

    @property
    def payloads(self) -> tuple[str, ...]:
        return (self.payload, *self.alternative_payloads)


def parse_request(query: bytes, body: bytes) -> ParsedRequest:
    raw_query = _ascii(query)
    raw_body = _ascii(body)
    from_body = _pairs(raw_body)
    values = {**from_body, **_pairs(raw_query)}
    signature = values.pop("signature", None)
    payload = _without_signature(raw_query) + _without_signature(raw_body)
    return ParsedRequest(values, payload, signature)


def _ascii(raw: bytes) -> str:
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise errors.illegal_chars() from exc


def _pairs(raw: str) -> dict[str, str]:
    values: dict[str, str] = {}
    if _ILLEGAL.search(raw):
        raise errors.illegal_chars()
    for part in raw.split("&"):
        if not part:
            continue
        raw_name, _, raw_value = part.partition("=")
        name, value = _unquote(raw_name), _unquote(raw_value)
        if name != name.strip() or value != value.strip() or "\\x22" in value:
            raise errors.illegal_chars()
        if not value:
            raise errors.mandatory(name)
        if name in values:
            raise errors.duplicate_parameter()
        values[name] = value
    return values


def _unquote(text: str) -> str:
    return unquote_plus(text) if "%" in text or "+" in text else text


def _without_signature(raw: str) -> str:
    match = _SIGNATURE.search(raw)
    if match is None:
        return raw
    return raw[: match.start()] + raw[match.end() :]
