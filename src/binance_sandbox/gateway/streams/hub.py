"""Who listens to which stream, and publishing: each message is encoded once per stream (and
wrapped once for the combined connections), then appended to every subscriber's queue; its
WebSocket frame is made once too (`frames.Outgoing`)."""

from collections.abc import Callable, Iterable
from typing import Any

import orjson

from binance_sandbox.gateway.streams.frames import Outgoing
from binance_sandbox.gateway.streams.names import Stream
from binance_sandbox.gateway.streams.session import Session

# Told when a stream gains its first subscriber (True) or loses its last (False).
Watcher = Callable[[Stream, bool], None]


class Hub:
    def __init__(self) -> None:
        self._subscribers: dict[str, dict[Session, None]] = {}
        self._streams: dict[str, Stream] = {}
        self._watchers: list[Watcher] = []

    def watch(self, watcher: Watcher) -> None:
        self._watchers.append(watcher)

    def streams(self) -> Iterable[Stream]:
        """The streams someone listens to."""
        return self._streams.values()

    def listened(self, name: str) -> bool:
        return name in self._subscribers

    def subscribe(self, session: Session, stream: Stream) -> None:
        sessions = self._subscribers.setdefault(stream.name, {})
        if session in sessions:
            return  # subscribing twice is subscribing once
        session.streams[stream.name] = None
        sessions[session] = None
        if len(sessions) == 1:
            self._streams[stream.name] = stream
            for watcher in self._watchers:
                watcher(stream, True)

    def unsubscribe(self, session: Session, name: str) -> None:
        session.streams.pop(name, None)
        sessions = self._subscribers.get(name)
        if sessions is None or session not in sessions:
            return
        del sessions[session]
        if not sessions:
            del self._subscribers[name]
            stream = self._streams.pop(name)
            for watcher in self._watchers:
                watcher(stream, False)

    def drop(self, session: Session) -> None:
        for name in list(session.streams):
            self.unsubscribe(session, name)

    def publish(self, name: str, payload: Any) -> None:
        sessions = self._subscribers.get(name)
        if not sessions:
            return
        text = orjson.dumps(payload).decode()
        raw = Outgoing(text)
        wrapped: Outgoing | None = None
        for session in list(sessions):
            if session.combined:
                if wrapped is None:
                    wrapped = Outgoing(f'{{"stream":{orjson.dumps(name).decode()},"data":{text}}}')
                session.push(wrapped)
            else:
                session.push(raw)
