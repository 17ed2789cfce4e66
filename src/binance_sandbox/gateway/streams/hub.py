"""Who listens to which stream, and publishing: each message is encoded once per stream (and
wrapped once for the combined connections), then appended to every subscriber's queue; its
WebSocket frame is made once too (`frames.Outgoing`).

A stream fault rule (`stream_faults.py`) may hold an event back (`stream_delay`: later events of
that stream wait behind it, so the stream keeps its order) or send it twice
(`stream_duplicate`)."""

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from binance_sandbox.control.faults import Hit
from binance_sandbox.gateway.streams.frames import Outgoing
from binance_sandbox.gateway.streams.names import Stream
from binance_sandbox.gateway.streams.session import Session

# Told when a stream gains its first subscriber (True) or loses its last (False).
Watcher = Callable[[Stream, bool], None]


class Hub:
    def __init__(self, faults: Callable[[Stream], Hit | None] = lambda _stream: None) -> None:
        self._subscribers: dict[str, dict[Session, None]] = {}
        self._streams: dict[str, Stream] = {}
        self._watchers: list[Watcher] = []
        self._sessions: dict[Session, None] = {}  # every open connection's
        self._faults = faults
        self._held_until: dict[str, float] = {}  # a delayed stream's last delivery (loop time)

    def watch(self, watcher: Watcher) -> None:
        self._watchers.append(watcher)

    def streams(self) -> Iterable[Stream]:
        """The streams someone listens to."""
        return self._streams.values()

    def listened(self, name: str) -> bool:
        return name in self._subscribers

    def attach(self, session: Session) -> None:
        self._sessions[session] = None

    def listeners(self) -> dict[str, int]:
        """How many connections listen to each stream."""
        return {name: len(sessions) for name, sessions in self._subscribers.items()}

    def sessions(self, name: str | None = None) -> list[Session]:
        """The connections listening to stream `name`, or every open connection."""
        return list(self._sessions if name is None else self._subscribers.get(name, ()))

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
        self._sessions.pop(session, None)

    def publish(self, name: str, payload: Any) -> None:
        if name not in self._subscribers:
            return
        text = orjson.dumps(payload).decode()
        hit = self._faults(self._streams[name])
        copies = 2 if hit is not None and hit.rule.kind == "stream_duplicate" else 1
        delay = hit.delay_ms / 1000 if hit is not None and hit.rule.kind == "stream_delay" else 0
        held = self._held_until.get(name)
        if delay or held is not None:
            loop = asyncio.get_running_loop()
            at = max(loop.time() + delay, held or 0.0)
            if at > loop.time():
                self._held_until[name] = at
                loop.call_at(at, self._deliver, name, text, copies, at)
                return
            del self._held_until[name]
        self._deliver(name, text, copies)

    def _deliver(self, name: str, text: str, copies: int, held: float | None = None) -> None:
        if held is not None and self._held_until.get(name) == held:
            del self._held_until[name]  # the last event held back is out
        sessions = self._subscribers.get(name)
        if not sessions:
            return
        raw = Outgoing(text)
        wrapped: Outgoing | None = None
        for session in list(sessions):
            if session.combined:
                if wrapped is None:
                    wrapped = Outgoing(f'{{"stream":{orjson.dumps(name).decode()},"data":{text}}}')
                message = wrapped
            else:
                message = raw
            for _ in range(copies):
                session.push(message)
