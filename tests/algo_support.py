"""A core exchange for the conditional-order tests: BTCUSDT with its index (= mark, while no
trade has printed and the book has one side at most) set by hand, three funded accounts."""

from typing import Any

from binance_sandbox.core.algo_orders import AlgoOrder
from binance_sandbox.core.commands import (
    PlaceAlgoOrder,
    PlaceOrder,
    PrintTrades,
    SetIndexPrices,
    TapePrint,
)
from binance_sandbox.core.events import AlgoUpdated, Event, Rejected
from tests.test_core_trading import BTC, Sim, px, qty


class AlgoSim(Sim):
    def price(self, text: str, step_ms: int = 1000) -> list[Event]:
        """The index (and so the mark) moves to `text`, one step of the manual clock later."""
        return self.do(
            SetIndexPrices(prices={BTC: px(text) * 10**6}, source="t"), self.ts + step_ms
        )

    def print_trade(self, text: str, step_ms: int = 1000) -> list[Event]:
        """A replayed trade at `text` on the tape: the contract price moves, the mark not."""
        at = self.ts + step_ms
        tape = (TapePrint(time=at, price=px(text), qty=qty("0.001"), count=1, buyer_maker=False),)
        return self.do(PrintTrades(symbol=BTC, prints=tape), at)

    def algo(self, account: int = 1, **fields: Any) -> AlgoOrder | Rejected:
        fields.setdefault("quantity", qty("0.01"))
        events = self.do(PlaceAlgoOrder(account_id=account, symbol=BTC, **fields))
        if isinstance(events[0], Rejected):
            return events[0]
        update = events[0]
        assert isinstance(update, AlgoUpdated)
        return update.algo

    def rest(self, account: int, side: str, price: str, amount: str = "0.05") -> None:
        """A resting LIMIT order: liquidity for a triggered MARKET order."""
        events = self.do(
            PlaceOrder(
                account_id=account,
                symbol=BTC,
                side=side,  # type: ignore[arg-type]
                order_type="LIMIT",
                quantity=qty(amount),
                price=px(price),
            )
        )
        assert not isinstance(events[0], Rejected), events[0]

    def status(self, algo_id: int) -> str:
        return self.state.algo_orders[algo_id].status

    def record(self, algo_id: int) -> AlgoOrder:
        return self.state.algo_orders[algo_id]


def updates(events: list[Event]) -> list[tuple[int, str]]:
    return [(e.algo.algo_id, e.algo.status) for e in events if isinstance(e, AlgoUpdated)]
