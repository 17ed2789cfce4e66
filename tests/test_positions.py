"""Position arithmetic (FORMULAS.md §5): weighted entry, realized PnL on reduce, flips.

Golden values worked by hand; a property test checks that realized plus unrealized PnL always
equals the cash the fills moved, to within the rounding of each derived value.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from binance_sandbox.core.positions import (
    Position,
    apply_fill,
    break_even_price,
    charge_opening_fee,
    price_8,
    unrealized_pnl,
)
from binance_sandbox.core.rounding import div_half_up

QTY_DECIMALS = 3  # BTCUSDT: step 0.001
PRICE_DECIMALS = 1  # BTCUSDT: tick 0.10
USD = 10**8


def fresh() -> Position:
    return Position(account_id=1, symbol="BTCUSDT", side="BOTH")


def fill(position: Position, qty: str, price: str) -> int:
    steps = round(float(qty) * 10**QTY_DECIMALS)
    ticks = round(float(price) * 10**PRICE_DECIMALS)
    return apply_fill(position, steps, price_8(ticks, PRICE_DECIMALS), QTY_DECIMALS, 0).realized_pnl


def test_adding_in_the_same_direction_averages_the_entry() -> None:
    position = fresh()
    assert fill(position, "1", "100") == 0
    assert fill(position, "1", "110") == 0
    assert position.qty == 2000
    assert position.entry_price == 105 * USD


def test_reducing_realizes_at_the_unchanged_entry() -> None:
    position = fresh()
    fill(position, "2", "105")
    assert fill(position, "-1.5", "120") == 22_5000_0000  # 1.5 x (120 - 105) = 22.5
    assert position.qty == 500
    assert position.entry_price == 105 * USD


def test_a_flip_closes_then_opens_the_excess_at_the_fill_price() -> None:
    position = fresh()
    fill(position, "0.5", "105")
    assert fill(position, "-1", "100") == -2_5000_0000  # 0.5 x (100 - 105)
    assert position.qty == -500
    assert position.entry_price == 100 * USD
    assert position.realized_pnl == -2_5000_0000


def test_shorts_gain_when_the_price_falls() -> None:
    position = fresh()
    fill(position, "-2", "200")
    assert fill(position, "2", "150") == 100 * USD
    assert position.qty == 0
    assert position.entry_price == 0


def test_entry_price_rounds_half_away_from_zero_at_8_decimals() -> None:
    position = fresh()
    fill(position, "0.001", "100.1")
    fill(position, "0.002", "100")
    # (100.1 + 2 x 100) / 3 = 100.0333333333... -> 100.03333333
    assert position.entry_price == 100_03333333


def test_unrealized_pnl_at_mark() -> None:
    position = fresh()
    fill(position, "0.5", "100")
    assert unrealized_pnl(position, 110 * USD, QTY_DECIMALS) == 5 * USD


def test_div_half_up_is_symmetric() -> None:
    assert [div_half_up(n, 2) for n in (-3, -1, 1, 3)] == [-2, -1, 1, 2]
    with pytest.raises(ValueError, match="quantity"):
        apply_fill(fresh(), 0, USD, QTY_DECIMALS, 0)


fills = st.lists(
    st.tuples(
        st.integers(min_value=-5000, max_value=5000).filter(bool),  # steps, signed
        st.integers(min_value=1, max_value=2_000_000),  # ticks
    ),
    min_size=1,
    max_size=30,
)


@given(fills, st.integers(min_value=1, max_value=2_000_000))
def test_realized_plus_unrealized_equals_the_cash_moved(
    sequence: list[tuple[int, int]], mark_ticks: int
) -> None:
    position = fresh()
    cash = 0  # at 8 decimals x steps: what buying cost and selling brought
    for steps, ticks in sequence:
        apply_fill(position, steps, price_8(ticks, PRICE_DECIMALS), QTY_DECIMALS, 0)
        cash -= steps * price_8(ticks, PRICE_DECIMALS)
    mark = price_8(mark_ticks, PRICE_DECIMALS)
    value = position.qty * mark  # what the open position is worth at mark
    exact_total = cash + value  # realized + unrealized, exactly, at 8 decimals x steps
    total = position.realized_pnl + unrealized_pnl(position, mark, QTY_DECIMALS)
    # each fill's PnL and the entry average round once; bound the drift they can add
    tolerance = len(sequence) * (1 + abs(position.qty)) + 1
    assert abs(total * 10**QTY_DECIMALS - exact_total) <= tolerance * 10**QTY_DECIMALS


def test_break_even_price_matches_a_real_binance_position() -> None:
    """samples/rest_positionRisk_v2_real_2023-11-12_issue.json: a long of 0.003 BTCUSDT with
    entryPrice 37140.0 shows breakEvenPrice 37147.428 — entry plus the 0.02 % opening fee per
    unit. The fee share leaves with what is closed."""
    position = fresh()
    ticks = 371400  # 37140.0 at the 0.1-tick scale of this test
    result = apply_fill(position, 3, price_8(ticks, PRICE_DECIMALS), QTY_DECIMALS, 0)
    fee = 3 * price_8(ticks, PRICE_DECIMALS) * 20_000 // 10**8 // 10**QTY_DECIMALS  # 0.02 %
    charge_opening_fee(position, result, 3, fee)
    assert break_even_price(position, QTY_DECIMALS) == 37147_42800000
    closing = apply_fill(position, -2, price_8(ticks, PRICE_DECIMALS), QTY_DECIMALS, 0)
    charge_opening_fee(position, closing, 2, 0)
    assert break_even_price(position, QTY_DECIMALS) == 37147_42800000  # same per unit
