"""The stream machinery without a server: names, the hub's bookkeeping, bounded queues."""

import asyncio
from typing import Any

import pytest

from binance_sandbox.gateway.streams.frames import Outgoing, text_frame
from binance_sandbox.gateway.streams.hub import Hub
from binance_sandbox.gateway.streams.names import Stream, parse_stream
from binance_sandbox.gateway.streams.paths import Target, parse_target
from binance_sandbox.gateway.streams.session import Session


@pytest.mark.parametrize(
    ("name", "kind", "key", "period", "route"),
    [
        ("btcusdt@aggTrade", "aggTrade", "BTCUSDT", 0, "market"),
        ("btcusdt@trade", "trade", "BTCUSDT", 0, "public"),
        ("btcusdt@depth", "depth", "BTCUSDT", 250, "public"),
        ("btcusdt@depth@100ms", "depth", "BTCUSDT", 100, "public"),
        ("btcusdt@depth20@500ms", "partialDepth", "BTCUSDT", 500, "public"),
        ("btcusdt@markPrice", "markPrice", "BTCUSDT", 3000, "market"),
        ("btcusdt@markPrice@1s", "markPrice", "BTCUSDT", 1000, "market"),
        ("!markPrice@arr@1s", "markPriceArr", "", 1000, "market"),
        ("btcusdt@kline_1M", "kline", "BTCUSDT", 250, "market"),
        ("btcusdt_next_quarter@continuousKline_1h", "continuousKline", "BTCUSDT", 250, "market"),
        ("!bookTicker", "bookTickerAll", "", 5000, "public"),
        ("!ticker@arr", "tickerArr", "", 1000, "market"),
        ("btcusdt@forceOrder", "forceOrder", "BTCUSDT", 1000, "market"),  # a 1000 ms snapshot
    ],
)
def test_stream_names(name: str, kind: str, key: str, period: int, route: str) -> None:
    stream = parse_stream(name)
    assert stream is not None
    assert (stream.kind, stream.key, stream.period_ms, stream.route) == (kind, key, period, route)


@pytest.mark.parametrize(
    "name", ["BTCUSDT@aggTrade", "btcusdt@kline_7m", "btcusdt@depth15", "btcusdt@depth@250ms",
             "btcusdt@aggtrade", "btcusdt", ""],
)  # fmt: skip
def test_not_stream_names(name: str) -> None:
    assert parse_stream(name) is None


def test_paths() -> None:
    assert parse_target("/ws", b"") == Target("", False, ())
    assert parse_target("/ws/a@aggTrade/b@depth", b"") == Target(
        "", False, ("a@aggTrade", "b@depth")
    )
    assert parse_target("/market/stream", b"streams=a@aggTrade/b@depth") == Target(
        "market", True, ("a@aggTrade", "b@depth")
    )
    assert parse_target("/public/ws", b"") == Target("public", False, ())
    assert parse_target("/private/ws", b"listenKey=abc") == Target("private", False, ("abc",))
    assert parse_target("/private/stream", b"listenKey=abc") == Target("private", True, ("abc",))
    assert parse_target("/ws-fapi/v1", b"") is None
    assert parse_target("/stream/x", b"") is None


async def test_the_hub_tells_its_watchers_once_per_stream() -> None:
    hub, told = Hub(), []
    hub.watch(lambda stream, added: told.append((stream.name, added)))
    first, second = Session(False, 10), Session(True, 10)
    stream = parse_stream("btcusdt@depth")
    assert isinstance(stream, Stream)
    hub.subscribe(first, stream)
    hub.subscribe(first, stream)
    hub.subscribe(second, stream)
    assert told == [("btcusdt@depth", True)]
    hub.unsubscribe(first, "btcusdt@depth")
    assert told == [("btcusdt@depth", True)]
    hub.drop(second)
    assert told == [("btcusdt@depth", True), ("btcusdt@depth", False)]
    assert not hub.listened("btcusdt@depth")


async def test_publish_encodes_once_and_wraps_for_combined_sessions() -> None:
    hub = Hub()
    raw, combined = Session(False, 10), Session(True, 10)
    sent_raw: list[str] = []
    sent_combined: list[str] = []

    async def send_raw(message: dict[str, Any]) -> None:
        sent_raw.append(message["text"])

    async def send_combined(message: dict[str, Any]) -> None:
        sent_combined.append(message["text"])

    raw.start_writer(send_raw, frames=False)
    combined.start_writer(send_combined, frames=False)
    stream = parse_stream("btcusdt@aggTrade")
    assert stream is not None
    hub.subscribe(raw, stream)
    hub.subscribe(combined, stream)
    hub.publish("btcusdt@aggTrade", {"e": "aggTrade", "a": 1})
    await asyncio.sleep(0)
    assert sent_raw == ['{"e":"aggTrade","a":1}']
    assert sent_combined == ['{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","a":1}}']


async def test_a_full_queue_marks_the_session_and_stops_its_writer() -> None:
    session = Session(False, 3)
    blocked = asyncio.Event()

    async def stuck_send(_message: dict[str, Any]) -> None:
        await blocked.wait()  # a socket nobody reads

    writer = session.start_writer(stuck_send, frames=True)
    for n in range(5):
        session.push(Outgoing(str(n)))
        await asyncio.sleep(0)
    assert session.overflowed
    with pytest.raises(asyncio.CancelledError):
        await writer


async def test_frames_writer_sends_the_backlog_in_one_write() -> None:
    session = Session(False, 10)
    writes: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        writes.append(message)

    session.push(Outgoing("a"))
    session.push(Outgoing("b" * 200))
    session.start_writer(send, frames=True)
    await asyncio.sleep(0)
    assert writes == [
        {"type": "binance.frames", "bytes": text_frame(b"a") + text_frame(b"b" * 200)}
    ]


async def test_a_published_step_leaves_in_one_immediate_write() -> None:
    """With the server's `WriteNow`, what one loop step publishes is written once, at the end
    of the step, without the writer task."""
    session = Session(False, 10)
    written: list[bytes] = []
    sent: list[dict[str, Any]] = []

    def write_now(frames: bytes) -> bool:
        written.append(frames)
        return True

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    session.start_writer(send, True, write_now)
    session.push(Outgoing("a"))
    session.push(Outgoing("b"))
    assert written == []
    await asyncio.sleep(0)
    assert written == [text_frame(b"a") + text_frame(b"b")]
    assert sent == []


async def test_a_refused_write_goes_to_the_writer_and_later_messages_wait_behind_it() -> None:
    session = Session(False, 10)
    full, drained = True, asyncio.Event()
    order: list[tuple[str, bytes]] = []

    def write_now(frames: bytes) -> bool:
        if full:
            return False
        order.append(("now", frames))
        return True

    async def send(message: dict[str, Any]) -> None:
        await drained.wait()  # the socket's buffer going under its low-water mark
        order.append(("send", message["bytes"]))

    session.start_writer(send, True, write_now)
    session.push(Outgoing("a"))
    for _ in range(3):  # refused: the writer takes "a" and waits for the socket
        await asyncio.sleep(0)
    full = False
    session.push(Outgoing("b"))
    session.push(Outgoing("c"))
    await asyncio.sleep(0)
    assert order == []  # "b" and "c" wait behind "a", though the socket would take them now
    drained.set()
    for _ in range(3):
        await asyncio.sleep(0)
    session.push(Outgoing("d"))
    await asyncio.sleep(0)
    assert order == [
        ("send", text_frame(b"a")),
        ("send", text_frame(b"b") + text_frame(b"c")),
        ("now", text_frame(b"d")),
    ]


def test_text_frames() -> None:
    assert text_frame(b"hi") == b"\x81\x02hi"
    assert text_frame(b"x" * 200)[:4] == b"\x81\x7e\x00\xc8"
    assert text_frame(b"x" * 70_000)[:10] == b"\x81\x7f" + (70_000).to_bytes(8, "big")
