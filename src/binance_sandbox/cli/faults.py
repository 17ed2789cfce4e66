"""`binance-sandbox faults ...` and `requests`: fault rules and the request log of a running
server, through its admin API (see `admin/faults.py` for a rule's fields)."""

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from binance_sandbox.cli.admin_client import CliError, read_document
from binance_sandbox.cli.manage import (
    DataDirOption,
    JsonOption,
    TokenOption,
    UrlOption,
    admin_client,
    console,
    show,
)

faults_app = typer.Typer(
    help="Break the gateway on purpose: 429 / 418 / -1008 / 5xx answers, latency, timeouts, "
    "failed orders; per endpoint, symbol or account, for N requests, a share or a time window.",
    no_args_is_help=True,
)
Opt = typer.Option
MAX_KEPT = 10_000  # the admin API's most entries per call


@faults_app.command("add")
def faults_add(  # one option per field of a rule
    kind: Annotated[
        str,
        typer.Argument(
            help="rate_limit | ip_ban | overload | server_error | bad_gateway | unknown_outcome "
            "| unavailable | internal | latency | timeout | reject_order (requests); "
            "stream_delay | stream_duplicate (stream events)"
        ),
    ],
    endpoint: Annotated[str | None, Opt(help="Path, or 'METHOD /path'.")] = None,
    stream: Annotated[str | None, Opt(help="Stream kinds: a stream name.")] = None,
    symbol: Annotated[str | None, Opt(help="Only requests naming this symbol.")] = None,
    account: Annotated[str | None, Opt(help="Only this account's keys (id or name).")] = None,
    count: Annotated[int | None, Opt(help="Ends after hitting this many requests.")] = None,
    share: Annotated[float | None, Opt(help="Hit this share of the matches (0-1).")] = None,
    for_: Annotated[str | None, Opt("--for", help="Window from now (exchange time): 5m.")] = None,
    from_: Annotated[str | None, Opt("--from", help="Window start (ISO or epoch ms).")] = None,
    until: Annotated[str | None, Opt(help="Window end (ISO or epoch ms).")] = None,
    seed: Annotated[int | None, Opt(help="Seed of the share and jitter draws.")] = None,
    retry_after: Annotated[int | None, Opt(help="Retry-After seconds (429 / 418).")] = None,
    latency_ms: Annotated[int | None, Opt(help="Added latency, or a timeout's bound.")] = None,
    jitter_ms: Annotated[int | None, Opt(help="Up to this much more latency (seeded).")] = None,
    code: Annotated[int | None, Opt(help="reject_order: Binance's error code.")] = None,
    msg: Annotated[str | None, Opt(help="reject_order: the message (default: Binance's).")] = None,
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Add one fault rule."""
    wire = {
        "kind": kind,
        "endpoint": endpoint,
        "stream": stream,
        "symbol": symbol,
        "account": account,
        "count": count,
        "share": share,
        "for": for_,
        "from": from_,
        "until": until,
        "seed": seed,
        "retryAfter": retry_after,
        "latencyMs": latency_ms,
        "jitterMs": jitter_ms,
        "code": code,
        "msg": msg,
    }
    rule = {name: value for name, value in wire.items() if value is not None}
    show(admin_client(data_dir, url, token).post("/faults", rule))


@faults_app.command("disconnect")
def faults_disconnect(
    stream: Annotated[str | None, Opt(help="The connections listening to this stream.")] = None,
    account: Annotated[str | None, Opt(help="The account's user-data connections.")] = None,
    how: Annotated[str, Opt(help="drop (no close frame) | lifetime (1001, as at 24 h).")] = "drop",
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """End WebSocket stream connections now (every one unless narrowed)."""
    body: dict[str, str] = {"how": how}
    if stream is not None:
        body["stream"] = stream
    if account is not None:
        body["account"] = account
    show(admin_client(data_dir, url, token).post("/faults/streams/disconnect", body))


@faults_app.command("expire-listen-keys")
def faults_expire_listen_keys(
    account: Annotated[str | None, Opt(help="Only this account's keys.")] = None,
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Make listenKeys lapse now: their connections get listenKeyExpired."""
    body = {"account": account} if account is not None else {}
    show(admin_client(data_dir, url, token).post("/faults/listen-keys/expire", body))


@faults_app.command("load")
def faults_load(
    file: Annotated[Path, typer.Argument(help="JSON or TOML: a list of rules under `rules`.")],
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Add a script of rules in one call (the fields of the admin API, camelCase)."""
    rules = _read_rules(file)
    show(admin_client(data_dir, url, token).post("/faults", {"rules": rules}))


@faults_app.command("list")
def faults_list(
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """The rules, with how many requests each has hit and whether it is still active."""
    show(admin_client(data_dir, url, token).get("/faults"))


@faults_app.command("clear")
def faults_clear(
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """End every rule."""
    show(admin_client(data_dir, url, token).delete("/faults"))


def requests(
    limit: Annotated[int, Opt(help="How many of the newest requests.")] = 50,
    download: Annotated[Path | None, Opt(help="Write everything kept (JSON lines).")] = None,
    data_dir: DataDirOption = Path(".sandbox"),
    url: UrlOption = None,
    token: TokenOption = None,
    json_: JsonOption = False,
) -> None:
    """The request log: method, path, status, code, latency, API key and injected fault."""
    client = admin_client(data_dir, url, token)
    kept = MAX_KEPT if download is not None else limit
    entries: list[dict[str, Any]] = client.get(f"/requests?limit={kept}")
    if download is not None:
        download.write_text("".join(json.dumps(entry) + "\n" for entry in entries))
        console.print(f"{len(entries)} requests written to {download}")
        return
    if json_:
        show(entries)
        return
    for e in entries:
        fault = f"  fault {e['faultId']} {e['fault']}" if e["fault"] else ""
        console.print(
            f"{e['method']:6} {e['path']:32} {e['status']} {e['code'] or '':>6} "
            f"{e['latencyMs']:8.1f} ms  {e['apiKey'][:12]}{fault}",
            highlight=False,
        )


def _read_rules(file: Path) -> list[dict[str, Any]]:
    data = read_document(file)
    rules = data.get("rules") if isinstance(data, dict) else data
    if not isinstance(rules, list):
        raise CliError(f"{file} must hold a list of rules (under `rules`)")
    return rules
