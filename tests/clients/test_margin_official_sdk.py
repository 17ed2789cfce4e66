"""Binance's official SDK margin over real sockets: its strict models deserialise every answer
(change leverage, margin type, brackets, positions V2 / V3, account V3, balances V3, margin
history), so these also check field names and JSON types. Numbers: margin_support.py."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from binance_common.errors import BadRequestError
from binance_sdk_derivatives_trading_usds_futures.rest_api.models import (
    NewOrderSideEnum,
    NewOrderTimeInForceEnum,
    NewOrderTypeEnum,
)
from binance_sdk_derivatives_trading_usds_futures.rest_api.models.enums import (
    ChangeMarginTypeMarginTypeEnum,
)

from tests.clients import margin_support as ms
from tests.clients.conftest import Sandbox
from tests.clients.test_trading_official_sdk import rest_api

ISOLATED = ChangeMarginTypeMarginTypeEnum.ISOLATED


def raw(model: Any) -> Any:
    """A model (or list of models) as Binance's JSON, field names as on the wire."""
    if isinstance(model, list):
        return [raw(item) for item in model]
    return model.to_dict()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from ms.still_sandbox(tmp_path_factory)


@pytest.fixture(scope="module")
def rest(sandbox: Sandbox) -> Any:
    return rest_api(sandbox.url, sandbox.api_key, sandbox.secret)


@pytest.fixture(scope="module")
def position(sandbox: Sandbox, rest: Any) -> dict[str, Any]:
    return ms.open_long(
        sandbox,
        lambda: (
            rest.change_initial_leverage(symbol=ms.SYMBOL, leverage=ms.LEVERAGE).data(),
            rest.change_margin_type(symbol=ms.SYMBOL, margin_type=ISOLATED).data(),
        ),
        lambda: rest.new_order(
            symbol=ms.SYMBOL,
            side=NewOrderSideEnum.BUY,
            type=NewOrderTypeEnum.MARKET,
            quantity=float(ms.QTY),
        ),
    )


def test_settings(position: dict[str, Any], rest: Any) -> None:
    ms.check_settings(raw(position["leverage"]), raw(position["mode"]))
    (config,) = rest.symbol_configuration(symbol=ms.SYMBOL).data()
    assert (config.margin_type, config.leverage) == ("ISOLATED", ms.LEVERAGE)
    brackets = rest.notional_and_leverage_brackets().data().actual_instance  # one of two shapes
    assert [b.brackets[0].initial_leverage for b in brackets if b.symbol == ms.SYMBOL] == [150]


def test_positions_account_and_balance(position: dict[str, Any], rest: Any) -> None:
    (v3,) = raw(rest.position_information_v3(symbol=ms.SYMBOL).data())
    ms.check_position_v3(v3)
    (v2,) = rest.position_information_v2(symbol=ms.SYMBOL).data()  # its model has no `isolated`
    assert (v2.margin_type, v2.leverage, v2.max_notional_value) == (
        "isolated", str(ms.LEVERAGE), ms.MAX_NOTIONAL,
    )  # fmt: skip
    assert Decimal(v2.liquidation_price) == ms.LIQUIDATION
    ms.check_account(raw(rest.account_information_v3().data()))
    ms.check_balance(raw(rest.futures_account_balance_v3().data()))


def test_over_committed_order_is_2019(position: dict[str, Any], rest: Any) -> None:
    with pytest.raises(BadRequestError) as raised:
        rest.new_order(
            symbol=ms.SYMBOL, side=NewOrderSideEnum.BUY, type=NewOrderTypeEnum.LIMIT,
            time_in_force=NewOrderTimeInForceEnum.GTC, quantity=float(ms.TOO_BIG),
            price=float(ms.PRICE),
        )  # fmt: skip
    assert ms.MARGIN_INSUFFICIENT[1] in str(raised.value)


def test_isolated_margin_added_and_taken_back(position: dict[str, Any], rest: Any) -> None:
    added = rest.modify_isolated_position_margin(symbol=ms.SYMBOL, amount=float(ms.ADDED),
                                                 type=1).data()  # fmt: skip
    assert (added.code, Decimal(str(added.amount))) == (200, ms.ADDED)
    rest.modify_isolated_position_margin(symbol=ms.SYMBOL, amount=float(ms.REDUCED), type=2)
    with pytest.raises(BadRequestError) as raised:
        rest.modify_isolated_position_margin(symbol=ms.SYMBOL, amount=float(ms.TOO_MUCH), type=2)
    assert ms.ISOLATED_INSUFFICIENT[1] in str(raised.value)
    history = raw(rest.get_position_margin_change_history(symbol=ms.SYMBOL).data())
    ms.check_margin_history(history)
