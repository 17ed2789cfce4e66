"""Opening the live market at start-up: the agents' accounts, the first quotes, the first trades.

The agents' accounts are made (and funded) the first time the agents run on an exchange, also
on one that was created without them. Their COIN-M wallets get each listed COIN-M margin coin
worth their configured balance at its index, the first time the agents find it missing there
(so an exchange made before the agents quoted COIN-M gets them on its next start).

Before the server answers anyone, the makers quote every symbol; and when the takers' account
was just made, the noise takers trade once on each, so a client's first MARKET order fills and
the first 1-minute kline already has a trade. A restart does not trade: it continues the
market where it stopped.
"""

from binance_sandbox.admin.operations import AdminOperations, parse_amount
from binance_sandbox.config.model import AgentsConfig
from binance_sandbox.core.fixed import AMOUNT_DECIMALS, format_scaled
from binance_sandbox.sequencer.sequencer import Sequencer
from binance_sandbox.simulators.agents.liquidity import LiquidityAgents


async def open_market(
    config: AgentsConfig,
    agents: LiquidityAgents,
    sequencer: Sequencer,
    operations: AdminOperations,
    now_ms: int,
) -> None:
    accounts = [(config.maker.account, config.maker.balance)]
    if config.taker.enabled:
        accounts.append((config.taker.account, config.taker.balance))
    known = {account.name for account in sequencer.exchange.state.accounts}
    first_opening = config.taker.account not in known
    for name, balance in accounts:
        if name not in known:
            account = await operations.create_account(name)
            await operations.transfer(account.account_id, "USDT", balance, "seed", deposit=True)
        await _fund_coins(sequencer, operations, name, balance)
    if sequencer.exchange.state.simulation.agents_paused:
        return
    await sequencer.submit_many([(now_ms, command) for command in agents.requote_all()])
    if config.taker.enabled and first_opening:
        trades = agents.take(now_ms, agents.symbols)
        await sequencer.submit_many([(now_ms, command) for command in trades])


async def _fund_coins(
    sequencer: Sequencer, operations: AdminOperations, name: str, balance: str
) -> None:
    """Each listed COIN-M margin coin the account's COIN-M wallet lacks, `balance` USD of it at
    its index (a coin without an index yet is left for the next start)."""
    state = sequencer.exchange.state
    account = next(a for a in state.accounts if a.name == name)
    coins = {i.margin_asset: i.pair for i in state.instruments.values() if i.product == "coinm"}
    for coin, pair in sorted(coins.items()):
        index = state.index_prices.get(pair)
        if coin in account.coinm.balances or not index:
            continue
        amount = format_scaled(
            parse_amount(balance) * 10**AMOUNT_DECIMALS // index, AMOUNT_DECIMALS
        )
        await operations.transfer(account.account_id, coin, amount, "seed", deposit=True,
                                  product="coinm")  # fmt: skip
