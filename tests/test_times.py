"""Parsing the instants and durations users type."""

import pytest

from binance_sandbox.config.times import parse_duration_ms, parse_instant_ms

JAN_1_2026_MS = 1_767_225_600_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-01T00:00:00Z", JAN_1_2026_MS),
        ("2026-01-01T00:00:00.123Z", JAN_1_2026_MS + 123),
        ("2026-01-01T02:00:00+02:00", JAN_1_2026_MS),
        ("2025-12-31T19:00:00-05:00", JAN_1_2026_MS),
        ("2026-01-01T00:00:00", JAN_1_2026_MS),  # naive: UTC, not local time
        ("2026-01-01", JAN_1_2026_MS),
        ("2026-01-01 00:00:01", JAN_1_2026_MS + 1000),
        ("1767225600000", JAN_1_2026_MS),
        ("0", 0),
        ("  1767225600000  ", JAN_1_2026_MS),
    ],
)
def test_parse_instant(text: str, expected: int) -> None:
    assert parse_instant_ms(text) == expected


def test_naive_time_ignores_the_local_timezone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert parse_instant_ms("2026-01-01T00:00:00") == JAN_1_2026_MS
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("text", ["garbage", "", "2026-13-01", "-5", "1.5", "tomorrow"])
def test_parse_instant_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not a time"):
        parse_instant_ms(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500ms", 500),
        ("90s", 90_000),
        ("15m", 900_000),
        ("1h30m", 5_400_000),
        ("2d", 172_800_000),
        ("1.5h", 5_400_000),
        ("0.5s", 500),
        ("1d2h3m4s5ms", 86_400_000 + 7_200_000 + 180_000 + 4000 + 5),
        ("1H30M", 5_400_000),  # case-insensitive
        (" 90s ", 90_000),
        ("250", 250),  # plain digits are milliseconds
        ("0", 0),
        ("1s1s", 2000),  # repeated units add up
    ],
)
def test_parse_duration(text: str, expected: int) -> None:
    assert parse_duration_ms(text) == expected


@pytest.mark.parametrize(
    "text", ["1x", "", "h1", "1h 30m", "1m30", ".5s", "1.h", "-1s", "1.5", "s", "ms"]
)
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration_ms(text)
