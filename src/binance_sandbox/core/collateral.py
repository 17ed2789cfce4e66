"""Collateral in Multi-Assets mode: the account's assets form one cross margin pool, each valued
in USD at its index less Binance's haircut (a debt at the index plus the same buffer), as
`GET /fapi/v1/assetIndex` publishes them (bidRate = index x (1 - bidBuffer), askRate = index x
(1 + askBuffer)).

Haircuts: Binance's FAQ "What Is Multi-Assets Mode" (2021-05-28), collateral value ratios BTC,
ETH, BNB 95 %; XRP, SOL 90 %; USDT, USDC 99.99 %. Other assets are not collateral. The USD
index of USDT and USDC is 1 (the sandbox has no stablecoin feed); of the others, their USDT
pair's index. In Single-Asset mode each margin asset stands alone (`margin.AssetRisk`).
"""

from binance_sandbox.core.accounts import Account
from binance_sandbox.core.fixed import AMOUNT_SCALE
from binance_sandbox.core.instruments import Product
from binance_sandbox.core.margin import AccountRisk
from binance_sandbox.core.state import ExchangeState

# haircut (bid and ask buffer) per asset, at 8 decimals
HAIRCUTS = {
    "USDT": 10_000,
    "USDC": 10_000,
    "BTC": 5_000_000,
    "ETH": 5_000_000,
    "BNB": 5_000_000,
    "SOL": 10_000_000,
    "XRP": 10_000_000,
}
STABLE = frozenset({"USDT", "USDC"})


def index_pair(asset: str) -> str | None:
    """The pair whose index values a collateral asset; None for stablecoins and non-collateral."""
    return f"{asset}USDT" if asset in HAIRCUTS and asset not in STABLE else None


def usd_index(state: ExchangeState, asset: str) -> int | None:
    """The asset's USD index at 8 decimals; None when it is not collateral or has no index."""
    if asset not in HAIRCUTS:
        return None
    pair = index_pair(asset)
    return AMOUNT_SCALE if pair is None else state.index_prices.get(pair)


def rates(index: int, asset: str) -> tuple[int, int]:
    """bidRate and askRate at 8 decimals."""
    buffer = HAIRCUTS[asset]
    bid = index * (AMOUNT_SCALE - buffer) // AMOUNT_SCALE
    ask = index * (AMOUNT_SCALE + buffer) // AMOUNT_SCALE
    return bid, ask


def usd_value(state: ExchangeState, asset: str, amount: int) -> int:
    """An amount of the asset in USD: a holding at the bid rate, a debt at the ask rate."""
    index = usd_index(state, asset)
    if index is None:
        return 0 if amount >= 0 else amount  # not collateral: a debt still counts in full
    bid, ask = rates(index, asset)
    value: int = amount * (bid if amount >= 0 else ask) // AMOUNT_SCALE
    return value


def pool_value(state: ExchangeState, account: Account) -> int:
    """The Multi-Assets pool's wallets in USD, each at its haircut (no PnL, no margin held)."""
    held = sorted(account.balances.items())
    return sum(usd_value(state, asset, amount) for asset, amount in held)


def in_asset(state: ExchangeState, asset: str, value: int) -> int:
    """A USD value of the pool in a collateral asset, at its ask rate (what a debt of it costs);
    a negative value stays as it is when the asset is not collateral."""
    index = usd_index(state, asset)
    if index is None:
        return min(value, 0)
    converted: int = value * AMOUNT_SCALE // rates(index, asset)[1]
    return converted


def free(
    state: ExchangeState, account: Account, risk: AccountRisk, asset: str, product: Product = "usdm"
) -> int:
    """What a new order or a withdrawal of `asset` may still use, in that asset: its own
    available balance in Single-Asset mode and in the COIN-M wallet, the pool's (converted at
    the ask rate) in Multi-Assets mode, which pools the USDⓈ-M wallet only."""
    if not account.multi_assets or product == "coinm":
        return risk.asset(asset, account, product).free
    assets = sorted(set(account.balances) | set(risk.assets))
    pool = sum(usd_value(state, name, risk.asset(name, account).free) for name in assets)
    return in_asset(state, asset, pool)


def max_withdraw(
    state: ExchangeState, account: Account, risk: AccountRisk, asset: str, product: Product = "usdm"
) -> int:
    """What may leave: the asset's own maxWithdrawAmount, and in Multi-Assets mode no more of
    a collateral asset of the USDⓈ-M wallet than the pool can spare."""
    own = risk.asset(asset, account, product).max_withdraw
    if not account.multi_assets or product == "coinm" or usd_index(state, asset) is None:
        return own
    return min(own, max(0, free(state, account, risk, asset)))


def available(
    state: ExchangeState, account: Account, risk: AccountRisk, asset: str, product: Product = "usdm"
) -> tuple[int, int]:
    """availableBalance and maxWithdrawAmount of an asset as the account endpoints print them:
    its own in Single-Asset mode and in the COIN-M wallet, the pool's share in Multi-Assets
    mode."""
    if not account.multi_assets or product == "coinm":
        row = risk.asset(asset, account, product)
        return row.available, row.max_withdraw
    usable = free(state, account, risk, asset)
    return max(0, usable), max_withdraw(state, account, risk, asset)
