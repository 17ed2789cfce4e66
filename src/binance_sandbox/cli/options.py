"""Command-line options more than one command group takes."""

from pathlib import Path
from typing import Annotated

import typer

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="TOML file (default: $BINANCE_SANDBOX_CONFIG or ./binance-sandbox.toml if present).",
    ),
]
