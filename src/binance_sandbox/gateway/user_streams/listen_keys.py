"""listenKeys: which user-data stream belongs to which API key, and for how long.

One key per API key and product (a key started on /fapi streams USDⓈ-M's events, one started on
/dapi COIN-M's: `product_routing`): starting while one is active returns it and extends it, as
Binance does.
A key lives `validity_ms` (60 minutes) of exchange time from its start or last keepalive, so a
manual clock expires it. Keys are the shell's, not exchange state: they are not journaled and a
restart forgets them (a client starts a new one, as after any disconnect). Lapsed keys are
reported once to the `on_expired` listeners (the feed sends `listenKeyExpired`).

`start`, `keepalive` and `close` are the whole lifecycle; the REST endpoints and the WebSocket
API's `userDataStream.*` methods both call them.
"""

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass

from binance_sandbox.core.instruments import Product
from binance_sandbox.core.state import ApiKeyRecord

VALIDITY_MS = 60 * 60 * 1000
_ALPHABET = string.ascii_letters + string.digits
_KEY_LENGTH = 64


@dataclass
class ListenKey:
    key: str
    api_key: str
    account_id: int
    expires: int  # exchange ms
    product: Product = "usdm"

    @property
    def owner(self) -> tuple[str, Product]:
        return self.api_key, self.product


Expired = Callable[[ListenKey], None]


def _new_key() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(_KEY_LENGTH))


class ListenKeys:
    def __init__(self, now_ms: Callable[[], int], validity_ms: int = VALIDITY_MS) -> None:
        self._now_ms = now_ms
        self._validity_ms = validity_ms
        self._by_api_key: dict[tuple[str, Product], ListenKey] = {}
        self._by_key: dict[str, ListenKey] = {}
        self._by_account: dict[int, dict[str, ListenKey]] = {}
        self._next_expiry = 2**63
        self._expired_listeners: list[Expired] = []

    def on_expired(self, listener: Expired) -> None:
        self._expired_listeners.append(listener)

    def start(self, record: ApiKeyRecord, product: Product = "usdm") -> str:
        """The API key's active listenKey of the product, extended, or a new one."""
        now = self._now_ms()
        self.expire(now)
        current = self._by_api_key.get((record.key.api_key, product))
        if current is None:
            current = ListenKey(_new_key(), record.key.api_key, record.account_id, 0, product)
            self._by_api_key[current.owner] = current
            self._by_key[current.key] = current
            self._by_account.setdefault(current.account_id, {})[current.key] = current
        self._extend(current, now)
        return current.key

    def keepalive(self, record: ApiKeyRecord, product: Product = "usdm") -> str | None:
        """Extends the API key's listenKey; None: it has none (Binance's -1125)."""
        now = self._now_ms()
        self.expire(now)
        current = self._by_api_key.get((record.key.api_key, product))
        if current is None:
            return None
        self._extend(current, now)
        return current.key

    def close(self, record: ApiKeyRecord, product: Product = "usdm") -> bool:
        """Ends the API key's listenKey; False: it had none."""
        self.expire(self._now_ms())
        current = self._by_api_key.get((record.key.api_key, product))
        if current is None:
            return False
        self._remove(current)
        return True

    def account_of(self, key: str) -> int | None:
        """The account an active listenKey streams, or None."""
        found = self._by_key.get(key)
        return found.account_id if found is not None else None

    def of_account(self, account_id: int) -> tuple[str, ...]:
        keys = self._by_account.get(account_id)
        return tuple(keys) if keys else ()

    def listening(self, account_id: int) -> tuple[ListenKey, ...]:
        """The account's active keys (each names its product)."""
        keys = self._by_account.get(account_id)
        return tuple(keys.values()) if keys else ()

    def active(self) -> bool:
        return bool(self._by_key)

    def expire(self, now: int) -> None:
        """Removes the keys whose validity ended by `now` and tells the listeners, in expiry
        order."""
        if now < self._next_expiry:
            return
        lapsed = sorted(
            (k for k in self._by_key.values() if k.expires <= now), key=lambda k: k.expires
        )
        for key in lapsed:
            self._remove(key)
        self._next_expiry = min((k.expires for k in self._by_key.values()), default=2**63)
        for key in lapsed:
            for listener in self._expired_listeners:
                listener(key)

    def expire_now(self, account_id: int | None = None) -> int:
        """Ends the keys of one account (or every key) now, as if their hour were up: their
        connections get listenKeyExpired (the admin's fault lever). How many ended."""
        now = self._now_ms()
        chosen = [k for k in self._by_key.values() if account_id in (None, k.account_id)]
        for key in chosen:
            key.expires = min(key.expires, now)
            self._next_expiry = min(self._next_expiry, key.expires)
        self.expire(now)
        return len(chosen)

    def forget(self) -> None:
        """Every key ends without a word: the exchange became a saved state, whose accounts
        and API keys need not be the ones the keys were made for."""
        self._by_api_key.clear()
        self._by_key.clear()
        self._by_account.clear()

    def _extend(self, key: ListenKey, now: int) -> None:
        key.expires = now + self._validity_ms
        self._next_expiry = min(self._next_expiry, key.expires)

    def _remove(self, key: ListenKey) -> None:
        del self._by_api_key[key.owner]
        del self._by_key[key.key]
        keys = self._by_account[key.account_id]
        del keys[key.key]
        if not keys:
            del self._by_account[key.account_id]
