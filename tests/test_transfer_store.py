"""The transfer ledger as a projection: the core's deposits and withdrawals become rows that
answer the same before and after they are committed and after a reopen, a restore forgets
the transfers after the saved state, and the core state no longer grows with them."""

from pathlib import Path

from binance_sandbox.core.commands import (
    CreateAccount,
    Deposit,
    Genesis,
    ReplaceState,
    Stamped,
    Withdraw,
)
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.state_hash import encode_state
from binance_sandbox.projections.transfers import TransferStore


def run(exchange: Exchange, store: TransferStore, *commands: object) -> None:
    for command in commands:
        seq = exchange.state.last_seq + 1
        stamped = Stamped(seq, 1_000 * seq, command)  # type: ignore[arg-type]
        store.on_applied(stamped, exchange.apply(stamped))


def flush(store: TransferStore) -> None:
    write = store.take_flush()
    if write is not None:
        write()


def test_transfers_are_rows_before_and_after_commit_and_reopen(tmp_path: Path) -> None:
    exchange, store = Exchange(), TransferStore(tmp_path / "j.db")
    run(exchange, store, Genesis(seed=1, assets=("USDT",), instruments=()),
        CreateAccount(name="a"), CreateAccount(name="b"),
        Deposit(account_id=1, asset="USDT", amount=500, client_tran_id="first"),
        Deposit(account_id=2, asset="USDT", amount=7),
        Withdraw(account_id=1, asset="USDT", amount=200),
        Withdraw(account_id=1, asset="USDT", amount=10_000))  # fmt: skip  # refused
    pending = store.transfers(1)
    assert [(t.tran_id, t.amount, t.time, t.client_tran_id) for t in pending] == [
        (4, 500, 4_000, "first"),
        (6, -200, 6_000, ""),
    ]
    assert store.transfers(1, 5_000, 6_000) == pending[1:]
    flush(store)
    assert store.transfers(1) == pending
    store.close()
    reopened = TransferStore(tmp_path / "j.db")
    assert reopened.transfers(1) == pending
    assert reopened.seq == 7
    assert exchange.state.accounts[0].transferred == {"USDT": 300}
    reopened.close()


def test_a_restore_forgets_the_transfers_after_the_saved_state(tmp_path: Path) -> None:
    exchange, store = Exchange(), TransferStore(tmp_path / "j.db")
    run(exchange, store, Genesis(seed=1, assets=("USDT",), instruments=()),
        CreateAccount(name="a"), Deposit(account_id=1, asset="USDT", amount=5))  # fmt: skip
    saved = encode_state(exchange.state)
    run(exchange, store, Deposit(account_id=1, asset="USDT", amount=6))
    flush(store)
    run(exchange, store, Deposit(account_id=1, asset="USDT", amount=7))
    run(exchange, store, ReplaceState(body=saved, source="restore"))
    assert [t.amount for t in store.transfers(1)] == [5]
    flush(store)
    run(exchange, store, Deposit(account_id=1, asset="USDT", amount=8))
    assert [t.amount for t in store.transfers(1)] == [5, 8]
    flush(store)
    assert [t.amount for t in store.transfers(1)] == [5, 8]
    store.close()


def test_the_snapshot_does_not_grow_with_deposits(tmp_path: Path) -> None:
    exchange, store = Exchange(), TransferStore(tmp_path / "j.db")
    run(exchange, store, Genesis(seed=1, assets=("USDT",), instruments=()),
        CreateAccount(name="a"), Deposit(account_id=1, asset="USDT", amount=1))  # fmt: skip
    size = len(encode_state(exchange.state))
    run(exchange, store, *[Deposit(account_id=1, asset="USDT", amount=1)] * 500)
    # a few integers widen (sequence, times, the total); a ledger would add ~40 bytes a deposit
    assert len(encode_state(exchange.state)) <= size + 16
    assert len(store.transfers(1)) == 501
    store.close()
