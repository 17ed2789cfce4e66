"""Authlib's grants, bound to the store: authorization code (with PKCE) and refresh token.

What is the sandbox's own here is policy, not protocol: PKCE S256 is required of public clients
and `plain` is refused (RFC 9700 2.1.1), refresh tokens rotate (RFC 9700 4.14.2), and a user
who cancels is sent back with Binance's `error=cancelled` (its app-integration page documents
it; RFC 6749 would say `access_denied`).
"""

from typing import TYPE_CHECKING, Any, ClassVar

from authlib.oauth2.rfc6749 import AccessDeniedError, InvalidRequestError, grants
from authlib.oauth2.rfc7636 import CodeChallenge

from binance_sandbox.oauth.models import AuthorizationCode, Token
from binance_sandbox.oauth.store import new_grant_id

if TYPE_CHECKING:
    from binance_sandbox.oauth.authorization import SandboxAuthorizationServer

# Confidential clients authenticate with their secret, in the body (Binance) or by HTTP Basic
# (RFC 6749 clients' default); public clients with their client_id alone ("none").
AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


class Cancelled(AccessDeniedError):
    error = "cancelled"
    description = "cancelled by user"


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = AUTH_METHODS
    server: "SandboxAuthorizationServer"

    def create_authorization_response(self, redirect_uri: str, grant_user: Any) -> Any:
        if grant_user is None:
            raise Cancelled(redirect_uri=redirect_uri)
        return super().create_authorization_response(redirect_uri, grant_user)

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        record = AuthorizationCode(
            code_digest="",
            client_id=request.client.client_id,
            account_id=request.user.account_id,
            redirect_uri=request.payload.redirect_uri,
            scope=request.scope,
            code_challenge=data.get("code_challenge", ""),
            code_challenge_method=data.get("code_challenge_method", ""),
            grant_id=new_grant_id(),
        )
        self.server.store.save_code(code, record, self.server.now_ms() + self.server.code_ttl_ms)

    def query_authorization_code(self, code: str, client: Any) -> AuthorizationCode | None:
        return self.server.store.code(code, client.client_id, self.server.now_ms())

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        # Kept as used rather than deleted, so that a second use is recognised as a replay.
        self.server.store.use_code(authorization_code)

    def authenticate_user(self, authorization_code: AuthorizationCode) -> Any:
        return self.server.account(authorization_code.account_id)


class RefreshGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True
    server: "SandboxAuthorizationServer"

    def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
        return self.server.store.refresh_token(refresh_token, self.server.now_ms())

    def authenticate_user(self, refresh_token: Token) -> Any:
        return self.server.account(refresh_token.account_id)

    def revoke_old_credential(self, refresh_token: Token) -> None:
        self.server.store.rotate(refresh_token)


class S256Only(CodeChallenge):
    """RFC 7636 with S256 alone; a public client must use it."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]

    def validate_code_challenge(self, grant: CodeGrant, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if grant.request.client.public and not data.get("code_challenge"):
            raise InvalidRequestError(
                "A public client must send code_challenge with code_challenge_method=S256."
            )
        if data.get("code_challenge") and not data.get("code_challenge_method"):
            # RFC 7636 reads a missing method as `plain`, which is not accepted.
            raise InvalidRequestError("Unsupported 'code_challenge_method': use S256.")
        super().validate_code_challenge(grant, redirect_uri)
