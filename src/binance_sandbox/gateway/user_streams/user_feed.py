"""The user-data streams' source: each applied command's account events, pushed at once to
every connection listening on a listenKey of that account.

A listenKey is a stream name (`/ws/<listenKey>`, SUBSCRIBE, `/stream?streams=<listenKey>`); the
hub fans a message out to its connections. The sequencer calls `on_applied` once a command is
applied; a client command is journaled by then and its messages go out at once, with no timer
in between. A timer command (an order timer, an agent's order filling a client's) may be
applied ahead of the journal: its messages, made from the state it left, wait until it is
journaled (`Sequencer.journaled`), and a later client command's release them first. So nothing
is pushed that a restart could lose, and messages keep the order of the commands. Keys lapse on the
exchange clock: checked at every command's stamp (a manual advance is one) and once a second
of wall time for the clocks that run by themselves; each lapsed key's connections get
`listenKeyExpired` (its `E` a string, as Binance documents it) and nothing more. A restored
state (reset, restore, import) ends every key: its accounts are not the keys' accounts.
"""

import asyncio
import logging

from binance_sandbox.core.commands import Stamped
from binance_sandbox.core.events import StateReplaced
from binance_sandbox.gateway.context import Services
from binance_sandbox.gateway.streams.hub import Hub
from binance_sandbox.gateway.streams.names import Stream, parse_stream
from binance_sandbox.gateway.user_streams.account_events import Message, user_messages
from binance_sandbox.gateway.user_streams.listen_keys import ListenKey
from binance_sandbox.gateway.user_streams.product_routing import for_product
from binance_sandbox.sequencer.sequencer import Applied

log = logging.getLogger(__name__)
_EXPIRY_WAKE_S = 1.0


class UserFeed:
    def __init__(self, hub: Hub, services: Services) -> None:
        self._hub = hub
        self._services = services
        self._keys = services.listen_keys
        self._keys.on_expired(self._expired)
        self._held: list[tuple[int, list[Message]]] = []  # applied ahead, not journaled yet
        self._release: asyncio.Task[None] | None = None

    def stream_named(self, name: str) -> Stream | None:
        """A market stream's name or an active listenKey (a connection's stream names)."""
        stream = parse_stream(name)
        if stream is not None:
            return stream
        account_id = self._keys.account_of(name)
        return Stream(name, "userData", str(account_id)) if account_id is not None else None

    def on_applied(self, stamped: Stamped, applied: Applied) -> None:
        try:
            self._publish(stamped, applied)
        except Exception:  # a payload bug must not stop the sequencer
            log.exception("user-data messages of seq %d were not pushed", stamped.seq)

    def _publish(self, stamped: Stamped, applied: Applied) -> None:
        keys = self._keys
        if any(isinstance(event, StateReplaced) for event in applied.events):
            keys.forget()
        keys.expire(stamped.ts)
        if not keys.active():
            return
        state = self._services.exchange.state

        def wanted(account_id: int) -> bool:
            return bool(keys.of_account(account_id))

        messages = user_messages(state, stamped.ts, applied.events, wanted)
        if self._services.sequencer.applied_ahead(stamped.seq):
            if messages:
                self._held.append((stamped.seq, messages))
                if self._release is None:
                    self._release = asyncio.get_running_loop().create_task(self._when_journaled())
            return
        self._send_held(stamped.seq)  # journaled with this command
        self._send(messages)

    def _send(self, messages: list[Message]) -> None:
        """Each message to the account's keys of its product, in that product's shape (the
        state is read now: held messages are made and sent in order, before any later
        command's, and what they read of it, instruments and aliases, does not change)."""
        state = self._services.exchange.state
        for account_id, payload in messages:
            for key in self._keys.listening(account_id):
                shaped = for_product(state, account_id, payload, key.product)
                if shaped is not None:
                    self._hub.publish(key.key, shaped)

    def _send_held(self, seq: int) -> None:
        """Sends the held messages of commands up to `seq` (journaled now)."""
        while self._held and self._held[0][0] <= seq:
            self._send(self._held.pop(0)[1])

    async def _when_journaled(self) -> None:
        try:
            while self._held:
                seq = self._held[-1][0]
                await self._services.sequencer.journaled(seq)
                self._send_held(seq)
        except Exception:  # the sequencer died: the server stops, nothing more to send
            log.exception("held user-data messages were not pushed")
        finally:
            self._release = None

    def _expired(self, key: ListenKey) -> None:
        payload = {"e": "listenKeyExpired", "E": str(key.expires), "listenKey": key.key}
        self._hub.publish(key.key, payload)

    async def run(self) -> None:
        """Lapses keys while no command arrives (a running clock moves without commands)."""
        while True:
            try:
                self._keys.expire(self._services.clock.now_ms())
            except Exception:
                log.exception("listenKey expiry failed")
            await asyncio.sleep(_EXPIRY_WAKE_S)
