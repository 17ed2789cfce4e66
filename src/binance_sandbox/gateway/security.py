"""Authentication as Binance does it: API key, timestamp window, signature, permission.

Order of checks: the key (missing or malformed -2014, unknown -2015), then for SIGNED
endpoints the timestamp against wall time or a clock a client synced to serverTime keeps
(`client_clocks`; -1021, judged on wall time; `recvWindow` default 5000, at most 60000),
then the signature (-1022), then the permission (a key that may not trade calling a TRADE
endpoint: -2015). Key errors are HTTP 401, the others 400.
"""

import logging
import re
from collections.abc import Mapping

from binance_sandbox.core.state import ApiKeyRecord, ExchangeState
from binance_sandbox.gateway import errors
from binance_sandbox.gateway.client_clocks import MAX_AHEAD_MS, ClientClocks
from binance_sandbox.gateway.endpoint import Security
from binance_sandbox.gateway.request_parse import ParsedRequest
from binance_sandbox.gateway.signatures import signature_matches

log = logging.getLogger(__name__)

_KEY_FORMAT = re.compile(r"[A-Za-z0-9]{64}")
_DIGITS = re.compile(r"[0-9]{1,20}")  # ASCII only: str.isdigit() also takes "¹" and "５"
DEFAULT_RECV_WINDOW = 5000
MAX_RECV_WINDOW = 60000


def authenticate(
    security: Security,
    api_key: str,
    request: ParsedRequest,
    state: ExchangeState,
    wall_ms: int,
    debug_signatures: bool = False,
    clocks: ClientClocks | None = None,
    ip: str = "",
) -> tuple[ApiKeyRecord | None, int]:
    """The caller's key and, for a signed request, its recvWindow deadline in wall time (the
    matching engine's -5028 check); 0 when unsigned. `clocks`: those besides wall time a
    timestamp may follow."""
    if not security.needs_key:
        return None, 0
    record = _key(api_key, state, ip)
    if not security.signed:
        return record, 0
    deadline = check_timestamp(request.values, wall_ms, clocks)
    if request.signature is None:
        raise errors.mandatory("signature")
    if debug_signatures:
        log.warning(
            "signature check for key %s over payload: %s", record.key.api_key, request.payload
        )
    if not any(signature_matches(record.key, p, request.signature) for p in request.payloads):
        raise errors.invalid_signature()
    if security is Security.TRADE and not record.key.can_trade:
        raise errors.rejected_api_key(ip)
    return record, deadline


def authenticate_session(
    security: Security,
    api_key: str,
    values: Mapping[str, str],
    state: ExchangeState,
    wall_ms: int,
    clocks: ClientClocks | None = None,
    ip: str = "",
) -> tuple[ApiKeyRecord | None, int]:
    """`authenticate` for a WebSocket API session logged on with `api_key`: the session stands
    for `apiKey` and `signature`, a signed request still needs its timestamp. A key that was
    deleted (or lost the permission) since the logon is -2015."""
    if not security.needs_key:
        return None, 0
    record = _key(api_key, state, ip)
    if not security.signed:
        return record, 0
    deadline = check_timestamp(values, wall_ms, clocks)
    if security is Security.TRADE and not record.key.can_trade:
        raise errors.rejected_api_key(ip)
    return record, deadline


def _key(api_key: str, state: ExchangeState, ip: str) -> ApiKeyRecord:
    if not _KEY_FORMAT.fullmatch(api_key):
        raise errors.bad_api_key_format()
    record = state.api_keys.get(api_key)
    if record is None:
        raise errors.rejected_api_key(ip)
    return record


def check_timestamp(
    values: Mapping[str, str], wall_ms: int, clocks: ClientClocks | None = None
) -> int:
    """Binance accepts iff timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow.
    serverTime here is wall time, or a clock synced to exchange time (`clocks`), judged as
    wall time shifted by its offset. Returns timestamp + recvWindow as wall time."""
    raw = values.get("timestamp")
    if raw is None:
        raise errors.mandatory("timestamp")
    if not _DIGITS.fullmatch(raw):
        raise errors.invalid_parameter("timestamp")
    window_raw = values.get("recvWindow", str(DEFAULT_RECV_WINDOW))
    if not _DIGITS.fullmatch(window_raw) or not 0 < int(window_raw) <= MAX_RECV_WINDOW:
        raise errors.invalid_parameter("recvWindow")
    timestamp, window = int(raw), int(window_raw)
    if wall_ms - window <= timestamp < wall_ms + MAX_AHEAD_MS:
        return timestamp + window
    offset = clocks.offset_for(timestamp, window, wall_ms) if clocks is not None else None
    if offset is not None:
        return timestamp - offset + window
    if timestamp >= wall_ms + MAX_AHEAD_MS:
        raise errors.ahead_of_server()
    raise errors.outside_recv_window()
