"""Parsing the times and durations users type: '2026-01-01T00:00:00Z', epoch ms, '90s', '1h30m'."""

import re
from datetime import UTC, datetime

_UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")


def parse_instant_ms(text: str) -> int:
    """Epoch milliseconds from digits, or from an ISO-8601 time (UTC unless it says otherwise)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not a time: {text!r} (use ISO-8601 or epoch ms)") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def parse_duration_ms(text: str) -> int:
    """'1h30m' -> 5400000; plain digits are milliseconds."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    parts = _PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"not a duration: {text!r} (examples: 500ms, 90s, 15m, 1h30m, 2d)")
    return round(sum(float(number) * _UNITS_MS[unit] for number, unit in parts))
