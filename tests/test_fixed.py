"""Fixed-point parsing and formatting: exact decimal strings to scaled integers and back."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from binance_sandbox.core.fixed import (
    AMOUNT_DECIMALS,
    MAX_DIGITS,
    FixedPointError,
    decimals_of,
    format_scaled,
    parse_scaled,
)


@given(
    st.integers(min_value=-(10**MAX_DIGITS) + 1, max_value=10**MAX_DIGITS - 1),
    st.integers(min_value=0, max_value=12),
)
def test_round_trip(value: int, decimals: int) -> None:
    assert parse_scaled(format_scaled(value, decimals), decimals) == value


@pytest.mark.parametrize("text", ["1e40", "1" * 41, "1e999999999", "-1e45"])
def test_numbers_beyond_the_supported_range_are_refused(text: str) -> None:
    with pytest.raises(FixedPointError):
        parse_scaled(text, 8)


@pytest.mark.parametrize(
    ("text", "decimals", "expected"),
    [
        ("12.34", 4, 123_400),
        ("0.1", 8, 10_000_000),
        ("10000", AMOUNT_DECIMALS, 1_000_000_000_000),
        ("5", 0, 5),
        ("0.00000001", 8, 1),
        (".5", 2, 50),
        ("5.", 2, 500),
        ("+2", 2, 200),
        ("-0.5", 2, -50),
        ("-12.3400", 4, -123_400),
        ("0.10", 1, 1),  # trailing zeros beyond the scale are fine
    ],
)
def test_parse(text: str, decimals: int, expected: int) -> None:
    assert parse_scaled(text, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (123_400, 4, "12.3400"),
        (1, 8, "0.00000001"),
        (0, 2, "0.00"),
        (-5, 2, "-0.05"),
        (-123_400, 4, "-12.3400"),
        (42, 0, "42"),
        (-42, 0, "-42"),
    ],
)
def test_format(value: int, decimals: int, expected: str) -> None:
    assert format_scaled(value, decimals) == expected


def test_whitespace_is_stripped() -> None:
    assert parse_scaled("  1.5\n", 2) == 150


@pytest.mark.parametrize(("text", "decimals"), [("1.239", 2), ("0.000000001", 8), ("1.5", 0)])
def test_exact_refuses_extra_digits(text: str, decimals: int) -> None:
    with pytest.raises(FixedPointError, match=f"more than {decimals} decimals"):
        parse_scaled(text, decimals)


def test_inexact_truncates_towards_zero() -> None:
    assert parse_scaled("1.239", 2, exact=False) == 123
    assert parse_scaled("-1.239", 2, exact=False) == -123


def test_exponent_notation_is_accepted_when_exact() -> None:
    """Pinned: Decimal's exponent forms parse like their plain equivalents."""
    assert parse_scaled("1e3", 2) == 100_000
    assert parse_scaled("1E-2", 2) == 1
    with pytest.raises(FixedPointError):
        parse_scaled("1e-3", 2)


@pytest.mark.parametrize("text", ["nan", "NaN", "sNaN", "inf", "-Infinity", "Infinity"])
def test_non_finite_is_refused(text: str) -> None:
    with pytest.raises(FixedPointError, match="not a finite number"):
        parse_scaled(text, 2)


@pytest.mark.parametrize("text", ["", "  ", "abc", "1.2.3", "0x10", "1,5", "--1"])
def test_garbage_is_refused(text: str) -> None:
    with pytest.raises(FixedPointError, match="not a decimal number"):
        parse_scaled(text, 2)


def test_fixed_point_error_is_a_value_error() -> None:
    assert issubclass(FixedPointError, ValueError)


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("0.10", 1),
        ("0.010", 2),
        ("1", 0),
        ("10", 0),
        ("0.0001", 4),
        ("0.001", 3),
        ("100.00", 0),
        ("0.0100", 2),
        ("1e1", 0),
    ],
)
def test_decimals_of(step: str, expected: int) -> None:
    assert decimals_of(step) == expected
