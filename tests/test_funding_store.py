"""The funding projection: the same answers before and after its rows are committed, tranIds
from the command's sequence number, and a reset / restore forgetting what came after the
saved state."""

from pathlib import Path

from binance_sandbox.core.commands import SettleFunding, Stamped
from binance_sandbox.core.events import Event, FundingFeeCharged, FundingSettled, StateReplaced
from binance_sandbox.projections.funding import FundingStore

HOUR = 3_600_000


def settled(seq: int, time: int) -> tuple[Stamped, list[Event]]:
    fees: list[Event] = [
        FundingFeeCharged(
            account_id=account,
            symbol="BTCUSDT",
            position_side="BOTH",
            asset="USDT",
            amount=amount,
            balance=0,
            isolated=False,
            isolated_wallet=0,
            time=time,
        )
        for account, amount in ((1, -5), (2, 5))
    ]
    rate = FundingSettled(symbol="BTCUSDT", time=time, rate=100, mark=7)
    return Stamped(seq, time, SettleFunding()), [rate, *fees]


def flush(store: FundingStore) -> None:
    write = store.take_flush()
    if write is not None:
        write()


def test_rates_and_fees_before_and_after_commit_and_after_a_restore(tmp_path: Path) -> None:
    store = FundingStore(tmp_path / "f.db")
    store.on_applied(*settled(4, 8 * HOUR))
    pending = (store.rates("BTCUSDT", 0, 99 * HOUR), store.fees(1, 0, 99 * HOUR))
    flush(store)
    store.on_applied(*settled(9, 16 * HOUR))
    flush(store)
    assert (store.rates("BTCUSDT", 0, 8 * HOUR), store.fees(1, 0, 8 * HOUR)) == pending
    assert [f.tran_id for f in store.fees(2, 0, 99 * HOUR)] == [4_000_002, 9_000_002]
    assert [r.time for r in store.rates(None, 0, 99 * HOUR)] == [8 * HOUR, 16 * HOUR]
    assert store.rates("ETHUSDT", 0, 99 * HOUR) == []

    restored = StateReplaced(source="restore:x", saved_seq=5, saved_ts=8 * HOUR,
                             next_order_id=1, open_orders=())  # fmt: skip
    store.on_applied(Stamped(10, 17 * HOUR, SettleFunding()), [restored])
    assert [f.time for f in store.fees(1, 0, 99 * HOUR)] == [8 * HOUR]
    flush(store)
    assert [r.time for r in store.rates(None, 0, 99 * HOUR)] == [8 * HOUR]
    assert [f.time for f in store.fees(1, 0, 99 * HOUR)] == [8 * HOUR]
    store.close()
