"""Accounts, API keys and transfers in and out of wallets."""

from binance_sandbox.core import collateral, margin, rejects
from binance_sandbox.core.accounts import Account, ApiKey, wallet_of
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
from binance_sandbox.core.instruments import Product
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
    return _transfer(state, seq, ts, cmd, cmd.amount)


def withdraw(state: ExchangeState, seq: int, ts: int, cmd: Withdraw) -> list[Event]:
    return _transfer(state, seq, ts, cmd, -cmd.amount)


def _transfer(
    state: ExchangeState, seq: int, ts: int, cmd: Deposit | Withdraw, delta: int
) -> list[Event]:
    account_id, asset, product = cmd.account_id, cmd.asset, cmd.product
    refusal = _refuse_transfer(state, account_id, asset, delta, product)
    if refusal is not None:
        return [refusal]
    wallet = wallet_of(state.accounts[account_id - 1], product)
    balance = wallet.balance(asset) + delta
    wallet.balances[asset] = balance
    wallet.balance_times[asset] = ts
    wallet.transferred[asset] = wallet.transferred.get(asset, 0) + delta
    reason = "DEPOSIT" if delta > 0 else "WITHDRAW"
    return [
        BalanceChanged(
            account_id=account_id,
            asset=asset,
            delta=delta,
            balance=balance,
            reason=reason,
            tran_id=seq,
            client_tran_id=cmd.client_tran_id,
            product=product,
        )
    ]


def _refuse_transfer(
    state: ExchangeState, account_id: int, asset: str, delta: int, product: Product
) -> Rejected | None:
    account = state.account(account_id)
    if account is None:
        return rejects.unknown_account(account_id)
    if asset not in state.assets:
        return rejects.unknown_asset(asset)
    if delta == 0:
        return rejects.malformed("amount")
    balance = wallet_of(account, product).balance(asset) + delta
    if balance < 0 or (delta < 0 and -delta > _max_withdraw(state, account, asset, product)):
        return rejects.BALANCE_NOT_SUFFICIENT
    if balance > MAX_BALANCE:
        return rejects.balance_too_large(asset)
    return None


def _max_withdraw(state: ExchangeState, account: Account, asset: str, product: Product) -> int:
    """What may leave the wallet: margin in use and unrealized profit stay (maxWithdrawAmount)."""
    risk = margin.account_risk(state, account)
    return collateral.max_withdraw(state, account, risk, asset, product)
