"""The user-data streams' source: each applied command's account events, pushed at once to
every connection listening on a listenKey of that account.

A listenKey is a stream name (`/ws/<listenKey>`, SUBSCRIBE, `/stream?streams=<listenKey>`); the
hub fans a message out to its connections. The sequencer calls `on_applied` after the command
is journaled and applied, so nothing is pushed that a restart could lose, and in the order the
commands were applied; there is no timer between the command and the push. Keys lapse on the
exchange clock: checked at every command's stamp (a manual advance is one) and once a second
of wall time for the clocks that run by themselves; each lapsed key's connections get
`listenKeyExpired` (its `E` a string, as Binance documents it) and nothing more.
"""

import asyncio
import logging

from binance_sandbox.core.commands import Stamped
from binance_sandbox.gateway.context import Services
from binance_sandbox.gateway.streams.hub import Hub
from binance_sandbox.gateway.streams.names import Stream, parse_stream
from binance_sandbox.gateway.user_streams.account_events import user_messages
from binance_sandbox.gateway.user_streams.listen_keys import ListenKey
from binance_sandbox.sequencer.sequencer import Applied

log = logging.getLogger(__name__)
_EXPIRY_WAKE_S = 1.0


class UserFeed:
    def __init__(self, hub: Hub, services: Services) -> None:
        self._hub = hub
        self._services = services
        self._keys = services.listen_keys
        self._keys.on_expired(self._expired)

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
        keys.expire(stamped.ts)
        if not keys.active():
            return
        state = self._services.exchange.state

        def wanted(account_id: int) -> bool:
            return bool(keys.of_account(account_id))

        for account_id, payload in user_messages(state, stamped.ts, applied.events, wanted):
            for key in keys.of_account(account_id):
                self._hub.publish(key, payload)

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
