"""Typed request parameters: how each wire value is checked and converted.

A parameter's type decides its error: a value that is not of the type is -1130 (Binance's
"Data sent for parameter '%s' is not valid."), except where Binance has its own code (symbols
-1121, kline intervals -1120, the size of a batch -4082 / -4032, a decimal beyond Binance's
legal range -1100). Range checks (`limit` bounds) are part of the type.

Every value is bounded here, at the edge, before anything is journaled: integers (ids, times)
within Binance's signed 64-bit long, decimals within Binance's legal range (at most 20 digits
before the point; digits after it are the endpoint's precision check, -1111), strings within a
maximum length. No request can carry a number the core or the journal cannot hold.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from binance_sandbox.gateway import errors

_INT = re.compile(r"-?[0-9]{1,19}")  # ASCII: \d would admit other scripts' digits
# Binance's legal range for decimals is '^([0-9]{1,20})(\.[0-9]{1,20})?$'; more decimals than
# the instrument takes are a precision error (-1111), so the fraction's length is not bounded here.
_DECIMAL = re.compile(r"-?([0-9]{1,20}(\.[0-9]*)?|\.[0-9]+)")
_TOO_LONG_DECIMAL = re.compile(r"-?[0-9]{21,}(\.[0-9]*)?")
DECIMAL_RANGE = r"^([0-9]{1,20})(\.[0-9]{1,20})?$"
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
MAX_STRING_LENGTH = 256  # a string parameter without a tighter bound of its own

KLINE_INTERVALS = (
    "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M",
)  # fmt: skip

Converter = Callable[[str, str], Any]


@dataclass(frozen=True)
class Param:
    """One parameter of an endpoint, as the OpenAPI document and the validator see it."""

    name: str
    kind: str  # string | integer | decimal | boolean | enum | symbol | interval | json
    required: bool = False
    description: str = ""
    enum: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    pattern: str | None = None  # regular expression the whole value must match (OpenAPI)
    default: str | None = None
    aliases: tuple[str, ...] = ()  # other spellings Binance accepts (ccxt sends "orderidlist")
    convert: Converter = field(default=lambda name, value: value, compare=False, repr=False)

    def parse(self, raw: str) -> Any:
        return self.convert(self.name, raw)


def string(
    name: str,
    required: bool = False,
    description: str = "",
    *,
    pattern: str | None = None,
    max_length: int = MAX_STRING_LENGTH,
    error: Callable[[], errors.BinanceError] | None = None,
) -> Param:
    """At most `max_length` characters and, with `pattern`, matching it; otherwise Binance's
    own code for the parameter (`error`) or -1130."""
    compiled = re.compile(pattern) if pattern else None

    def convert(param: str, raw: str) -> str:
        if len(raw) > max_length or (compiled is not None and not compiled.fullmatch(raw)):
            raise error() if error else errors.invalid_parameter(param)
        return raw

    return Param(
        name,
        "string",
        required,
        description,
        max_length=max_length,
        pattern=pattern,
        convert=convert,
    )


SYMBOL_PATTERN = r"[A-Za-z0-9_]{1,32}"
_SYMBOL = re.compile(SYMBOL_PATTERN)


def symbol(name: str = "symbol", required: bool = False, description: str = "") -> Param:
    """Upper-cased; whether the symbol exists is the handler's check (-1121), which is also the
    answer to a value no symbol could have."""

    def convert(_param: str, raw: str) -> str:
        if not _SYMBOL.fullmatch(raw):
            raise errors.bad_symbol()
        return raw.upper()

    return Param(name, "symbol", required, description, pattern=SYMBOL_PATTERN, convert=convert)


def integer(
    name: str,
    required: bool = False,
    description: str = "",
    minimum: int | None = None,
    maximum: int | None = None,
    default: int | None = None,
) -> Param:
    """A signed 64-bit long (Binance's LONG) within [minimum, maximum]."""
    low = LONG_MIN if minimum is None else minimum
    high = LONG_MAX if maximum is None else maximum

    def convert(param: str, raw: str) -> int:
        if not _INT.fullmatch(raw):
            raise errors.invalid_parameter(param)
        value = int(raw)
        if not low <= value <= high:
            raise errors.invalid_parameter(param)
        return value

    shown_default = None if default is None else str(default)
    return Param(
        name,
        "integer",
        required,
        description,
        minimum=low,
        maximum=high,
        default=shown_default,
        convert=convert,
    )


def decimal(name: str, required: bool = False, description: str = "") -> Param:
    """A plain decimal with at most 20 digits before the point (Binance's legal range);
    digits after it are exact, never rounded: the endpoint checks them against its precision."""

    def convert(param: str, raw: str) -> Decimal:
        if not _DECIMAL.fullmatch(raw):
            if _TOO_LONG_DECIMAL.fullmatch(raw):
                raise errors.out_of_legal_range(param, DECIMAL_RANGE)
            raise errors.invalid_parameter(param)
        try:
            return Decimal(raw)
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only decimals
            raise errors.invalid_parameter(param) from exc

    return Param(name, "decimal", required, description, pattern=_DECIMAL.pattern, convert=convert)


def boolean(name: str, required: bool = False, description: str = "") -> Param:
    def convert(param: str, raw: str) -> bool:
        lowered = raw.lower()
        if lowered not in ("true", "false"):
            raise errors.invalid_parameter(param)
        return lowered == "true"

    return Param(name, "boolean", required, description, ("true", "false"), convert=convert)


def enum(
    name: str,
    values: tuple[str, ...],
    required: bool = False,
    description: str = "",
    error: Callable[[], errors.BinanceError] | None = None,
) -> Param:
    """One of `values`; otherwise Binance's own code for the parameter (`error`) or -1130."""

    def convert(param: str, raw: str) -> str:
        if raw not in values:
            raise error() if error else errors.invalid_parameter(param)
        return raw

    return Param(name, "enum", required, description, values, convert=convert)


def interval(name: str = "interval") -> Param:
    def convert(_param: str, raw: str) -> str:
        if raw not in KLINE_INTERVALS:
            raise errors.bad_interval()
        return raw

    return Param(name, "interval", True, "Kline interval.", KLINE_INTERVALS, convert=convert)


def json_objects(name: str, max_items: int, required: bool = False, description: str = "") -> Param:
    """A JSON array of JSON objects, Binance's LIST<JSON> (`batchOrders`): `[{"type":"LIMIT"}]`.

    Not JSON, not an array, or an item that is not an object (the "JSON-in-a-string"
    `["{\\"type\\":\\"LIMIT\\"}"]`, which the 2023-06-16 notice no longer supports): -1130. No items
    or more than `max_items`: -4082 INVALID_BATCH_PLACE_ORDER_SIZE, Binance's code for the
    size of a batch. The objects' fields are the endpoint's to check.
    """

    def convert(param: str, raw: str) -> list[dict[str, Any]]:
        items = _json_array(param, raw)
        if not all(isinstance(item, dict) for item in items):
            raise errors.invalid_parameter(param)
        if not 0 < len(items) <= max_items:
            raise errors.BinanceError(-4082, "Invalid number of batch place orders.")
        return items

    shown = description or f"JSON array of at most {max_items} JSON objects."
    return Param(name, "json", required, shown, convert=convert)


def long_list(
    name: str,
    max_items: int,
    required: bool = False,
    description: str = "",
    aliases: tuple[str, ...] = (),
) -> Param:
    """A JSON array of integers, Binance's LIST<LONG> (`orderIdList`): `[159856286502]`.

    Not JSON, not an array, or an element that is not a 64-bit integer (strings such as
    `["159856286502"]`, which the 2023-06-16 notice no longer supports; booleans; decimals):
    -1130. More than `max_items`: -4032 EXCEED_MAX_CANCEL_ORDER_SIZE ("max length 10" on
    Cancel Multiple Orders, the one LIST<LONG> parameter). An empty array is returned as is:
    it is "empty/null" for the endpoint's either-or check (-1102).
    """

    def convert(param: str, raw: str) -> list[int]:
        items = _json_array(param, raw)
        if not all(_is_long(item) for item in items):
            raise errors.invalid_parameter(param)
        if len(items) > max_items:
            raise errors.BinanceError(-4032, "Exceed maximum cancel order size.")
        return items

    shown = description or f"JSON array of at most {max_items} integers."
    return Param(name, "json", required, shown, aliases=aliases, convert=convert)


def string_list(
    name: str,
    max_items: int,
    required: bool = False,
    description: str = "",
    aliases: tuple[str, ...] = (),
) -> Param:
    """A JSON array of strings (`origClientOrderIdList`): other elements -1130, more than
    `max_items` -4032, as for `long_list`."""

    def convert(param: str, raw: str) -> list[str]:
        items = _json_array(param, raw)
        if not all(isinstance(item, str) for item in items):
            raise errors.invalid_parameter(param)
        if len(items) > max_items:
            raise errors.BinanceError(-4032, "Exceed maximum cancel order size.")
        return items

    shown = description or f"JSON array of at most {max_items} strings."
    return Param(name, "json", required, shown, aliases=aliases, convert=convert)


def _json_array(param: str, raw: str) -> list[Any]:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise errors.invalid_parameter(param) from exc
    if not isinstance(value, list):
        raise errors.invalid_parameter(param)
    return value


def _is_long(item: object) -> bool:
    return type(item) is int and LONG_MIN <= item <= LONG_MAX
