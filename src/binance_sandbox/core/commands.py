"""Commands: every state change of the exchange, as data.

A command is stamped by the sequencer with a sequence number and an exchange time and then
journaled before it is applied; replaying the journal re-applies the same commands. A command
therefore carries everything its effect depends on, and nothing the core could derive itself
(ids and HMAC secrets derive from the seed and the sequence number).
"""

from typing import Literal

import msgspec

from binance_sandbox.core.accounts import KeyType
from binance_sandbox.core.fault_rules import FaultRule
from binance_sandbox.core.instruments import Instrument, Product
from binance_sandbox.core.matching import StpMode, TimeInForce
from binance_sandbox.core.orders import OrderType, Side
from binance_sandbox.core.positions import PositionSide
from binance_sandbox.core.price_match import PriceMatch
from binance_sandbox.core.trigger_origin import AlgoOrderType, TriggerOrigin, WorkingType

ClockMode = Literal["real", "accelerated", "manual"]


class Genesis(msgspec.Struct, tag="genesis", frozen=True, kw_only=True):
    """The first command of every journal: what the exchange lists and trades."""

    seed: int
    assets: tuple[str, ...]
    instruments: tuple[Instrument, ...]


class CreateAccount(msgspec.Struct, tag="create_account", frozen=True, kw_only=True):
    name: str


class CreateApiKey(msgspec.Struct, tag="create_api_key", frozen=True, kw_only=True):
    """An HMAC key's key and secret derive from the seed; RSA / ED25519 carry the public key."""

    account_id: int
    key_type: KeyType
    public_key: str = ""
    can_trade: bool = True
    read_only: bool = False
    label: str = ""


class Deposit(msgspec.Struct, tag="deposit", frozen=True, kw_only=True):
    account_id: int
    asset: str
    amount: int  # at AMOUNT_DECIMALS
    client_tran_id: str = ""
    product: Product = "usdm"  # the wallet: USDⓈ-M or COIN-M futures


class Withdraw(msgspec.Struct, tag="withdraw", frozen=True, kw_only=True):
    account_id: int
    asset: str
    amount: int  # at AMOUNT_DECIMALS
    client_tran_id: str = ""
    product: Product = "usdm"  # the wallet: USDⓈ-M or COIN-M futures


class SetIndexPrices(msgspec.Struct, tag="set_index_prices", frozen=True, kw_only=True):
    """A price-source timer tick, or a price set by hand (`source="admin"`)."""

    prices: dict[
        str, int
    ]  # pair -> index price at AMOUNT_DECIMALS (every contract of a pair shares it)
    source: str


class SetClock(msgspec.Struct, tag="set_clock", frozen=True, kw_only=True):
    """A change of the exchange clock's mode or speed, or a manual advance (stamped at its end)."""

    mode: ClockMode
    speed_milli: int  # speed x 1000: 1000 is real time, 60000 is an hour per real minute
    paused: bool


class PlaceOrder(msgspec.Struct, tag="place_order", frozen=True, kw_only=True):
    """A new order, its numbers already on the instrument's scales (the gateway refuses what
    does not fit them with -1111)."""

    account_id: int
    symbol: str
    side: Side
    order_type: OrderType
    quantity: int  # steps
    price: int = 0  # price units; 0 with MARKET or priceMatch
    time_in_force: TimeInForce = "GTC"
    position_side: PositionSide = "BOTH"
    reduce_only: bool = False
    client_order_id: str = ""  # empty: the exchange makes one
    price_match: PriceMatch = "NONE"
    stp_mode: StpMode = "EXPIRE_MAKER"
    good_till_date: int = 0
    recv_deadline: int = 0  # wall ms (timestamp + recvWindow); checked by the sequencer
    origin: TriggerOrigin | None = None  # set by a triggering conditional order
    # set by a triggering conditional order placed through the order API (`as_order`): its id,
    # which the order keeps (0: a new id)
    order_id: int = 0


class CancelOrder(msgspec.Struct, tag="cancel_order", frozen=True, kw_only=True):
    account_id: int
    symbol: str
    order_id: int = 0
    client_order_id: str = ""


class AmendOrder(msgspec.Struct, tag="amend_order", frozen=True, kw_only=True):
    """Binance's modify: a LIMIT order's new price (or priceMatch) and quantity."""

    account_id: int
    symbol: str
    side: Side
    quantity: int
    price: int = 0
    price_match: PriceMatch = "NONE"
    order_id: int = 0
    client_order_id: str = ""
    recv_deadline: int = 0


class SetCountdown(msgspec.Struct, tag="set_countdown", frozen=True, kw_only=True):
    """countdownCancelAll: cancel the account's open orders on the symbol unless renewed
    within `countdown_ms` of exchange time; 0 stops the countdown."""

    account_id: int
    symbol: str
    countdown_ms: int


class FireOrderTimers(msgspec.Struct, tag="fire_order_timers", frozen=True, kw_only=True):
    """A timer firing: expires GTD orders and runs out countdowns due at its stamp."""


class CancelAllOrders(msgspec.Struct, tag="cancel_all_orders", frozen=True, kw_only=True):
    account_id: int
    symbol: str


class SetPositionMode(msgspec.Struct, tag="set_position_mode", frozen=True, kw_only=True):
    account_id: int
    dual_side_position: bool  # hedge mode


class SetLeverage(msgspec.Struct, tag="set_leverage", frozen=True, kw_only=True):
    account_id: int
    symbol: str
    leverage: int


class SetMarginType(msgspec.Struct, tag="set_margin_type", frozen=True, kw_only=True):
    account_id: int
    symbol: str
    isolated: bool


class ModifyPositionMargin(msgspec.Struct, tag="modify_position_margin", frozen=True, kw_only=True):
    """Adds margin to an isolated position (kind 1) or takes it back (kind 2)."""

    account_id: int
    symbol: str
    position_side: PositionSide
    amount: int  # at AMOUNT_DECIMALS
    kind: Literal[1, 2]


class SetFeeBurn(msgspec.Struct, tag="set_fee_burn", frozen=True, kw_only=True):
    account_id: int
    on: bool


class SetTradeGroup(msgspec.Struct, tag="set_trade_group", frozen=True, kw_only=True):
    """Admin: put an account in a trade group (-1: none) for self-trade prevention."""

    account_id: int
    trade_group_id: int


class SetOverload(msgspec.Struct, tag="set_overload", frozen=True, kw_only=True):
    """The admin switch for system-level protection: new orders are refused with -1008,
    reduce-only ones excepted."""

    on: bool


class TapePrint(msgspec.Struct, frozen=True, array_like=True):
    """One replayed aggregate trade of a public data file: it prints on the tape (trades,
    aggTrades, klines, tickers) and no account takes part in it."""

    time: int  # the file's transact time, epoch ms (at most the command's stamp)
    price: int  # price units
    qty: int  # steps
    count: int  # the underlying trades it aggregates (last_trade_id - first_trade_id + 1)
    buyer_maker: bool


class PrintTrades(msgspec.Struct, tag="print_trades", frozen=True, kw_only=True):
    """Historical replay: trades of the file printed on a symbol's public tape, in time order."""

    symbol: str
    prints: tuple[TapePrint, ...]


class SetSimulation(msgspec.Struct, tag="set_simulation", frozen=True, kw_only=True):
    """The switches of the market simulation: journaled, so a restart or a replay of the journal
    sees the agents and the historical replay exactly as they were."""

    agents_paused: bool
    agents_seed: int  # the liquidity agents' random draws derive from it
    replay_paused: bool


class AddFaults(msgspec.Struct, tag="add_faults", frozen=True, kw_only=True):
    """Admin: fault rules for the gateway (ids are given by the core, in order)."""

    rules: tuple[FaultRule, ...]


class ClearFaults(msgspec.Struct, tag="clear_faults", frozen=True, kw_only=True):
    """Admin: every fault rule ends."""


class ReplaceState(msgspec.Struct, tag="replace_state", frozen=True, kw_only=True):
    """Admin: the exchange becomes a saved state (reset to genesis, a named snapshot, an
    import): `body` is its snapshot encoding. The clock's mode and the journal position stay."""

    body: bytes
    source: str  # "reset", "restore:<name>" or "import"


class SettleFunding(msgspec.Struct, tag="settle_funding", frozen=True, kw_only=True):
    """A funding timer firing: every perpetual whose funding time has come settles (each at its
    own time, in order). `rates` (symbol -> rate at 8 decimals) overrides the computed rate,
    as a replay's funding-rate file decides it."""

    rates: dict[str, int] = msgspec.field(default_factory=dict)


class DeliverContracts(msgspec.Struct, tag="deliver_contracts", frozen=True, kw_only=True):
    """A delivery timer firing: every quarterly whose delivery time has come settles."""


class PlaceAlgoOrder(msgspec.Struct, tag="place_algo_order", frozen=True, kw_only=True):
    """POST /fapi/v1/algoOrder (algoType CONDITIONAL), numbers on the instrument's scales."""

    account_id: int
    symbol: str
    side: Side
    order_type: AlgoOrderType
    quantity: int = 0  # steps; 0 with close_position
    price: int = 0
    trigger_price: int = 0
    working_type: WorkingType = "CONTRACT_PRICE"
    time_in_force: TimeInForce = "GTC"
    position_side: PositionSide = "BOTH"
    reduce_only: bool = False
    close_position: bool = False
    price_protect: bool = False
    activate_price: int = 0  # 0: the latest price
    callback_rate: int = 0  # tenths of a percent
    client_algo_id: str = ""  # empty: the exchange makes one
    price_match: PriceMatch = "NONE"
    stp_mode: StpMode = "NONE"
    good_till_date: int = 0
    as_order: bool = False  # placed through the order API as before the algo migration


class CancelAlgoOrder(msgspec.Struct, tag="cancel_algo_order", frozen=True, kw_only=True):
    account_id: int
    algo_id: int = 0
    client_algo_id: str = ""


class CancelAllAlgoOrders(msgspec.Struct, tag="cancel_all_algo_orders", frozen=True, kw_only=True):
    account_id: int
    symbol: str


class SetMultiAssetsMode(msgspec.Struct, tag="set_multi_assets_mode", frozen=True, kw_only=True):
    """Multi-Assets mode (on) or Single-Asset mode (off) for every symbol of the account."""

    account_id: int
    on: bool


class SetMarkPrice(msgspec.Struct, tag="set_mark_price", frozen=True, kw_only=True):
    """Admin: a symbol's mark price set by hand (the next index tick recomputes it); positions
    the new mark puts at 100 % margin ratio are liquidated by this command."""

    symbol: str
    price: int  # at AMOUNT_DECIMALS


class SetInsuranceFund(msgspec.Struct, tag="set_insurance_fund", frozen=True, kw_only=True):
    """Admin: the insurance fund's balance of a margin asset becomes `balance`."""

    asset: str
    balance: int  # at AMOUNT_DECIMALS, >= 0


Command = (
    Genesis
    | CreateAccount
    | CreateApiKey
    | Deposit
    | Withdraw
    | SetIndexPrices
    | SetClock
    | PlaceOrder
    | CancelOrder
    | AmendOrder
    | CancelAllOrders
    | SetCountdown
    | FireOrderTimers
    | SetPositionMode
    | SetLeverage
    | SetMarginType
    | ModifyPositionMargin
    | SetFeeBurn
    | SetOverload
    | SetTradeGroup
    | PrintTrades
    | SetSimulation
    | AddFaults
    | ClearFaults
    | ReplaceState
    | SettleFunding
    | DeliverContracts
    | PlaceAlgoOrder
    | CancelAlgoOrder
    | CancelAllAlgoOrders
    | SetMultiAssetsMode
    | SetMarkPrice
    | SetInsuranceFund
)


class Stamped(msgspec.Struct, frozen=True, array_like=True):
    """A command as journaled: its place in the total order and its exchange time (ms)."""

    seq: int
    ts: int
    command: Command
