"""Authlib's authorization server, adapted to Starlette, the store and the exchange clock.

Responses come back from Authlib as (status, body, headers); they become Starlette responses
here, with Binance's token shape: `token_type` "bearer" and `scope` comma-separated.
"""

import uuid
from collections.abc import Callable
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationServer
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from starlette.responses import JSONResponse, Response

from binance_sandbox.core.accounts import Account
from binance_sandbox.oauth.grants import CodeGrant, RefreshGrant, S256Only
from binance_sandbox.oauth.models import Client, Token
from binance_sandbox.oauth.requests import SandboxOAuth2Request
from binance_sandbox.oauth.scopes import SCOPES, binance_scope
from binance_sandbox.oauth.store import OAuthStore


def _uuid_token(**_: Any) -> str:
    # Binance's tokens are UUIDs (its docs' example); uuid4 has 122 random bits.
    return str(uuid.uuid4())


class SandboxAuthorizationServer(AuthorizationServer):
    def __init__(
        self,
        store: OAuthStore,
        now_ms: Callable[[], int],
        account: Callable[[int], Account | None],
        code_ttl_s: int,
        access_ttl_s: int,
        refresh_ttl_s: int,
    ) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.store = store
        self.now_ms = now_ms
        self.account = account
        self.code_ttl_ms = code_ttl_s * 1000
        self._refresh_ttl_ms = refresh_ttl_s * 1000
        generator = BearerTokenGenerator(
            _uuid_token, _uuid_token, expires_generator=lambda *_: access_ttl_s
        )
        self.register_token_generator("default", generator)
        self.register_grant(CodeGrant, [S256Only(required=True)])
        self.register_grant(RefreshGrant)

    def query_client(self, client_id: str) -> Client | None:
        return self.store.client(client_id)

    def save_token(self, token: dict[str, Any], request: SandboxOAuth2Request) -> None:
        origin = request.authorization_code or request.refresh_token
        now = self.now_ms()
        record = Token(
            access_digest="",
            refresh_digest="",
            client_id=request.client.client_id,
            account_id=request.user.account_id,
            scope=token["scope"],
            grant_id=origin.grant_id,
            issued_ms=now,
            expires_ms=now + token["expires_in"] * 1000,
            revoked=False,
            now_ms=now,
        )
        refresh_expires = now + self._refresh_ttl_ms
        access, refresh = token["access_token"], token["refresh_token"]
        self.store.save_token(access, refresh, record, refresh_expires)

    def create_oauth2_request(self, request: SandboxOAuth2Request) -> SandboxOAuth2Request:
        return request  # built by the routes, which have read the body already

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass  # no observers

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        if isinstance(body, dict):
            if "scope" in body:
                body["scope"] = binance_scope(str(body["scope"]).split())
            if "token_type" in body:
                body["token_type"] = "bearer"
            return JSONResponse(body, status_code=status, headers=dict(headers))
        return Response(body or b"", status_code=status, headers=dict(headers))
