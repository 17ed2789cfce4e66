"""The pure core: wallets, keys, ordering invariants, and conservation of money.

Hypothesis drives random command sequences; at every step each balance equals the sum of
that account's ledger, no balance is negative, and a replay of the same stamped commands on a
fresh exchange gives the same events and the same state hash.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from binance_sandbox.core.commands import (
    Command,
    CreateAccount,
    CreateApiKey,
    Deposit,
    Genesis,
    SetIndexPrices,
    Stamped,
    Withdraw,
)
from binance_sandbox.core.events import ApiKeyCreated, BalanceChanged, Rejected
from binance_sandbox.core.exchange import Exchange, SequenceError
from binance_sandbox.core.state_hash import decode_state, encode_state, state_hash

ASSETS = ("USDT", "BTC")
GENESIS = Genesis(seed=3, assets=ASSETS, instruments=())


def run(commands: list[Command], start_ts: int = 1_000) -> tuple[Exchange, list[list[object]]]:
    exchange = Exchange()
    results: list[list[object]] = []
    for seq, command in enumerate(commands, 1):
        results.append(list(exchange.apply(Stamped(seq, start_ts + seq, command))))
    return exchange, results


def test_deposit_and_withdraw_move_the_balance_and_the_ledger() -> None:
    exchange, results = run(
        [
            GENESIS,
            CreateAccount(name="a"),
            Deposit(account_id=1, asset="USDT", amount=500, client_tran_id="x"),
            Withdraw(account_id=1, asset="USDT", amount=200),
            Withdraw(account_id=1, asset="USDT", amount=301),
        ]
    )
    account = exchange.state.accounts[0]
    assert account.balances == {"USDT": 300}
    assert account.transferred == {"USDT": 300}
    assert results[2] == [
        BalanceChanged(
            account_id=1,
            asset="USDT",
            delta=500,
            balance=500,
            reason="DEPOSIT",
            tran_id=3,
            client_tran_id="x",
        )
    ]
    assert results[4] == [Rejected(code=-2018, msg="Balance is insufficient.")]


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (Deposit(account_id=9, asset="USDT", amount=1), -9001),
        (Deposit(account_id=1, asset="DOGE", amount=1), -9002),
        (Deposit(account_id=1, asset="USDT", amount=0), -1102),
        (CreateAccount(name="a"), -9003),
        (CreateAccount(name="  "), -1102),
        (CreateApiKey(account_id=1, key_type="RSA"), -1102),
        (CreateApiKey(account_id=2, key_type="HMAC"), -9001),
        (SetIndexPrices(prices={"NOPE": 1}, source="admin"), -1121),
        (GENESIS, -9005),
    ],
)
def test_refusals_are_values_with_binance_style_codes(command: Command, code: int) -> None:
    _, results = run([GENESIS, CreateAccount(name="a"), command])
    [event] = results[-1]
    assert isinstance(event, Rejected)
    assert event.code == code


def test_nothing_but_genesis_is_accepted_first() -> None:
    _, results = run([CreateAccount(name="a")])
    assert results == [[Rejected(code=-9004, msg="The exchange has no genesis yet.")]]


def test_keys_derive_from_seed_and_sequence() -> None:
    commands: list[Command] = [
        GENESIS,
        CreateAccount(name="a"),
        CreateApiKey(account_id=1, key_type="HMAC"),
    ]
    _, first = run(commands)
    _, again = run(commands)
    _, other_seed = run([Genesis(seed=4, assets=ASSETS, instruments=()), *commands[1:]])
    [key] = first[-1]
    assert isinstance(key, ApiKeyCreated)
    assert len(key.api_key) == 64
    assert key.api_key.isalnum()
    assert len(key.secret) == 64
    assert key.secret != key.api_key
    assert first == again
    assert first[-1] != other_seed[-1]


def test_a_read_only_key_cannot_trade() -> None:
    exchange, _ = run(
        [
            GENESIS,
            CreateAccount(name="a"),
            CreateApiKey(account_id=1, key_type="HMAC", read_only=True, can_trade=True),
        ]
    )
    [record] = exchange.state.api_keys.values()
    assert record.key.read_only
    assert not record.key.can_trade


def test_sequence_and_time_violations_are_bugs_not_rejections() -> None:
    exchange = Exchange()
    exchange.apply(Stamped(1, 100, GENESIS))
    with pytest.raises(SequenceError):
        exchange.apply(Stamped(3, 100, CreateAccount(name="a")))
    with pytest.raises(SequenceError):
        exchange.apply(Stamped(2, 99, CreateAccount(name="a")))


amounts = st.integers(min_value=0, max_value=10**14)
account_ids = st.integers(min_value=1, max_value=4)
asset_names = st.sampled_from([*ASSETS, "ETH"])
commands = st.one_of(
    st.builds(CreateAccount, name=st.sampled_from(["a", "b", "c", "d", "a"])),
    st.builds(Deposit, account_id=account_ids, asset=asset_names, amount=amounts),
    st.builds(Withdraw, account_id=account_ids, asset=asset_names, amount=amounts),
    st.builds(CreateApiKey, account_id=account_ids, key_type=st.just("HMAC")),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(commands, max_size=60), st.lists(st.integers(0, 5), min_size=60, max_size=60))
def test_money_is_conserved_and_replay_is_identical(script: list[Command], gaps: list[int]) -> None:
    exchange = Exchange()
    stamped = []
    ts = 0
    for seq, command in enumerate([GENESIS, *script], 1):
        ts += gaps[seq % len(gaps)]
        stamped.append(Stamped(seq, ts, command))
    events = [exchange.apply(s) for s in stamped]

    for account in exchange.state.accounts:
        for asset, balance in account.balances.items():
            assert balance >= 0
            assert balance == account.transferred[asset]
    deposited = sum(
        c.amount
        for c, e in zip(script, events[1:], strict=True)
        if isinstance(c, Deposit) and not isinstance(e[0], Rejected)
    )
    withdrawn = sum(
        c.amount
        for c, e in zip(script, events[1:], strict=True)
        if isinstance(c, Withdraw) and not isinstance(e[0], Rejected)
    )
    held = sum(sum(a.balances.values()) for a in exchange.state.accounts)
    assert held == deposited - withdrawn

    replay = Exchange()
    assert [replay.apply(s) for s in stamped] == events
    assert state_hash(replay.state) == state_hash(exchange.state)
    assert state_hash(decode_state(encode_state(exchange.state))) == state_hash(exchange.state)


def test_the_coinm_wallet_is_apart_from_the_usdm_one() -> None:
    exchange, results = run(
        [
            GENESIS,
            CreateAccount(name="a"),
            Deposit(account_id=1, asset="BTC", amount=300, product="coinm"),
            Deposit(account_id=1, asset="BTC", amount=50),
            Withdraw(account_id=1, asset="BTC", amount=100, product="coinm"),
            Withdraw(account_id=1, asset="BTC", amount=51),  # the USDⓈ-M wallet holds only 50
        ]
    )
    account = exchange.state.accounts[0]
    assert (account.coinm.balances, account.coinm.transferred) == ({"BTC": 200}, {"BTC": 200})
    assert (account.balances, account.transferred) == ({"BTC": 50}, {"BTC": 50})
    changed = results[4][0]
    assert isinstance(changed, BalanceChanged)
    assert (changed.product, changed.balance) == ("coinm", 200)
    assert isinstance(results[5][0], Rejected)
    replayed = decode_state(encode_state(exchange.state))
    assert replayed.accounts[0].coinm.balances == {"BTC": 200}
