"""Events: what applying a command did. Rejections are values, never exceptions."""

from typing import Literal

import msgspec

from binance_sandbox.core.accounts import KeyType
from binance_sandbox.core.algo_orders import AlgoOrder
from binance_sandbox.core.commands import ClockMode, TapePrint
from binance_sandbox.core.instruments import Product
from binance_sandbox.core.orders import Order


class Rejected(msgspec.Struct, tag="rejected", frozen=True, kw_only=True):
    code: int
    msg: str


class ExchangeCreated(msgspec.Struct, tag="exchange_created", frozen=True, kw_only=True):
    symbols: tuple[str, ...]


class AccountCreated(msgspec.Struct, tag="account_created", frozen=True, kw_only=True):
    account_id: int
    name: str


class ApiKeyCreated(msgspec.Struct, tag="api_key_created", frozen=True, kw_only=True):
    account_id: int
    api_key: str
    key_type: KeyType
    secret: str  # HMAC only; empty for RSA / ED25519
    can_trade: bool
    read_only: bool


class BalanceChanged(msgspec.Struct, tag="balance_changed", frozen=True, kw_only=True):
    account_id: int
    asset: str
    delta: int
    balance: int
    reason: str  # DEPOSIT | WITHDRAW (TRANSFER-like; Binance income types come with trading)
    tran_id: int
    client_tran_id: str = ""  # of a transfer, as its command gave it
    product: Product = "usdm"  # the wallet it changed


class IndexPricesChanged(msgspec.Struct, tag="index_prices_changed", frozen=True, kw_only=True):
    prices: dict[str, int]
    time: int
    marks: dict[str, int] = msgspec.field(default_factory=dict)  # symbol -> new mark price
    # perpetual -> its newest premium index sample at 8 decimals (premiumIndexKlines)
    premiums: dict[str, int] = msgspec.field(default_factory=dict)


class ClockChanged(msgspec.Struct, tag="clock_changed", frozen=True, kw_only=True):
    mode: ClockMode
    speed_milli: int
    paused: bool
    time: int


class Trade(msgspec.Struct, frozen=True, kw_only=True):
    """One side of a fill, as the account that made it sees it."""

    trade_id: int
    price: int  # price units
    qty: int  # steps
    quote: int  # price x qty, in units of both scales
    commission: int  # at AMOUNT_DECIMALS, in the margin asset
    commission_asset: str
    realized_pnl: int  # at AMOUNT_DECIMALS
    is_maker: bool


class Amendment(msgspec.Struct, frozen=True, kw_only=True):
    price_before: int
    price_after: int
    qty_before: int
    qty_after: int
    count: int


class OrderUpdated(msgspec.Struct, tag="order_updated", frozen=True, kw_only=True):
    """An order after a change: placed (NEW), filled in part or whole (TRADE), CANCELED,
    EXPIRED or modified (AMENDMENT). `order` is a copy as of this event."""

    order: Order
    execution: Literal["NEW", "TRADE", "CANCELED", "EXPIRED", "AMENDMENT"]
    trade: Trade | None = None
    amendment: Amendment | None = None
    expiry_reason: int = 0  # `er`: 5 when the order expired because its account was liquidated


class PositionModeChanged(msgspec.Struct, tag="position_mode_changed", frozen=True, kw_only=True):
    account_id: int
    dual: bool


class LeverageChanged(msgspec.Struct, tag="leverage_changed", frozen=True, kw_only=True):
    account_id: int
    symbol: str
    leverage: int
    max_notional: int  # at AMOUNT_DECIMALS


class MarginTypeChanged(msgspec.Struct, tag="margin_type_changed", frozen=True, kw_only=True):
    account_id: int
    symbol: str
    isolated: bool


class PositionMarginChanged(
    msgspec.Struct, tag="position_margin_changed", frozen=True, kw_only=True
):
    account_id: int
    symbol: str
    position_side: str
    kind: int  # 1 add, 2 reduce
    amount: int
    isolated_wallet: int  # after the change


class FeeBurnChanged(msgspec.Struct, tag="fee_burn_changed", frozen=True, kw_only=True):
    account_id: int
    on: bool


class TradeGroupChanged(msgspec.Struct, tag="trade_group_changed", frozen=True, kw_only=True):
    account_id: int
    trade_group_id: int


class OverloadChanged(msgspec.Struct, tag="overload_changed", frozen=True, kw_only=True):
    on: bool


class TradesPrinted(msgspec.Struct, tag="trades_printed", frozen=True, kw_only=True):
    """Replayed trades on a symbol's tape; the i-th print's trades take the ids from
    `first_trade_id` on, after those of the prints before it."""

    symbol: str
    first_trade_id: int
    prints: tuple[TapePrint, ...]


class SimulationChanged(msgspec.Struct, tag="simulation_changed", frozen=True, kw_only=True):
    agents_paused: bool
    agents_seed: int
    replay_paused: bool


class FaultsChanged(msgspec.Struct, tag="faults_changed", frozen=True, kw_only=True):
    added: tuple[int, ...]  # the new rules' ids
    cleared: bool  # every rule before them was removed


class StateReplaced(msgspec.Struct, tag="state_replaced", frozen=True, kw_only=True):
    """The state became a saved one; what the read side needs to forget what came after it."""

    source: str
    saved_seq: int  # the saved state's last sequence number
    saved_ts: int  # the saved state's last time: trades after it no longer exist (trade ids
    # run per symbol, so time, not an id, marks them)
    next_order_id: int  # orders from this id on no longer exist, nor their trades
    open_orders: tuple[Order, ...]  # as the saved state holds them


class FundingSettled(msgspec.Struct, tag="funding_settled", frozen=True, kw_only=True):
    """A perpetual's funding settled: the fundingRate history row."""

    symbol: str
    time: int  # the funding time (ms)
    rate: int  # at 8 decimals
    mark: int  # the mark price the fees were charged at, 8 decimals


class FundingFeeCharged(msgspec.Struct, tag="funding_fee_charged", frozen=True, kw_only=True):
    """One position's funding: a FUNDING_FEE income row and, for the user-data stream, an
    ACCOUNT_UPDATE with reason FUNDING_FEE (cross: the balance only; isolated: with the
    position and its isolated wallet)."""

    account_id: int
    symbol: str
    position_side: str
    asset: str
    amount: int  # received (> 0) or paid (< 0), at 8 decimals
    balance: int  # the wallet balance of `asset` after it
    isolated: bool
    isolated_wallet: int  # after it; 0 for a cross position
    time: int  # the funding time (ms)


class ContractDelivered(msgspec.Struct, tag="contract_delivered", frozen=True, kw_only=True):
    """A position closed at a quarterly's delivery, at the settlement price, by a settlement
    order of the exchange's (`order_id`, `client_order_id`, one trade `trade_id`)."""

    account_id: int
    symbol: str
    position_side: str
    order_id: int
    client_order_id: str
    trade_id: int
    qty: int  # the signed size it had, in steps
    price: int  # the settlement price, 8 decimals
    realized_pnl: int  # 8 decimals, into the wallet
    asset: str
    balance: int  # the wallet balance after it
    time: int


class ContractListed(msgspec.Struct, tag="contract_listed", frozen=True, kw_only=True):
    """The next quarter of a delivered contract, now trading."""

    symbol: str
    delivery_date: int
    onboard_date: int


class AlgoUpdated(msgspec.Struct, tag="algo_updated", frozen=True, kw_only=True):
    """A conditional order after a change (Binance's ALGO_UPDATE): placed, triggering,
    triggered, finished, canceled, expired or rejected. `algo` is a copy as of this event;
    `time` is its exchange time."""

    algo: AlgoOrder
    time: int


class MultiAssetsModeChanged(
    msgspec.Struct, tag="multi_assets_mode_changed", frozen=True, kw_only=True
):
    """ACCOUNT_CONFIG_UPDATE's `ai`: {`j`: on} for the user-data stream."""

    account_id: int
    on: bool


class MarginCallPosition(msgspec.Struct, frozen=True, kw_only=True):
    symbol: str
    position_side: str
    qty: int  # signed steps
    isolated: bool
    isolated_wallet: int
    mark: int
    upnl: int
    maint: int


class MarginCall(msgspec.Struct, tag="margin_call", frozen=True, kw_only=True):
    """A cross account (cross_wallet set) or an isolated position whose margin ratio passed
    the warning level (MARGIN_CALL of the user-data stream)."""

    account_id: int
    asset: str
    cross_wallet: int | None
    positions: tuple[MarginCallPosition, ...]


class ForceOrder(msgspec.Struct, tag="force_order", frozen=True, kw_only=True):
    """A liquidation (autoclose-...) or ADL (adl_autoclose) order after it ran: the forceOrder
    stream's data and the `forceOrders` row (the order itself is in `OrderUpdated` events)."""

    auto_close_type: Literal["LIQUIDATION", "ADL"]
    order: Order
    bankruptcy_price: int  # at 8 decimals


class InsuranceFundChanged(msgspec.Struct, tag="insurance_fund_changed", frozen=True, kw_only=True):
    asset: str
    delta: int
    balance: int
    reason: str  # ADMIN | CLEARANCE_FEE | CLEAR_NEGATIVE | TAKE_OVER (realized PnL)


class MarkPriceSet(msgspec.Struct, tag="mark_price_set", frozen=True, kw_only=True):
    symbol: str
    mark: int
    time: int


Event = (
    Rejected
    | ExchangeCreated
    | AccountCreated
    | ApiKeyCreated
    | BalanceChanged
    | IndexPricesChanged
    | ClockChanged
    | OrderUpdated
    | PositionModeChanged
    | LeverageChanged
    | MarginTypeChanged
    | PositionMarginChanged
    | FeeBurnChanged
    | OverloadChanged
    | TradeGroupChanged
    | TradesPrinted
    | SimulationChanged
    | FaultsChanged
    | StateReplaced
    | FundingSettled
    | FundingFeeCharged
    | ContractDelivered
    | ContractListed
    | AlgoUpdated
    | MultiAssetsModeChanged
    | MarginCall
    | ForceOrder
    | InsuranceFundChanged
    | MarkPriceSet
)
