"""Binance Login's clients in the admin API (`/sandbox/v1/oauth/clients`), which the CLI's
`binance-sandbox oauth clients` commands call."""

from typing import Any, Protocol, cast

from starlette.requests import Request
from starlette.routing import Route

from binance_sandbox.admin.operations import bad_request
from binance_sandbox.admin.routes import (
    AdminContext,
    admin_endpoint,
    flag_field,
    read_body,
    required_field,
    text_field,
)
from binance_sandbox.oauth.models import Client
from binance_sandbox.oauth.service import LoginService


class LoginContext(AdminContext, Protocol):
    login: LoginService


def _login(ctx: AdminContext) -> LoginService:
    return cast(LoginContext, ctx).login


def client_view(client: Client) -> dict[str, Any]:
    return {
        "clientId": client.client_id,
        "name": client.name,
        "redirectUris": list(client.redirect_uris),
        "public": client.public,
        "created": client.created_ms,
    }


async def create_client(request: Request, ctx: AdminContext) -> dict[str, Any]:
    body = await read_body(request)
    uris = required_field(body, "redirectUris")
    if isinstance(uris, str):
        uris = [uris]
    if not isinstance(uris, list) or not all(
        isinstance(uri, str) and len(uri) <= 2048 for uri in uris
    ):
        raise bad_request("redirectUris must be a list of URIs")
    public = flag_field(body, "public", False)
    client, secret = _login(ctx).create_client(text_field(body, "name", 64), uris, public)
    view = client_view(client)
    if secret:
        view["clientSecret"] = secret  # shown once: the store keeps only its digest
    return view


async def list_clients(request: Request, ctx: AdminContext) -> list[dict[str, Any]]:
    return [client_view(client) for client in _login(ctx).store.clients()]


def login_admin_routes() -> list[Route]:
    return [
        Route("/oauth/clients", admin_endpoint(create_client), methods=["POST"]),
        Route("/oauth/clients", admin_endpoint(list_clients), methods=["GET"]),
    ]
