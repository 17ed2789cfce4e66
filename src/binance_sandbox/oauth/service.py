"""Binance Login as the running server holds it: the store, Authlib's server, the bearer
guard, and the journaled admin path that `create:apikey` creates keys through."""

from collections.abc import Callable
from pathlib import Path

from binance_sandbox.admin.operations import AdminOperations, bad_request
from binance_sandbox.config.model import OAuthConfig
from binance_sandbox.core.accounts import Account
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.oauth.authorization import SandboxAuthorizationServer
from binance_sandbox.oauth.bearer import BearerGuard
from binance_sandbox.oauth.models import Client
from binance_sandbox.oauth.store import OAuthStore


class LoginService:
    def __init__(
        self,
        path: Path,
        config: OAuthConfig,
        now_ms: Callable[[], int],
        state: Callable[[], ExchangeState],
        operations: AdminOperations,
    ) -> None:
        self.store = OAuthStore(path)
        self.config = config
        self.now_ms = now_ms
        self._state = state
        self.operations = operations
        self.server = SandboxAuthorizationServer(
            self.store,
            now_ms,
            self.account,
            config.code_ttl_s,
            config.access_token_ttl_s,
            config.refresh_token_ttl_s,
        )
        self.guard = BearerGuard(self.store, now_ms)

    def account(self, account_id: int) -> Account | None:
        return self._state().account(account_id)

    def accounts(self) -> list[Account]:
        return list(self._state().accounts)

    def create_client(
        self, name: str, redirect_uris: list[str], public: bool
    ) -> tuple[Client, str]:
        if not name.strip():
            raise bad_request("name must not be empty")
        if not redirect_uris or not all(_absolute(uri) for uri in redirect_uris):
            raise bad_request("redirectUris must be absolute URIs without a fragment")
        return self.store.create_client(name.strip(), redirect_uris, public, self.now_ms())

    def close(self) -> None:
        self.store.close()


def _absolute(uri: str) -> bool:
    """RFC 6749 3.1.2: an absolute URI with no fragment (custom schemes allowed for apps)."""
    scheme, sep, rest = uri.partition("://")
    return bool(scheme and sep and rest) and "#" not in uri
