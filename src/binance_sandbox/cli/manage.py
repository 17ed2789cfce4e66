"""Management commands: they call the running server's admin API (the single writer)."""

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from binance_sandbox.cli.admin_client import AdminClient, CliError

console = Console()

DataDirOption = Annotated[
    Path, typer.Option("--data-dir", help="The server's data directory [./.sandbox].")
]
UrlOption = Annotated[
    str | None, typer.Option("--url", help="Server URL (default: from the data directory).")
]
TokenOption = Annotated[
    str | None, typer.Option("--token", help="Admin token (default: from the data directory).")
]
ProductOption = Annotated[
    str, typer.Option(help="The futures wallet: usdm (USDⓈ-M) or coinm (COIN-M).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the raw JSON answer.")]

accounts_app = typer.Typer(help="Create and inspect accounts.", no_args_is_help=True)
keys_app = typer.Typer(help="Create API keys (HMAC, RSA, Ed25519).", no_args_is_help=True)
price_app = typer.Typer(help="Show or set index prices.", no_args_is_help=True)
clock_app = typer.Typer(
    help="Show, pause, resume, speed up or advance the clock.", no_args_is_help=True
)
agents_app = typer.Typer(
    help="Show, pause, resume or re-seed the liquidity agents (makers and noise takers).",
    no_args_is_help=True,
)
replay_app = typer.Typer(help="Pause or resume the historical replay.", no_args_is_help=True)
insurance_app = typer.Typer(help="Show or set the insurance fund.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(accounts_app, name="accounts")
    app.add_typer(keys_app, name="keys")
    app.add_typer(price_app, name="price")
    app.add_typer(clock_app, name="clock")
    app.add_typer(agents_app, name="agents")
    app.add_typer(replay_app, name="replay")
    app.add_typer(insurance_app, name="insurance")
    app.command()(deposit)
    app.command()(withdraw)
    plain_call(app, "snapshot", "POST", "/snapshots",
               "Snapshot the exchange state now (and compact the journal behind it).")  # fmt: skip


def admin_client(data_dir: Path, url: str | None, token: str | None) -> AdminClient:
    return AdminClient.locate(data_dir, url, token)


def show(payload: Any) -> None:
    console.print_json(data=payload)


def plain_call(app: typer.Typer, name: str, method: str, path: str, summary: str) -> None:
    """A command that takes no argument of its own: one admin call, its answer shown."""

    def call(
        data_dir: DataDirOption = Path(".sandbox"),
        url: UrlOption = None,
        token: TokenOption = None,
    ) -> None:
        client = admin_client(data_dir, url, token)
        show(client.get(path) if method == "GET" else client.post(path))

    call.__doc__ = summary
    app.command(name)(call)


# fmt: off
plain_call(price_app, "show", "GET", "/prices",
           "Show every symbol's index price and when it last changed.")
plain_call(clock_app, "show", "GET", "/clock", "Show the clock's mode, speed and exchange time.")
plain_call(clock_app, "pause", "POST", "/clock/pause", "Stop exchange time (timers stop firing).")
plain_call(clock_app, "resume", "POST", "/clock/resume",
           "Let exchange time run again at the current speed.")
plain_call(agents_app, "show", "GET", "/simulation", "Show the agents' and the replay's state.")
plain_call(agents_app, "pause", "POST", "/agents/pause",
           "Stop the agents acting (their orders stay on the book).")
plain_call(agents_app, "resume", "POST", "/agents/resume", "Let the agents act again.")
plain_call(replay_app, "pause", "POST", "/replay/pause",
           "Hold the replayed index and skip the files' trades until resumed (the clock runs on).")
plain_call(replay_app, "resume", "POST", "/replay/resume",
           "Follow the files again, from the current exchange time.")
plain_call(insurance_app, "show", "GET", "/insurance",
           "Show the fund's balances and the positions it took over.")
# fmt: on


@accounts_app.command("create")
def accounts_create(
    name: str,
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Create an account (empty; deposit into it and give it keys next)."""
    show(admin_client(data_dir, url, token).post("/accounts", {"name": name}))


@accounts_app.command("list")
def accounts_list(
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
    json: JsonOption = False,
) -> None:
    """List accounts with their balances and number of keys."""
    accounts = admin_client(data_dir, url, token).get("/accounts")
    if json:
        show(accounts)
        return
    table = Table("id", "name", "balances", "keys")
    for account in accounts:
        balances = ", ".join(f"{v} {a}" for a, v in account["balances"].items())
        table.add_row(
            str(account["accountId"]), account["name"], balances, str(len(account["apiKeys"]))
        )
    console.print(table)


@accounts_app.command("show")
def accounts_show(
    account: Annotated[str, typer.Argument(help="Account id or name.")],
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Show one account: balances and API keys."""
    show(admin_client(data_dir, url, token).get(f"/accounts/{account}"))


@keys_app.command("create")
def keys_create(
    account: Annotated[str, typer.Argument(help="Account id or name.")],
    key_type: Annotated[str, typer.Option("--type", help="hmac, rsa or ed25519.")] = "hmac",
    public_key: Annotated[
        Path | None, typer.Option(help="PEM public key to upload (rsa/ed25519); else generated.")
    ] = None,
    read_only: Annotated[bool, typer.Option("--read-only", help="Reads only.")] = False,
    futures: Annotated[
        bool, typer.Option("--futures/--no-futures", help="Futures trading enabled.")
    ] = True,
    label: Annotated[str, typer.Option(help="A name for the key.")] = "",
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Create an API key; its secret (or generated private key) is shown only now."""
    if key_type.lower() not in ("hmac", "rsa", "ed25519"):
        raise CliError("--type must be hmac, rsa or ed25519")
    body: dict[str, Any] = {
        "type": key_type.lower(),
        "readOnly": read_only,
        "enableFutures": futures,
        "label": label,
    }
    if public_key is not None:
        body["publicKey"] = public_key.read_text()
    show(admin_client(data_dir, url, token).post(f"/accounts/{account}/keys", body))


def deposit(
    account: Annotated[str, typer.Argument(help="Account id or name.")],
    asset: str,
    amount: str,
    product: ProductOption = "usdm",
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Credit an account's wallet, e.g. `deposit demo USDT 5000` or
    `deposit demo BTC 1 --product coinm` (the COIN-M futures wallet)."""
    body = {"asset": asset, "amount": amount, "product": product}
    show(admin_client(data_dir, url, token).post(f"/accounts/{account}/deposits", body))


def withdraw(
    account: Annotated[str, typer.Argument(help="Account id or name.")],
    asset: str,
    amount: str,
    product: ProductOption = "usdm",
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Debit an account's wallet (refused if the balance is short)."""
    body = {"asset": asset, "amount": amount, "product": product}
    show(admin_client(data_dir, url, token).post(f"/accounts/{account}/withdrawals", body))


@price_app.command("set")
def price_set(
    symbol: str,
    price: str,
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Set a symbol's index price now (a gbm path continues from it)."""
    show(admin_client(data_dir, url, token).put(f"/prices/{symbol.upper()}", {"price": price}))


@clock_app.command("speed")
def clock_speed(
    speed: float,
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Set how many exchange seconds pass per real second."""
    show(admin_client(data_dir, url, token).post("/clock/speed", {"speed": speed}))


@clock_app.command("advance")
def clock_advance(
    by: Annotated[str | None, typer.Option(help="A duration: 500ms, 90s, 15m, 1h30m, 2d.")] = None,
    to: Annotated[str | None, typer.Option(help="A time: ISO-8601 or epoch ms.")] = None,
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Move exchange time forward; every timer due on the way fires, in order."""
    if (by is None) == (to is None):
        raise CliError("give exactly one of --by and --to")
    body = {"by": by} if by is not None else {"to": to}
    show(admin_client(data_dir, url, token).post("/clock/advance", body))


@agents_app.command("seed")
def agents_seed(
    seed: int,
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Re-seed the agents' random draws (0: back to the configured or exchange seed)."""
    show(admin_client(data_dir, url, token).put("/agents/seed", {"seed": seed}))


@price_app.command("mark")
def price_mark(
    symbol: str,
    price: str,
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Set a contract's mark price now; what it puts at 100 % margin ratio is liquidated (the
    next index tick recomputes the mark)."""
    show(admin_client(data_dir, url, token).put(f"/marks/{symbol.upper()}", {"price": price}))


@insurance_app.command("set")
def insurance_set(
    asset: str,
    balance: str,
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Set the fund's balance of a margin asset (0 forces ADL of bankrupt positions)."""
    client = admin_client(data_dir, url, token)
    show(client.put(f"/insurance/{asset.upper()}", {"balance": balance}))
