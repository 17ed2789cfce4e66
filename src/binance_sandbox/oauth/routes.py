"""Binance Login's HTTP surface: the authorization endpoint with its consent page, the token
endpoint, and the resource endpoints under `/oauth-api/v1`."""

import hmac
import secrets
from typing import Any
from urllib.parse import parse_qsl

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6750 import InsufficientScopeError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from binance_sandbox.admin.operations import AdminRejected
from binance_sandbox.oauth.bearer import Refused, envelope
from binance_sandbox.oauth.consent_page import CSRF_COOKIE, consent_page, error_page
from binance_sandbox.oauth.requests import SandboxOAuth2Request
from binance_sandbox.oauth.scopes import split_scopes
from binance_sandbox.oauth.service import LoginService

FORM_TYPE = "application/x-www-form-urlencoded"
AUTHORIZE_PATHS = ("/en/oauth/authorize", "/oauth/authorize")


async def _form(request: Request) -> list[tuple[str, str]]:
    """An `application/x-www-form-urlencoded` body, the only kind OAuth 2.0 sends."""
    if not request.headers.get("content-type", "").startswith(FORM_TYPE):
        return []
    return parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)


async def _oauth_request(request: Request) -> SandboxOAuth2Request:
    return SandboxOAuth2Request(
        request.method, request.url, request.headers, request.query_params, await _form(request)
    )


def _login(request: Request) -> LoginService:
    service: LoginService = request.app.state.login
    return service


def _refused_request(error: OAuth2Error, login: LoginService) -> Response:
    """Before client and redirect URI are known good, never redirect (RFC 6749 4.1.2.1)."""
    if error.redirect_uri:
        redirect: Response = login.server.handle_error_response(None, error)
        return redirect
    return error_page(error.error, error.get_error_description())


async def authorize_page(request: Request) -> Response:
    login = _login(request)
    oauth_request = await _oauth_request(request)
    try:
        grant = login.server.get_consent_grant(oauth_request)
    except OAuth2Error as error:
        return _refused_request(error, login)
    action = f"{request.url.path}?{request.url.query}"
    scopes = split_scopes(oauth_request.scope)
    return consent_page(grant.client, scopes, login.accounts(), action, secrets.token_urlsafe(32))


async def authorize_decision(request: Request) -> Response:
    login = _login(request)
    oauth_request = await _oauth_request(request)
    form = dict(await _form(request))
    sent, expected = form.get("csrf_token", ""), request.cookies.get(CSRF_COOKIE, "")
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        return error_page("invalid_request", "The consent form expired or was forged.", 403)
    try:
        grant = login.server.get_consent_grant(oauth_request)
    except OAuth2Error as error:
        return _refused_request(error, login)
    user = None
    if form.get("decision") == "approve":
        account_id = form.get("account", "")
        user = login.account(int(account_id)) if account_id.isdigit() else None
        if user is None:
            return error_page("invalid_request", "Choose an existing sandbox account.")
        login.store.save_consent(
            user.account_id, grant.client.client_id, oauth_request.scope, login.now_ms()
        )
    response: Response = login.server.create_authorization_response(
        oauth_request, grant_user=user, grant=grant
    )
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


async def token(request: Request) -> Response:
    login = _login(request)
    if login.config.strict_rfc and request.url.query:
        # RFC 6749 3.2: the token request's parameters travel in the form body.
        body = {
            "error": "invalid_request",
            "error_description": "Send the parameters in the form body, not the query string.",
        }
        return JSONResponse(body, status_code=400, headers={"Cache-Control": "no-store"})
    response: Response = login.server.create_token_response(await _oauth_request(request))
    return response


async def user_info(request: Request) -> Response:
    login = _login(request)
    try:
        token = login.guard.token(request, "user:openId")
    except Refused as refused:
        return refused.response()
    data: dict[str, Any] = {"userId": str(token.account_id)}
    account = login.account(token.account_id)
    if "user:email" in token.scope.split() and account is not None:
        data["email"] = f"{account.name}@sandbox.invalid"
    return envelope(data)


async def revoke_token(request: Request) -> Response:
    login = _login(request)
    try:
        token = login.guard.token(request)
    except Refused as refused:
        return refused.response()
    login.store.revoke_grant(token.grant_id)
    return envelope(True)


async def create_api_key(request: Request) -> Response:
    """`create:apikey`: an HMAC key for the user, reading with `read`, trading with `trade`,
    made through the admin path (one journaled command) like any other key."""
    login = _login(request)
    try:
        token = login.guard.token(request, "create:apikey")
    except Refused as refused:
        return refused.response()
    scopes = token.scope.split()
    if "read" not in scopes and "trade" not in scopes:
        needed = InsufficientScopeError(description="create:apikey needs the read or trade scope")
        return Refused(needed).response()
    client = login.store.client(token.client_id)
    try:
        created = await login.operations.create_key(
            token.account_id,
            "hmac",
            read_only="trade" not in scopes,
            enable_futures="trade" in scopes,
            label=f"oauth:{client.name if client else token.client_id}"[:64],  # the admin bound
        )
    except AdminRejected as exc:
        return JSONResponse(
            {"code": str(exc.code), "message": exc.msg, "data": None, "success": False},
            status_code=exc.status,
        )
    event = created.event
    return envelope(
        {
            "apiKey": event.api_key,
            "secretKey": event.secret,
            "enableReading": True,
            "enableFutures": event.can_trade,
        }
    )


def login_routes() -> list[Route]:
    routes = [Route(path, authorize_page, methods=["GET"]) for path in AUTHORIZE_PATHS]
    routes += [Route(path, authorize_decision, methods=["POST"]) for path in AUTHORIZE_PATHS]
    return [
        *routes,
        Route("/oauth/token", token, methods=["POST"]),
        Route("/oauth-api/v1/user-info", user_info, methods=["GET"]),
        Route("/oauth-api/v1/revoke-token", revoke_token, methods=["POST"]),
        Route("/oauth-api/v1/create-apikey", create_api_key, methods=["POST"]),
    ]
