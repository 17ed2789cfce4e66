"""Fault rules on stream events (`stream_delay`, `stream_duplicate`): which event a rule hits,
decided like a request's rule (`control/faults.py`: the rule's window, count and seeded share),
with the stream's name in place of the path and, for a user-data stream, its account."""

from collections.abc import Callable

from binance_sandbox.control.faults import FaultInjector, Hit, Request
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.gateway.streams.names import Stream


class StreamFaults:
    def __init__(
        self,
        injector: FaultInjector,
        exchange: Exchange,
        now_ms: Callable[[], int],
    ) -> None:
        self._injector = injector
        self._exchange = exchange
        self._now_ms = now_ms

    def hit(self, stream: Stream) -> Hit | None:
        state = self._exchange.state
        if not state.faults:
            return None
        user_data = stream.kind == "userData"
        event = Request(
            method="WS",
            path=stream.name,
            symbol="" if user_data else stream.key,
            account_id=int(stream.key) if user_data else 0,
            places_orders=False,
            now_ms=self._now_ms(),
            on_stream=True,
        )
        return self._injector.pick(state.faults, state.seed, event)
