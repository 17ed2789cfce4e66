"""Accounts, API keys and transfers in and out of wallets."""

from binance_sandbox.core import collateral, margin, rejects
from binance_sandbox.core.accounts import Account, ApiKey
from binance_sandbox.core.commands import (
    CreateAccount,
    CreateApiKey,
    Deposit,
    SetFeeBurn,
    SetTradeGroup,
    Withdraw,
)
from binance_sandbox.core.events import (
    AccountCreated,
    ApiKeyCreated,
    BalanceChanged,
    Event,
    FeeBurnChanged,
    Rejected,
    TradeGroupChanged,
)
from binance_sandbox.core.fixed import MAX_BALANCE
from binance_sandbox.core.key_derivation import derive_token
from binance_sandbox.core.state import ApiKeyRecord, ExchangeState


def create_account(state: ExchangeState, ts: int, cmd: CreateAccount) -> list[Event]:
    name = cmd.name.strip()
    if not name:
        return [rejects.malformed("name")]
    if any(account.name == name for account in state.accounts):
        return [rejects.duplicate_account(name)]
    account_id = len(state.accounts) + 1
    state.accounts.append(Account(account_id=account_id, name=name, created=ts))
    return [AccountCreated(account_id=account_id, name=name)]


def create_api_key(state: ExchangeState, seq: int, ts: int, cmd: CreateApiKey) -> list[Event]:
    account = state.account(cmd.account_id)
    if account is None:
        return [rejects.unknown_account(cmd.account_id)]
    if cmd.key_type == "HMAC":
        secret = derive_token(state.seed, seq, "secret")
    elif cmd.public_key.strip():
        secret = cmd.public_key.strip()
    else:
        return [rejects.malformed("publicKey")]
    api_key = derive_token(state.seed, seq, "api-key")
    key = ApiKey(
        api_key=api_key,
        key_type=cmd.key_type,
        secret=secret,
        can_trade=cmd.can_trade and not cmd.read_only,
        read_only=cmd.read_only,
        label=cmd.label,
        created=ts,
    )
    state.api_keys[api_key] = ApiKeyRecord(account_id=account.account_id, key=key)
    account.api_keys.append(api_key)
    return [
        ApiKeyCreated(
            account_id=account.account_id,
            api_key=api_key,
            key_type=cmd.key_type,
            secret=secret if cmd.key_type == "HMAC" else "",
            can_trade=key.can_trade,
            read_only=key.read_only,
        )
    ]


def set_fee_burn(state: ExchangeState, cmd: SetFeeBurn) -> list[Event]:
    account = state.account(cmd.account_id)
    if account is None:
        return [rejects.unknown_account(cmd.account_id)]
    account.fee_burn = cmd.on
    return [FeeBurnChanged(account_id=cmd.account_id, on=cmd.on)]


def set_trade_group(state: ExchangeState, cmd: SetTradeGroup) -> list[Event]:
    """Orders placed from now on carry the new self-trade prevention scope."""
    account = state.account(cmd.account_id)
    if account is None:
        return [rejects.unknown_account(cmd.account_id)]
    if cmd.trade_group_id < -1:
        return [rejects.malformed("tradeGroupId")]
    account.trade_group_id = cmd.trade_group_id
    return [TradeGroupChanged(account_id=cmd.account_id, trade_group_id=cmd.trade_group_id)]


def deposit(state: ExchangeState, seq: int, ts: int, cmd: Deposit) -> list[Event]:
    return _transfer(state, seq, ts, cmd.account_id, cmd.asset, cmd.amount, cmd.client_tran_id)


def withdraw(state: ExchangeState, seq: int, ts: int, cmd: Withdraw) -> list[Event]:
    return _transfer(state, seq, ts, cmd.account_id, cmd.asset, -cmd.amount, cmd.client_tran_id)


def _transfer(
    state: ExchangeState,
    seq: int,
    ts: int,
    account_id: int,
    asset: str,
    delta: int,
    client_tran_id: str,
) -> list[Event]:
    refusal = _refuse_transfer(state, account_id, asset, delta)
    if refusal is not None:
        return [refusal]
    account = state.accounts[account_id - 1]
    balance = account.balance(asset) + delta
    account.balances[asset] = balance
    account.balance_times[asset] = ts
    account.transferred[asset] = account.transferred.get(asset, 0) + delta
    reason = "DEPOSIT" if delta > 0 else "WITHDRAW"
    return [
        BalanceChanged(
            account_id=account_id,
            asset=asset,
            delta=delta,
            balance=balance,
            reason=reason,
            tran_id=seq,
            client_tran_id=client_tran_id,
        )
    ]


def _refuse_transfer(
    state: ExchangeState, account_id: int, asset: str, delta: int
) -> Rejected | None:
    account = state.account(account_id)
    if account is None:
        return rejects.unknown_account(account_id)
    if asset not in state.assets:
        return rejects.unknown_asset(asset)
    if delta == 0:
        return rejects.malformed("amount")
    balance = account.balance(asset) + delta
    if balance < 0 or (delta < 0 and -delta > _max_withdraw(state, account, asset)):
        return rejects.BALANCE_NOT_SUFFICIENT
    if balance > MAX_BALANCE:
        return rejects.balance_too_large(asset)
    return None


def _max_withdraw(state: ExchangeState, account: Account, asset: str) -> int:
    """What may leave the account: margin in use and unrealized profit stay (maxWithdrawAmount)."""
    return collateral.max_withdraw(state, account, margin.account_risk(state, account), asset)
