"""A fresh exchange's first commands: genesis, clock, first prices, the delivery of configured
quarterlies whose date has already passed (so a fresh exchange opens with its current quarter
listed, whatever the date), the configured accounts and fault rules.

Run once, when recovery finds an empty journal. Everything goes through the sequencer, so the
seed is journaled like any other command and a replay from empty recreates it.
"""

from binance_sandbox.admin.faults import parse_rule
from binance_sandbox.admin.operations import AdminOperations, CreatedKey
from binance_sandbox.config.model import SandboxConfig
from binance_sandbox.core import delivery
from binance_sandbox.core.commands import AddFaults, DeliverContracts, Genesis, SetClock
from binance_sandbox.sequencer.sequencer import Sequencer
from binance_sandbox.simulators.clock import ExchangeClock
from binance_sandbox.simulators.timers import PriceTicker


async def seed_exchange(
    config: SandboxConfig,
    sequencer: Sequencer,
    clock: ExchangeClock,
    ticker: PriceTicker,
    operations: AdminOperations,
) -> list[CreatedKey]:
    """Seeds a fresh exchange; returns the keys it created (private keys are shown only now)."""
    genesis = Genesis(
        seed=config.exchange.seed,
        assets=tuple(config.exchange.assets),
        instruments=tuple(config.instruments.values()),
    )
    start = clock.now_ms()
    await sequencer.submit(genesis, at=start)
    await sequencer.submit(
        SetClock(mode=clock.mode, speed_milli=clock.speed_milli, paused=clock.paused), at=start
    )
    ticker.begin(sequencer.exchange.state)
    await sequencer.submit_many([(start, command) for command in ticker.fire(start)])
    while delivery.next_due(sequencer.exchange.state, start - 1) <= start:  # each roll lists
        await sequencer.submit(DeliverContracts(), at=start)  # the next quarter, maybe past too
    created = await _seed_accounts(config, operations)
    if config.faults:
        rules = tuple(parse_rule(item, operations, start) for item in config.faults)
        await operations.submit(AddFaults(rules=rules))
    return created


async def _seed_accounts(config: SandboxConfig, operations: AdminOperations) -> list[CreatedKey]:
    created: list[CreatedKey] = []
    for name, spec in config.accounts.items():
        account = await operations.create_account(name)
        for asset, amount in spec.balances.items():
            await operations.transfer(account.account_id, asset, amount, "seed", deposit=True)
        for asset, amount in spec.coinm_balances.items():
            await operations.transfer(
                account.account_id, asset, amount, "seed", deposit=True, product="coinm"
            )
        for key in spec.keys:
            created.append(
                await operations.create_key(
                    account.account_id,
                    key.type,
                    public_key=key.public_key,
                    read_only=key.read_only,
                    enable_futures=key.enable_futures,
                    label=key.label,
                )
            )
    return created
