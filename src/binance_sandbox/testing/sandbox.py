"""What the `binance_sandbox` fixture yields: the server's URLs, a funded account's keys, an
admin client and client factories pointed at the server."""

from dataclasses import dataclass
from typing import Any

from binance_sandbox.testing import clients
from binance_sandbox.testing.admin import SandboxAdmin
from binance_sandbox.testing.process import SandboxProcess


@dataclass
class Sandbox:
    url: str  # REST base: what a client's base URL becomes
    admin_url: str
    api_key: str  # an HMAC key of the funded `demo` account
    secret: str
    admin: SandboxAdmin
    process: SandboxProcess

    def ccxt(self, api_key: str = "", secret: str = "") -> Any:
        """ccxt's `binanceusdm`; another account's key and secret if given."""
        return clients.ccxt_client(self.url, api_key or self.api_key, secret or self.secret)

    def python_binance(self, api_key: str = "", secret: str = "") -> Any:
        return clients.python_binance_client(
            self.url, api_key or self.api_key, secret or self.secret
        )

    def futures_connector(self, api_key: str = "", secret: str = "") -> Any:
        return clients.futures_connector_client(
            self.url, api_key or self.api_key, secret or self.secret
        )

    def official_sdk(self, api_key: str = "", secret: str = "") -> Any:
        return clients.official_sdk_client(self.url, api_key or self.api_key, secret or self.secret)
