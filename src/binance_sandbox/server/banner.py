"""What `serve` prints once it listens: where, with which keys, and how to connect."""

from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from binance_sandbox.admin.operations import CreatedKey
from binance_sandbox.core.state import ExchangeState

_CCXT = """import ccxt
def rebase(urls, base):
    if isinstance(urls, dict):
        return {{name: rebase(url, base) for name, url in urls.items()}}
    if isinstance(urls, str) and urls.startswith("https://") and "binance" in urls:
        return base + "/" + urls.split("/", 3)[3] if urls.count("/") >= 3 else base
    return urls
ex = ccxt.binanceusdm({{"apiKey": "{key}", "secret": "{secret}"}})
ex.urls["api"] = rebase(ex.urls["api"], "{base}")
print(ex.fetch_balance()["USDT"])"""

_STREAMS = """from binance.websocket.um_futures.websocket_client import UMFuturesWebsocketClient
stream = UMFuturesWebsocketClient(stream_url="{ws}", on_message=lambda _, m: print(m))
stream.agg_trade(symbol="btcusdt")"""

_PYTHON_BINANCE = """from binance.client import Client
client = Client("{key}", "{secret}", ping=False)
client.FUTURES_URL = "{base}/fapi"
client.FUTURES_DATA_URL = "{base}/futures/data"
client.FUTURES_COIN_URL = "{base}/dapi"
client.API_URL = "{base}/api"
print(client.futures_account_balance())  # the USDⓈ-M wallet
print(client.futures_coin_account_balance())  # the COIN-M wallet, apart"""


# Snippets are printed as they are: no markup, no highlighting, no wrapping, so they paste.
_VERBATIM: dict[str, Any] = {"markup": False, "highlight": False, "soft_wrap": True}


def print_banner(
    console: Console,
    base_url: str,
    token: str,
    state: ExchangeState,
    seeded_names: list[str],
    created: list[CreatedKey],
    market: str,
) -> None:
    table = Table(show_header=False, box=None)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("REST base URL", base_url)
    ws_url = "ws://" + base_url.removeprefix("http://")
    table.add_row("WebSocket", f"{ws_url}  (market streams: /ws, /stream, /public, /market)")
    table.add_row("WebSocket API", f"{ws_url}/ws-fapi/v1")
    table.add_row("Admin API", f"{base_url}/sandbox/v1  (Authorization: Bearer {token})")
    table.add_row("Exchange time", f"{state.last_ts} ms, {state.clock.mode} clock")
    table.add_row("Market", market)
    key, secret = _first_hmac_key(state, seeded_names)
    console.print(Panel(table, title="binance-sandbox is running", expand=False), crop=False)
    if key:  # plain lines, so the 64-character values copy (and grep) whole
        console.print(f"Demo API key: {key}", **_VERBATIM)
        console.print(f"Demo secret:  {secret}", **_VERBATIM)
    for created_key in created:
        if created_key.private_key:
            console.print(f"Private key of {created_key.event.api_key} (shown only now):")
            console.print(created_key.private_key, **_VERBATIM)
    if key:
        console.print("[bold]ccxt[/bold]")
        console.print(_CCXT.format(key=key, secret=secret, base=base_url), **_VERBATIM)
        console.print("[bold]python-binance[/bold]")
        console.print(_PYTHON_BINANCE.format(key=key, secret=secret, base=base_url), **_VERBATIM)
    console.print("[bold]Market streams (binance-futures-connector)[/bold]")
    console.print(_STREAMS.format(ws=ws_url), **_VERBATIM)
    console.print("More clients: docs/clients.md. Stop with Ctrl-C or SIGTERM; state is kept.")


def _first_hmac_key(state: ExchangeState, names: list[str]) -> tuple[str, str]:
    for account in state.accounts:
        if account.name not in names:
            continue
        for api_key in account.api_keys:
            key = state.api_keys[api_key].key
            if key.key_type == "HMAC":
                return key.api_key, key.secret
    return "", ""
