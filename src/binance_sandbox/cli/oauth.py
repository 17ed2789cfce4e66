"""`binance-sandbox oauth clients ...`: register and list Binance Login apps on the running
server (through its admin API, like every management command)."""

from pathlib import Path
from typing import Annotated

import typer

from binance_sandbox.cli.manage import DataDirOption, TokenOption, UrlOption, admin_client, show

oauth_app = typer.Typer(help="Binance Login (OAuth 2.0): register apps.", no_args_is_help=True)
clients_app = typer.Typer(help="Register and list OAuth clients (apps).", no_args_is_help=True)
oauth_app.add_typer(clients_app, name="clients")


@clients_app.command("create")
def clients_create(
    name: Annotated[str, typer.Option("--name", help="The app's name on the consent page.")],
    redirect_uri: Annotated[
        list[str],
        typer.Option("--redirect-uri", help="Where users return; exact match (repeatable)."),
    ],
    public: Annotated[
        bool, typer.Option("--public", help="A public client (no secret; PKCE S256 required).")
    ] = False,
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Register an app; a confidential one's secret is shown only now."""
    body = {"name": name, "redirectUris": redirect_uri, "public": public}
    show(admin_client(data_dir, url, token).post("/oauth/clients", body))


@clients_app.command("list")
def clients_list(
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """List the registered apps (never their secrets)."""
    show(admin_client(data_dir, url, token).get("/oauth/clients"))
