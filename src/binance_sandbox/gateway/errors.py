"""Binance's wire errors: `{"code", "msg"}` with Binance's HTTP status.

One constructor per code and message variant, with Binance's exact text (error-code page of
2026-01-15); handlers raise `BinanceError`, the dispatcher renders it.
"""


class BinanceError(Exception):
    def __init__(
        self, code: int, msg: str, status: int = 400, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.status = status
        self.headers = headers or {}


def unknown() -> BinanceError:
    return BinanceError(-1000, "An unknown error occured while processing the request.", 500)


def unknown_path(method: str, path: str) -> BinanceError:
    """A path or method the API does not have: Binance's -5000 (ccxt maps it to
    ExchangeError, not to AuthenticationError as it does -1099)."""
    return BinanceError(-5000, f"Path {path}, Method {method} is invalid", 404)


def too_many_requests(limit: int, retry_after: int) -> BinanceError:
    return BinanceError(
        -1003,
        f"Too many requests; current limit is {limit} requests per minute. Please use the "
        "websocket for live updates to avoid polling the API.",
        429,
        {"Retry-After": str(retry_after)},
    )


def banned(until_ms: int, retry_after: int) -> BinanceError:
    return BinanceError(
        -1003,
        f"Way too many requests; IP banned until {until_ms}. Please use the websocket for "
        "live updates to avoid bans.",
        418,
        {"Retry-After": str(retry_after)},
    )


def too_many_orders(limit: int, interval: str) -> BinanceError:
    return BinanceError(
        -1015, f"Too many new orders; current limit is {limit} orders per {interval}.", 429
    )


def outside_recv_window() -> BinanceError:
    return BinanceError(-1021, "Timestamp for this request is outside of the recvWindow.")


def ahead_of_server() -> BinanceError:
    return BinanceError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.")


def invalid_signature() -> BinanceError:
    return BinanceError(-1022, "Signature for this request is not valid.")


def illegal_chars() -> BinanceError:
    return BinanceError(-1100, "Illegal characters found in a parameter.")


def duplicate_parameter() -> BinanceError:
    return BinanceError(-1101, "Duplicate values for a parameter detected.")


def mandatory(name: str) -> BinanceError:
    return BinanceError(
        -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    )


def bad_interval() -> BinanceError:
    return BinanceError(-1120, "Invalid interval.")


def bad_symbol() -> BinanceError:
    return BinanceError(-1121, "Invalid symbol.")


def invalid_parameter(name: str) -> BinanceError:
    return BinanceError(-1130, f"Data sent for parameter '{name}' is not valid.")


def lookup_interval_too_big(hours: int) -> BinanceError:
    return BinanceError(-1127, f"More than {hours} hours between startTime and endTime.")


def start_after_end() -> BinanceError:
    return BinanceError(-1023, "Start time is greater than end time.")


def bad_api_key_format() -> BinanceError:
    return BinanceError(-2014, "API-key format invalid.", 401)


def rejected_api_key(ip: str) -> BinanceError:
    """Binance names the caller's address in place of the final period."""
    return BinanceError(
        -2015, f"Invalid API-key, IP, or permissions for action, request ip: {ip}", 401
    )


def invalid_depth_limit(limit: str) -> BinanceError:
    return BinanceError(-4021, f"{limit} is not valid depth limit")


def from_rejection(code: int, msg: str) -> BinanceError:
    """A core refusal on the wire: HTTP 400 as Binance answers business rejections, except the
    system-level throttle (-1008), which Binance answers with 503."""
    return BinanceError(code, msg, 503 if code == -1008 else 400)


def invalid_side() -> BinanceError:
    return BinanceError(-1117, "Invalid side.")


def invalid_order_type() -> BinanceError:
    return BinanceError(-1116, "Invalid orderType.")


def invalid_time_in_force() -> BinanceError:
    return BinanceError(-1115, "Invalid timeInForce.")


def invalid_response_type() -> BinanceError:
    return BinanceError(-1136, "Invalid newOrderRespType.")


def invalid_stp_mode() -> BinanceError:
    return BinanceError(-5039, "Invalid self trade prevention mode")


def invalid_price_match() -> BinanceError:
    return BinanceError(-5037, "Invalid price match")


def bad_precision() -> BinanceError:
    return BinanceError(-1111, "Precision is over the maximum defined for this asset.")


def not_required(name: str) -> BinanceError:
    return BinanceError(-1106, f"Parameter '{name}' sent when not required.")


def algo_order_type() -> BinanceError:
    return BinanceError(
        -4120,
        "Order type not supported for this endpoint. Please use the Algo Order API endpoints "
        "instead.",
    )


def invalid_working_type() -> BinanceError:
    return BinanceError(-4031, "Invalid parameter working type")


def invalid_client_order_id() -> BinanceError:
    return BinanceError(-4015, "Client order id is not valid.")


def either_of(first: str, second: str) -> BinanceError:
    return BinanceError(
        -1102, f"Param '{first}' or '{second}' must be sent, but both were empty/null!"
    )


def no_such_order() -> BinanceError:
    return BinanceError(-2013, "Order does not exist.")


def out_of_legal_range(name: str, legal_range: str) -> BinanceError:
    return BinanceError(
        -1100, f"Illegal characters found in parameter '{name}'; legal range is '{legal_range}'."
    )


def invalid_listen_key() -> BinanceError:
    return BinanceError(-1125, "This listenKey does not exist.")
