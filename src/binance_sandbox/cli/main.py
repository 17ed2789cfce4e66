"""The `binance-sandbox` command: serve the exchange, show configuration, manage a running one."""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from binance_sandbox.cli import manage, states
from binance_sandbox.cli.admin_client import CliError
from binance_sandbox.cli.data import data_app
from binance_sandbox.cli.faults import faults_app, requests
from binance_sandbox.cli.oauth import oauth_app
from binance_sandbox.cli.options import ConfigOption
from binance_sandbox.cli.serve import run_server
from binance_sandbox.config.loader import ConfigError, find_config_file, load_config
from binance_sandbox.config.model import SandboxConfig
from binance_sandbox.config.render import to_toml
from binance_sandbox.gateway.coverage import PRODUCT_NAMES, coverage
from binance_sandbox.gateway.table import endpoint_table
from binance_sandbox.simulators.replay.window import split_window

app = typer.Typer(
    help="A self-hostable exchange that speaks Binance's USDⓈ-M futures API.\n\n"
    "Start it with `binance-sandbox serve`, point any Binance client at the printed URL, and "
    "manage it (accounts, keys, deposits, prices, clock) with the other commands.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
config_app = typer.Typer(help="Inspect the configuration.", no_args_is_help=True)
app.add_typer(config_app, name="config")
app.add_typer(data_app, name="data")
app.add_typer(oauth_app, name="oauth")
app.add_typer(faults_app, name="faults")
app.command()(requests)
states.register(app)
manage.register(app)
console = Console()


@app.command()
def serve(
    config: ConfigOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on [127.0.0.1].")] = None,
    port: Annotated[int | None, typer.Option(help="Port (0: any free port) [8080].")] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Journal, snapshots and admin token [./.sandbox].")
    ] = None,
    speed: Annotated[
        float | None,
        typer.Option(help="Accelerated clock: 60 = an hour of exchange time a minute."),
    ] = None,
    manual_clock: Annotated[
        bool, typer.Option("--manual-clock", help="Time moves only when advanced.")
    ] = False,
    clock_start: Annotated[
        str | None, typer.Option(help="First exchange time of a fresh exchange (ISO or epoch ms).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of keys and price paths [1].")] = None,
    replay: Annotated[
        str | None,
        typer.Option(
            metavar="FROM..TO",
            help="Replay imported public data files (see `data import`) from FROM to TO "
            "(ISO-8601 times or dates, or epoch ms; TO exclusive) on the exchange clock; "
            "combine with --speed. A fresh exchange starts at FROM.",
        ),
    ] = None,
    debug_signatures: Annotated[
        bool,
        typer.Option(
            "--debug-signatures", help="Log the exact string each signature is checked against."
        ),
    ] = False,
) -> None:
    """Run the exchange (seeds instruments and a demo account on first start)."""
    mode = "manual" if manual_clock else ("accelerated" if speed not in (None, 1.0) else None)
    try:
        replay_start, replay_end = split_window(replay) if replay else (None, None)
    except ValueError as exc:
        console.print(f"[red]Error:[/red] {exc}")
        raise typer.Exit(2) from exc
    flags = {
        "server.host": host,
        "server.port": port,
        "server.data_dir": str(data_dir) if data_dir else None,
        "clock.speed": speed,
        "clock.mode": mode,
        "clock.start": clock_start,
        "exchange.seed": seed,
        "replay.start": replay_start,
        "replay.end": replay_end,
    }
    effective = _load(config, flags)
    file = find_config_file(config, os.environ)
    run_server(effective, file.parent if file else Path.cwd(), console, debug_signatures)


@app.command()
def endpoints(
    missing: Annotated[bool, typer.Option("--missing", help="List only what is missing.")] = False,
) -> None:
    """Which of Binance's documented USDⓈ-M (n / 95) and COIN-M (n / 64) endpoints are
    implemented."""
    summary = []
    for product, name in PRODUCT_NAMES.items():
        rows = coverage(endpoint_table(), product)
        table = Table("", "method", "path", "group", "security", title=name)
        for doc, done in rows:
            if done and missing:
                continue
            table.add_row("✓" if done else "·", doc.method, doc.path, doc.group, doc.security)
        console.print(table)
        done_count = sum(done for _, done in rows)
        summary.append(f"Implemented {done_count} / {len(rows)} documented {name} endpoints.")
    console.print("\n".join(summary))


@config_app.command("show")
def config_show(config: ConfigOption = None) -> None:
    """Print the effective configuration (defaults, file, environment) as TOML."""
    print(to_toml(_load(config, {})), end="")


def _load(config: Path | None, flags: Mapping[str, object]) -> SandboxConfig:
    try:
        return load_config(config, flags=flags)
    except ConfigError as exc:
        console.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


def main() -> None:
    try:
        app()
    except CliError as exc:
        console.print(f"[red]Error:[/red] {exc}", highlight=False)
        raise SystemExit(1) from exc
