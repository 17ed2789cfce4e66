"""`binance-sandbox data`: import Binance's public market data files and list what is imported."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from binance_sandbox.cli.options import ConfigOption
from binance_sandbox.config.loader import ConfigError, load_config
from binance_sandbox.marketdata import (
    Coverage,
    DataFile,
    FileReport,
    Kind,
    MarketDataError,
    MarketDataStore,
    import_files,
    market_data_path,
)

console = Console()

data_app = typer.Typer(
    help="Import Binance's public market data files (data.binance.vision) and list them.\n\n"
    "Imported data lives in market-data.sqlite in the server's data directory.",
    no_args_is_help=True,
)

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        help="The server's data directory (default: server.data_dir of the configuration, "
        "./.sandbox unless set)."
    ),
]


@data_app.command(
    "import",
    help="Verify and import USDⓈ-M archives: aggTrades, klines, markPriceKlines, "
    "indexPriceKlines, premiumIndexKlines (daily or monthly) and fundingRate.\n\n"
    "A FILE.zip.CHECKSUM beside a zip is verified. The import is all or nothing: one bad file "
    "(wrong checksum, damaged zip, malformed row) and nothing is imported. Files already "
    "imported are skipped, and rows shared by overlapping files are stored once.",
)
def import_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Zip files, or directories searched recursively for *.zip.",
            metavar="PATH",
            show_default=False,
        ),
    ],
    config: ConfigOption = None,
    data_dir: DataDirOption = None,
    kind: Annotated[
        Kind | None,
        typer.Option(
            help="Kind of kline files whose directory does not say it "
            "(klines, markPriceKlines, indexPriceKlines and premiumIndexKlines share file names).",
            show_default=False,
        ),
    ] = None,
) -> None:
    store_path = market_data_path(_data_dir(config, data_dir))
    store_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _ProgressListener() as listener:
            reports = import_files(paths, store_path, kind, listener)
    except MarketDataError as exc:
        console.print(f"[red]Error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        console.print("Nothing was imported.")
        raise typer.Exit(1) from exc
    new = [r for r in reports if not r.already_imported]
    if new:
        rows = sum(r.new_rows for r in new)
        console.print(f"Imported {_files(len(new))}, {rows} new rows, into {store_path}.")
    else:
        console.print(f"Nothing new: {_files(len(reports))}, all already imported.")


@data_app.command(
    "list",
    help="What the market data store holds: per kind, symbol and interval the first and last "
    "time (UTC) and the number of rows.",
)
def list_command(config: ConfigOption = None, data_dir: DataDirOption = None) -> None:
    store_path = market_data_path(_data_dir(config, data_dir))
    series = _coverage(store_path) if store_path.exists() else []
    if not series:
        console.print(f"No market data in {store_path.parent} yet: see `data import --help`.")
        return
    table = Table(box=box.SIMPLE)  # on a narrow terminal the times wrap, names stay whole
    for column in ("kind", "symbol", "interval"):
        table.add_column(column, no_wrap=True)
    table.add_column("first (UTC)")
    table.add_column("last (UTC)")
    table.add_column("rows", justify="right", no_wrap=True)
    for s in series:
        table.add_row(
            s.kind, s.symbol, s.interval or "", _utc(s.first_time), _utc(s.last_time), f"{s.rows:,}"
        )
    console.print(table)


def _data_dir(config: Path | None, data_dir: Path | None) -> Path:
    """The flag, else the configuration's server.data_dir (file, environment, default)."""
    flags = {"server.data_dir": str(data_dir) if data_dir else None}
    try:
        return Path(load_config(config, flags=flags).server.data_dir)
    except ConfigError as exc:
        console.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _coverage(store_path: Path) -> list[Coverage]:
    try:
        with MarketDataStore.open(store_path) as store:
            return store.coverage()
    except MarketDataError as exc:
        console.print(f"[red]Error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from exc


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _utc(ms: int) -> str:
    return datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _summary(report: FileReport) -> str:
    name = report.file.path
    if report.already_imported:
        return f"{name}: already imported"
    parts = [f"{name}: {report.file.describe()}, {report.rows} rows"]
    if report.new_rows != report.rows:
        parts.append(f"{report.rows - report.new_rows} of them already in the store")
    if report.time_range is not None:
        first, last = report.time_range
        parts.append(f"{_utc(first)} → {_utc(last)} UTC")
    parts.append(
        "verified (sha256 matches CHECKSUM)"
        if report.verified
        else f"no CHECKSUM beside {report.file.path.name}; not verified"
    )
    return ", ".join(parts)


class _ProgressListener:
    """A progress bar per file over the bytes of its CSV, then a one-line summary."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,  # a bar in a log or a pipe is noise
        )
        self._task: TaskID | None = None

    def __enter__(self) -> "_ProgressListener":
        self._progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._progress.stop()

    def reading(self, file: DataFile, size: int) -> None:
        description = escape(f"{file.path.name} ({file.describe()})")
        self._task = self._progress.add_task(description, total=size)

    def progressed(self, position: int) -> None:
        if self._task is not None:
            self._progress.update(self._task, completed=position)

    def finished(self, report: FileReport) -> None:
        if self._task is not None:
            self._progress.remove_task(self._task)
            self._task = None
        self._progress.console.print(
            _summary(report), markup=False, highlight=False, soft_wrap=True
        )
