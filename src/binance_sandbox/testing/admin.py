"""The admin API as a test uses it: clock, prices, faults, states. Each call raises on a
refusal with the server's `{"code", "msg"}`."""

from typing import Any

import httpx


class AdminError(RuntimeError):
    pass


class SandboxAdmin:
    def __init__(self, url: str, token: str) -> None:
        self._http = httpx.Client(
            base_url=url + "/sandbox/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60.0,
        )

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._http.request(method, path, json=body)
        if response.is_error:
            raise AdminError(f"{method} {path}: HTTP {response.status_code} {response.text}")
        return response.json()

    def close(self) -> None:
        self._http.close()

    # the clock (manual under the plugin)
    def now_ms(self) -> int:
        return int(self.call("GET", "/health")["exchangeTime"])

    def advance(self, by: str = "", to: str = "") -> Any:
        """`by="1h"` or `to="2026-01-01T08:00:00Z"`: every timer due on the way fires."""
        return self.call("POST", "/clock/advance", {"to": to} if to else {"by": by})

    def pause(self) -> Any:
        return self.call("POST", "/clock/pause")

    def resume(self) -> Any:
        return self.call("POST", "/clock/resume")

    # prices, accounts
    def set_price(self, symbol: str, price: str) -> Any:
        return self.call("PUT", f"/prices/{symbol}", {"price": price})

    def set_mark(self, symbol: str, price: str) -> Any:
        """The mark price of a contract, now: liquidates what it puts at 100 % margin ratio."""
        return self.call("PUT", f"/marks/{symbol}", {"price": price})

    def set_insurance(self, asset: str, balance: str) -> Any:
        """The insurance fund's balance of a margin asset (0: bankrupt positions go to ADL)."""
        return self.call("PUT", f"/insurance/{asset}", {"balance": balance})

    def create_account(self, name: str, balances: dict[str, str] | None = None) -> dict[str, Any]:
        """A new account with its balances deposited and an HMAC key (`apiKey`, `secretKey`)."""
        self.call("POST", "/accounts", {"name": name})
        for asset, amount in (balances or {}).items():
            self.call("POST", f"/accounts/{name}/deposits", {"asset": asset, "amount": amount})
        return dict(self.call("POST", f"/accounts/{name}/keys", {"type": "hmac"}))

    # faults
    def add_fault(self, kind: str, **rule: Any) -> dict[str, Any]:
        """One rule, with the admin API's fields (`count=1`, `endpoint=...`, `code=-2019`)."""
        return dict(self.call("POST", "/faults", {"kind": kind, **rule})["rules"][0])

    def faults(self) -> list[dict[str, Any]]:
        return list(self.call("GET", "/faults")["rules"])

    def clear_faults(self) -> Any:
        return self.call("DELETE", "/faults")

    # states
    def state_hash(self) -> str:
        return str(self.call("GET", "/state-hash")["stateHash"])

    def reset(self) -> Any:
        """Back to the first start: the demo account and its configured keys only."""
        return self.call("POST", "/reset")

    def save(self, name: str) -> Any:
        return self.call("POST", f"/states/{name}")

    def restore(self, name: str) -> Any:
        return self.call("POST", f"/states/{name}/restore")
