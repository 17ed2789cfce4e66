"""The whole state of the exchange: one tree of structs, snapshotted and hashed as a unit."""

import msgspec

from binance_sandbox.core.accounts import Account, ApiKey
from binance_sandbox.core.algo_index import TriggerIndex
from binance_sandbox.core.algo_orders import AlgoOrder
from binance_sandbox.core.commands import ClockMode
from binance_sandbox.core.delivery_state import Delivery
from binance_sandbox.core.fault_rules import FaultRule
from binance_sandbox.core.funding_state import FundingState
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.liquidation_records import InsuranceClear, InsuranceFund
from binance_sandbox.core.mark_price import MarkState
from binance_sandbox.core.order_book import OrderBook
from binance_sandbox.core.orders import Order
from binance_sandbox.core.positions import Position


class ClockState(msgspec.Struct, kw_only=True):
    mode: ClockMode = "real"
    speed_milli: int = 1000
    paused: bool = False


class SimulationState(msgspec.Struct, kw_only=True):
    """The switches of the liquidity agents and the historical replay (see SetSimulation)."""

    agents_paused: bool = False
    agents_seed: int = 0  # 0 until set: the agents then draw from the exchange seed
    replay_paused: bool = False


class ApiKeyRecord(msgspec.Struct, kw_only=True):
    account_id: int
    key: ApiKey


# dict=True: derived indexes (core/order_totals.py) live in `__dict__`, outside the encoded state
class ExchangeState(msgspec.Struct, kw_only=True, dict=True):
    seed: int = 0
    created: bool = False
    created_at: int = 0  # the genesis stamp: salts server-made client order ids
    last_seq: int = 0
    last_ts: int = 0
    assets: tuple[str, ...] = ()
    instruments: dict[str, Instrument] = msgspec.field(default_factory=dict)
    accounts: list[Account] = msgspec.field(default_factory=list)  # account_id = index + 1
    api_keys: dict[str, ApiKeyRecord] = msgspec.field(default_factory=dict)
    index_prices: dict[str, int] = msgspec.field(default_factory=dict)  # by pair, as on Binance
    index_price_times: dict[str, int] = msgspec.field(default_factory=dict)  # last change
    marks: dict[str, MarkState] = msgspec.field(default_factory=dict)  # by symbol
    clock: ClockState = msgspec.field(default_factory=ClockState)
    books: dict[str, OrderBook] = msgspec.field(default_factory=dict)
    open_orders: dict[int, Order] = msgspec.field(default_factory=dict)  # by order id
    # account id -> its open order ids, in the order they opened (see core/open_orders.py)
    open_order_ids: dict[int, dict[int, None]] = msgspec.field(default_factory=dict)
    positions: dict[str, Position] = msgspec.field(default_factory=dict)  # see position_key
    next_order_id: int = 1
    overloaded: bool = False
    countdowns: dict[str, int] = msgspec.field(
        default_factory=dict
    )  # "account:symbol" -> due  # -1008 for new orders that are not reduce-only
    # trade ids run per symbol, as Binance's: a symbol's ids have no gaps, so the 24-hour
    # ticker's count is lastId - firstId + 1
    last_trade_ids: dict[str, int] = msgspec.field(default_factory=dict)
    simulation: SimulationState = msgspec.field(default_factory=SimulationState)
    faults: list[FaultRule] = msgspec.field(default_factory=list)  # see fault_rules.py
    next_fault_id: int = 1
    funding: dict[str, FundingState] = msgspec.field(default_factory=dict)  # perpetuals
    # The exchange's side of funding per asset: what payers paid minus what receivers got. On
    # Binance funding is peer-to-peer; here longs and shorts always net (every fill has two
    # sides), so it holds only the rounding of each fee to 8 decimals.
    funding_balance: dict[str, int] = msgspec.field(default_factory=dict)
    deliveries: dict[str, Delivery] = msgspec.field(default_factory=dict)  # quarterlies
    # conditional orders (core/algo_*.py): every record by algo id (oldest first), the
    # untriggered ones by account and in the trigger index ("SYMBOL:WORKING_TYPE"), and the
    # triggered ones by the id of the order they became, until it ends; algo ids come from
    # `next_order_id`, so an id names one order or one algo order (legacy_conditional_orders)
    algo_orders: dict[int, AlgoOrder] = msgspec.field(default_factory=dict)
    open_algo_ids: dict[int, dict[int, None]] = msgspec.field(default_factory=dict)
    algo_triggers: dict[str, TriggerIndex] = msgspec.field(default_factory=dict)
    algo_by_order: dict[int, int] = msgspec.field(default_factory=dict)
    insurance: InsuranceFund = msgspec.field(default_factory=InsuranceFund)  # liquidation.md
    insurance_clears: list[InsuranceClear] = msgspec.field(default_factory=list)
    margin_calls: dict[str, None] = msgspec.field(default_factory=dict)  # scopes past 80 %

    def take_trade_ids(self, symbol: str, count: int) -> int:
        """The first of `count` new trade ids of `symbol`."""
        first = self.last_trade_ids.get(symbol, 0) + 1
        self.last_trade_ids[symbol] = first + count - 1
        return first

    def account(self, account_id: int) -> Account | None:
        if 1 <= account_id <= len(self.accounts):
            return self.accounts[account_id - 1]
        return None

    def mark_price(self, instrument: Instrument) -> int | None:
        """The mark price at 8 decimals (core/mark_price.py), set at every index tick; the
        pair's index until the first tick has set it; None without an index."""
        marks = self.marks.get(instrument.symbol)
        if marks is not None and marks.mark:
            return marks.mark
        return self.index_prices.get(instrument.pair)


def position_key(account_id: int, symbol: str, side: str) -> str:
    return f"{account_id}:{symbol}:{side}"
