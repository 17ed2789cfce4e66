"""Pausing, resuming and re-seeding the liquidity agents and the historical replay.

Each change is a journaled `SetSimulation`, taken under the timer lock so it falls between two
firings: a restart, or a replay of the journal, sees the switches exactly as they were.
Paused agents keep their orders on the book and stop acting; a paused replay holds the index
where it is and skips the file's trades until it resumes (the clock runs on).
"""

from typing import Any

from binance_sandbox.core.commands import SetSimulation
from binance_sandbox.core.state import SimulationState
from binance_sandbox.sequencer.sequencer import Sequencer
from binance_sandbox.simulators.agents.liquidity import LiquidityAgents
from binance_sandbox.simulators.replay.session import ReplaySession
from binance_sandbox.simulators.timers import TimerScheduler


class SimulationError(ValueError):
    """A switch of something that is not running (agents off, no replay configured)."""


class SimulationControl:
    def __init__(
        self,
        sequencer: Sequencer,
        scheduler: TimerScheduler,
        agents: LiquidityAgents | None,
        replay: ReplaySession | None,
    ) -> None:
        self._sequencer = sequencer
        self._scheduler = scheduler
        self._agents = agents
        self._replay = replay

    @property
    def switches(self) -> SimulationState:
        return self._sequencer.exchange.state.simulation

    def show(self) -> dict[str, Any]:
        state = self._sequencer.exchange.state
        switches = state.simulation
        agents: dict[str, Any] = {"enabled": self._agents is not None}
        if self._agents is not None:
            agents |= {
                "paused": switches.agents_paused,
                "seed": self._agents.seed(state),
                "symbols": self._agents.symbols,
            }
        replay: dict[str, Any] = {"configured": self._replay is not None}
        if self._replay is not None:
            window = self._replay.window
            replay |= {
                "from": window.start,
                "to": window.end,
                "active": window.contains(state.last_ts),
                "paused": switches.replay_paused,
                "indexPairs": self._replay.pairs,
                "tapeSymbols": self._replay.symbols,
            }
        return {"agents": agents, "replay": replay, "time": state.last_ts}

    async def set_agents(
        self, *, paused: bool | None = None, seed: int | None = None
    ) -> dict[str, Any]:
        if self._agents is None:
            raise SimulationError("the liquidity agents are off (agents.enabled = false)")
        if seed is not None and seed < 0:
            raise SimulationError("the seed must be a non-negative integer")
        return await self._set(agents_paused=paused, agents_seed=seed)

    async def set_replay(self, *, paused: bool) -> dict[str, Any]:
        if self._replay is None:
            raise SimulationError("no replay is configured (serve --replay FROM..TO)")
        return await self._set(replay_paused=paused)

    async def _set(
        self,
        *,
        agents_paused: bool | None = None,
        agents_seed: int | None = None,
        replay_paused: bool | None = None,
    ) -> dict[str, Any]:
        """Changes the given switches, keeps the others."""
        async with self._scheduler.lock:
            now = self.switches
            command = SetSimulation(
                agents_paused=now.agents_paused if agents_paused is None else agents_paused,
                agents_seed=now.agents_seed if agents_seed is None else agents_seed,
                replay_paused=now.replay_paused if replay_paused is None else replay_paused,
            )
            await self._sequencer.submit(command)
        self._scheduler.wake()
        return self.show()
