"""What a WebSocket API connection remembers: when it opened, the key it is logged on with (since
when), and whether answers carry `rateLimits` unless a request says otherwise."""

from dataclasses import dataclass
from typing import Any


@dataclass
class SessionState:
    connected_since: int  # exchange time, ms
    return_rate_limits: bool = True
    api_key: str | None = None
    authorized_since: int | None = None

    def log_on(self, api_key: str, now_ms: int) -> None:
        self.api_key, self.authorized_since = api_key, now_ms

    def log_out(self) -> None:
        self.api_key, self.authorized_since = None, None

    def status(self, server_time: int) -> dict[str, Any]:
        """session.logon / .status / .logout's result."""
        return {
            "apiKey": self.api_key,
            "authorizedSince": self.authorized_since,
            "connectedSince": self.connected_since,
            "returnRateLimits": self.return_rate_limits,
            "serverTime": server_time,
        }
