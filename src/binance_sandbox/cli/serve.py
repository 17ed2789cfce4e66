"""`binance-sandbox serve`: recover or seed the exchange, listen, print the banner.

uvicorn handles SIGINT and SIGTERM by finishing in-flight requests (for at most
GRACEFUL_SHUTDOWN_S) and running the lifespan shutdown, which lets the sequencer commit the last
batch and snapshot before the process ends. If the sequencer or the timers die, the server stops
the same way and exits with FATAL_EXIT_CODE.
"""

import asyncio
import os
import signal
from pathlib import Path
from types import FrameType

import uvicorn
from rich.console import Console

from binance_sandbox.config.model import SandboxConfig
from binance_sandbox.server.app import create_app
from binance_sandbox.server.banner import print_banner
from binance_sandbox.server.datadir import ServerInfo
from binance_sandbox.server.http_protocol import BinanceHttpProtocol
from binance_sandbox.server.json_logs import configure_logging
from binance_sandbox.server.runtime import Runtime
from binance_sandbox.server.ws_protocol import StreamsWebSocketProtocol

GRACEFUL_SHUTDOWN_S = 3
FATAL_EXIT_CODE = 3  # a part of the exchange died; the journal recovers everything on restart


def run_server(
    config: SandboxConfig, config_dir: Path, console: Console, debug_signatures: bool = False
) -> None:
    configure_logging(config.server.log_level, config.server.log_format)
    console.print(f"Recovering the exchange from {config.server.data_dir} …")
    try:
        runtime = Runtime.open(config, config_dir)
    except ValueError as exc:  # a price source, the agents or a replay that cannot start
        console.print(f"[red]Cannot start:[/red] {exc}", highlight=False)
        raise SystemExit(2) from exc
    state = runtime.exchange.state
    replayed = runtime.sequencer.snapshot_policy.since_snapshot
    console.print(
        f"Recovered up to command {state.last_seq} ({replayed} replayed after the newest snapshot)."
    )
    token = runtime.data_dir.admin_token()
    server: uvicorn.Server | None = None

    def on_started() -> None:
        asyncio.get_running_loop().create_task(_announce())

    async def _announce() -> None:
        assert server is not None
        while not server.started:
            if server.should_exit:
                return
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        base_url = f"http://{_display_host(config.server.host)}:{port}"
        runtime.data_dir.write_server_info(ServerInfo(url=base_url, pid=os.getpid()))
        print_banner(
            console,
            base_url,
            token,
            runtime.exchange.state,
            list(config.accounts),
            runtime.created_keys,
            runtime.market.summary(),
        )

    app = create_app(runtime, token, on_started, debug_signatures)
    uv_config = uvicorn.Config(
        app,
        host=config.server.host,
        port=config.server.port,
        log_level=config.server.log_level,
        # JSON logs: uvicorn's loggers go through the root handler (no log config of its own)
        log_config=None if config.server.log_format == "json" else uvicorn.config.LOGGING_CONFIG,
        lifespan="on",
        access_log=False,
        http=BinanceHttpProtocol,
        # SIGTERM always ends the server: requests still running then are cut off.
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        # Binance's keepalive: a ping every 3 minutes, disconnect without a pong in 10; no
        # per-message compression, so a stream message is encoded once for all connections
        ws_ping_interval=config.streams.ping_interval_s,
        ws_ping_timeout=config.streams.pong_timeout_s,
        ws_per_message_deflate=False,
        ws=StreamsWebSocketProtocol,
    )
    server = _Server(uv_config, runtime)

    def stop_after_fatal() -> None:
        assert server is not None
        server.should_exit = True

    runtime.on_fatal = stop_after_fatal
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then re-raises the signal with the
    # handler it found; a no-op one makes a clean stop exit 0 instead of dying by the signal.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: None)
    try:
        server.run()
    finally:
        runtime.data_dir.clear_server_info()
    if runtime.fatal is not None:
        console.print(
            f"[red]The exchange stopped after an internal failure:[/red] {runtime.fatal!r}"
        )
        raise SystemExit(FATAL_EXIT_CODE)


class _Server(uvicorn.Server):
    """On SIGINT / SIGTERM, a clock advance under way stops at its next step, so its request
    ends normally within the graceful shutdown instead of being cut off."""

    def __init__(self, config: uvicorn.Config, runtime: Runtime) -> None:
        super().__init__(config)
        self._runtime = runtime

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._runtime.clock_control.stop_advance()
        super().handle_exit(sig, frame)


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "") else host
