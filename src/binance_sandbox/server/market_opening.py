"""Opening the live market at start-up: the agents' accounts, the first quotes, the first trades.

The agents' accounts are made (and funded) the first time the agents run on an exchange, also
on one that was created without them. Before the server answers anyone, the makers quote
every symbol; and when the takers' account was just made, the noise takers trade once on each,
so a client's first MARKET order fills and the first 1-minute kline already has a trade. A
restart does not trade: it continues the market where it stopped.
"""

from binance_sandbox.admin.operations import AdminOperations
from binance_sandbox.config.model import AgentsConfig
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
    if sequencer.exchange.state.simulation.agents_paused:
        return
    await sequencer.submit_many([(now_ms, command) for command in agents.requote_all()])
    if config.taker.enabled and first_opening:
        trades = agents.take(now_ms, agents.symbols)
        await sequencer.submit_many([(now_ms, command) for command in trades])
