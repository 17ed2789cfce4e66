"""`binance-sandbox reset | states ... | export | import`: the exchange becomes a saved state
(through the admin API; see `admin/saved_states.py`)."""

from pathlib import Path
from typing import Annotated

import typer

from binance_sandbox.cli.admin_client import CliError, read_document
from binance_sandbox.cli.manage import (
    DataDirOption,
    TokenOption,
    UrlOption,
    admin_client,
    console,
    show,
)

states_app = typer.Typer(
    help="Named snapshots of the whole exchange: save, list, restore (instant).",
    no_args_is_help=True,
)


def reset(
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Back to the state of the first start (same accounts and keys as then)."""
    show(admin_client(data_dir, url, token).post("/reset"))


@states_app.command("save")
def states_save(
    name: str,
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Save the exchange as it is now under NAME (replacing an older one)."""
    show(admin_client(data_dir, url, token).post(f"/states/{name}"))


@states_app.command("list")
def states_list(
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """The saved states with their state hashes."""
    show(admin_client(data_dir, url, token).get("/states"))


@states_app.command("restore")
def states_restore(
    name: str,
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Make the exchange the state saved under NAME."""
    show(admin_client(data_dir, url, token).post(f"/states/{name}/restore"))


def export(
    file: Annotated[Path, typer.Argument(help="Where to write the exchange.")],
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Write the whole exchange to one portable file (`import` reads it on any server)."""
    data = admin_client(data_dir, url, token).download("/export")
    file.write_bytes(data)
    console.print(f"{len(data)} bytes written to {file}")


def import_(
    file: Annotated[Path, typer.Argument(help="A file written by `export`.")],
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Make the exchange the one exported to FILE."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CliError(f"Cannot read {file}: {exc}") from exc
    show(admin_client(data_dir, url, token).upload("/import", data))


def seed(
    file: Annotated[Path, typer.Argument(help="TOML or JSON: [accounts.NAME] and [[orders]].")],
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Add accounts (balances, keys) and orders from a declarative file."""
    show(admin_client(data_dir, url, token).post("/seed", read_document(file)))


def register(app: typer.Typer) -> None:
    app.add_typer(states_app, name="states")
    app.command()(reset)
    app.command()(export)
    app.command("import")(import_)
    app.command()(seed)
