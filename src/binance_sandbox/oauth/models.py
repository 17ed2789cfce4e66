"""The records Authlib's grants work on: clients, authorization codes and tokens.

They implement Authlib's ClientMixin, AuthorizationCodeMixin and TokenMixin by duck typing.
Scopes are space-separated inside Authlib (RFC 6749); the wire shows them comma-separated.
Expiry is decided against the exchange clock's time given when the record was loaded.
"""

import hashlib
import hmac
from dataclasses import dataclass

from binance_sandbox.oauth.scopes import SCOPES

CONFIDENTIAL_AUTH_METHODS = ("client_secret_basic", "client_secret_post")


def digest(secret: str) -> str:
    """Secrets, codes and tokens are stored as SHA-256 digests, never as given."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Client:
    client_id: str
    name: str
    redirect_uris: tuple[str, ...]
    secret_digest: str  # "" for a public client
    created_ms: int

    @property
    def public(self) -> bool:
        return not self.secret_digest

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # Binance requires redirect_uri on every request

    def get_allowed_scope(self, scope: str | None) -> str | None:
        requested = (scope or "").split()
        if not requested or any(name not in SCOPES for name in requested):
            return None
        return " ".join(requested)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris  # exact match only (RFC 9700 2.1)

    def check_client_secret(self, client_secret: str) -> bool:
        return not self.public and hmac.compare_digest(digest(client_secret), self.secret_digest)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:  # noqa: ARG002
        if self.public:
            return method == "none"
        return method in CONFIDENTIAL_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


@dataclass(frozen=True)
class AuthorizationCode:
    code_digest: str
    client_id: str
    account_id: int
    redirect_uri: str
    scope: str
    code_challenge: str
    code_challenge_method: str
    grant_id: str

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


@dataclass(frozen=True)
class Token:
    access_digest: str
    refresh_digest: str
    client_id: str
    account_id: int
    scope: str
    grant_id: str
    issued_ms: int
    expires_ms: int
    revoked: bool
    now_ms: int

    def check_client(self, client: Client) -> bool:
        return self.client_id == client.client_id

    def get_scope(self) -> str:
        return self.scope

    def is_expired(self) -> bool:
        return self.now_ms >= self.expires_ms

    def is_revoked(self) -> bool:
        return self.revoked
