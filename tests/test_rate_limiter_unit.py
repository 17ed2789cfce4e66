"""The rate limiter (gateway/rate_limits.py) with explicit wall times.

The model (API-SURFACE (d), Docs general-info LIMITS): REQUEST_WEIGHT per IP per minute, over
it 429 -1003 with Retry-After = seconds to wait "to prevent a ban"; going on in the same window
earns 418 -1003 with Retry-After "until the ban is over", bans scaling "from 2 minutes to 3
days"; ORDERS per account per 10 s and per minute, over either 429 -1015 without Retry-After.
"""

from collections.abc import Callable

import pytest

from binance_sandbox.gateway import errors
from binance_sandbox.gateway.rate_limits import RateLimiter

MINUTE = 60_000
T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z, on a minute boundary
IP = "10.0.0.1"
TOO_MANY = (
    "Too many requests; current limit is {} requests per minute. Please use the websocket for "
    "live updates to avoid polling the API."
)
BANNED = (
    "Way too many requests; IP banned until {}. Please use the websocket for live updates to "
    "avoid bans."
)


def refusal(call: Callable[..., object], *args: object) -> errors.BinanceError:
    with pytest.raises(errors.BinanceError) as caught:
        call(*args)
    return caught.value


def test_weight_accumulates_per_ip_within_the_minute() -> None:
    limiter = RateLimiter(10, 300, 1200)
    assert limiter.charge_weight(IP, 5, T0) == 5
    assert limiter.charge_weight(IP, 2, T0 + 30_000) == 7
    assert limiter.charge_weight("10.0.0.2", 1, T0 + 30_000) == 1  # per IP
    assert limiter.used_weight(IP, T0 + 59_999) == 7
    assert limiter.used_weight("10.0.0.3", T0) == 0


def test_the_window_resets_on_the_minute_not_a_minute_after_the_first_request() -> None:
    limiter = RateLimiter(10, 300, 1200)
    limiter.charge_weight(IP, 10, T0 + 59_000)
    assert limiter.used_weight(IP, T0 + 59_999) == 10
    assert limiter.used_weight(IP, T0 + MINUTE) == 0
    assert limiter.charge_weight(IP, 10, T0 + MINUTE) == 10


def test_exactly_the_limit_is_allowed() -> None:
    limiter = RateLimiter(10, 300, 1200)
    for used in range(1, 11):
        assert limiter.charge_weight(IP, 1, T0 + used) == used


def test_over_the_limit_is_429_with_retry_after_to_the_window_end() -> None:
    limiter = RateLimiter(10, 300, 1200)
    limiter.charge_weight(IP, 8, T0)
    error = refusal(limiter.charge_weight, IP, 5, T0 + 15_500)
    assert (error.code, error.msg, error.status) == (-1003, TOO_MANY.format(10), 429)
    assert error.headers == {"Retry-After": "45"}  # 44.5 s to the minute's end, rounded up
    assert limiter.used_weight(IP, T0 + 15_500) == 8  # a refused request costs nothing
    assert limiter.charge_weight(IP, 2, T0 + 16_000) == 10  # what still fits is served


def test_retry_after_is_at_least_one_second() -> None:
    limiter = RateLimiter(1, 300, 1200)
    limiter.charge_weight(IP, 1, T0)
    error = refusal(limiter.charge_weight, IP, 1, T0 + 59_999)
    assert error.headers == {"Retry-After": "1"}


def test_a_second_refusal_in_the_same_window_is_a_418_ban_of_two_minutes() -> None:
    limiter = RateLimiter(10, 300, 1200)
    limiter.charge_weight(IP, 10, T0)
    assert refusal(limiter.charge_weight, IP, 1, T0 + 1_000).status == 429
    now = T0 + 2_000
    error = refusal(limiter.charge_weight, IP, 1, now)
    until = now + 2 * MINUTE
    assert (error.code, error.msg, error.status) == (-1003, BANNED.format(until), 418)
    assert error.headers == {"Retry-After": "120"}
    # During the ban every request is refused, even in a new window, with the time left.
    later = refusal(limiter.charge_weight, IP, 1, T0 + MINUTE + 30_000)
    assert (later.code, later.msg, later.status) == (-1003, BANNED.format(until), 418)
    assert later.headers == {"Retry-After": str((until - T0 - MINUTE - 30_000) // 1000)}
    # When it ends the IP is served again.
    assert limiter.charge_weight(IP, 1, until) == 1


def test_a_refusal_in_a_new_window_is_a_429_again_not_a_ban() -> None:
    limiter = RateLimiter(10, 300, 1200)
    limiter.charge_weight(IP, 10, T0)
    assert refusal(limiter.charge_weight, IP, 1, T0 + 1_000).status == 429
    limiter.charge_weight(IP, 10, T0 + MINUTE)
    assert refusal(limiter.charge_weight, IP, 1, T0 + MINUTE + 1).status == 429


def _offend(limiter: RateLimiter, now: int) -> errors.BinanceError:
    """Fills the window at `now`, is refused once (429), then again (418); returns the 418."""
    start = now - now % MINUTE
    limiter.charge_weight(IP, 10 - limiter.used_weight(IP, now), now)
    assert refusal(limiter.charge_weight, IP, 1, now).status == 429
    error = refusal(limiter.charge_weight, IP, 1, now)
    assert error.status == 418
    assert now - start < MINUTE
    return error


def test_bans_double_for_repeat_offenders_up_to_three_days() -> None:
    limiter = RateLimiter(10, 300, 1200)
    now = T0
    durations = []
    for _ in range(14):
        error = _offend(limiter, now)
        durations.append(int(error.headers["Retry-After"]))
        until = int(error.msg.split("until ")[1].split(".")[0])
        assert until == now + durations[-1] * 1000
        now = until - until % MINUTE + MINUTE  # the first window after the ban
    minutes = [seconds // 60 for seconds in durations]
    three_days = 3 * 24 * 60
    assert minutes == [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, three_days, three_days]


def test_orders_within_both_windows_are_counted_per_account() -> None:
    limiter = RateLimiter(2400, 3, 5)
    assert limiter.charge_orders(1, (1, 1), T0) == (1, 1)
    assert limiter.charge_orders(1, (2, 2), T0 + 9_999) == (3, 3)
    assert limiter.charge_orders(2, (3, 3), T0 + 9_999) == (3, 3)  # per account
    assert limiter.charge_orders(1, (1, 1), T0 + 10_000) == (1, 4)  # a new 10-second window


def test_over_the_ten_second_order_limit_is_1015() -> None:
    limiter = RateLimiter(2400, 3, 1200)
    limiter.charge_orders(1, (3, 3), T0)
    error = refusal(limiter.charge_orders, 1, (1, 1), T0 + 9_999)
    message = "Too many new orders; current limit is 3 orders per 10 SECOND."
    assert (error.code, error.msg, error.status) == (-1015, message, 429)
    assert error.headers == {}  # an order-count 429 has no Retry-After (PM-Pro general-info)
    assert limiter.charge_orders(1, (1, 1), T0 + 10_000) == (1, 4)  # the refused one not counted


def test_over_the_one_minute_order_limit_is_1015() -> None:
    limiter = RateLimiter(2400, 300, 4)
    limiter.charge_orders(1, (4, 4), T0)
    error = refusal(limiter.charge_orders, 1, (1, 1), T0 + 59_999)
    message = "Too many new orders; current limit is 4 orders per 1 MINUTE."
    assert (error.code, error.msg, error.status) == (-1015, message, 429)
    assert error.headers == {}
    assert limiter.charge_orders(1, (4, 4), T0 + MINUTE) == (4, 4)


def test_a_batch_counts_5_on_the_ten_second_limit_and_1_on_the_minute() -> None:
    """Place/Modify Multiple Orders: "5 on 10s order rate limit; 1 on 1min order rate limit"."""
    limiter = RateLimiter(2400, 5, 2)
    assert limiter.charge_orders(1, (5, 1), T0) == (5, 1)
    assert refusal(limiter.charge_orders, 1, (1, 1), T0).code == -1015
    assert limiter.charge_orders(1, (5, 1), T0 + 10_000) == (5, 2)
    assert "1 MINUTE" in refusal(limiter.charge_orders, 1, (5, 1), T0 + 20_000).msg


def test_order_counts_are_read_without_charging() -> None:
    limiter = RateLimiter(2400, 300, 1200)
    assert limiter.order_counts(7, T0) == (0, 0)
    limiter.charge_orders(7, (1, 1), T0)
    limiter.charge_orders(7, (5, 1), T0 + 1)
    assert limiter.order_counts(7, T0 + 2) == limiter.order_counts(7, T0 + 3) == (6, 2)
    assert limiter.order_counts(7, T0 + 10_000) == (0, 2)  # a new 10-second window
    assert limiter.order_counts(8, T0) == (0, 0)
