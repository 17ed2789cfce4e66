"""The scopes an app may ask for, in the words the consent page shows.

Binance's scope list is not public: `user:openId` and `create:apikey` appear in its examples,
`user:email` in third-party code. `read` and `trade` are the sandbox's own: they bound the
permissions of an API key made through `create:apikey`.
"""

import re

SCOPES: dict[str, str] = {
    "user:openId": "Know who you are (your user ID)",
    "user:email": "Read your email address",
    "create:apikey": "Create an API key for your account",
    "read": "Read your balances, positions and orders (API keys it creates)",
    "trade": "Place and cancel futures orders (API keys it creates)",
}

_SEPARATORS = re.compile(r"[,\s]+")


def split_scopes(text: str | None) -> list[str]:
    """Binance writes scopes comma-separated; RFC 6749 clients space-separated: take both.
    A scope named twice counts once."""
    return list(dict.fromkeys(scope for scope in _SEPARATORS.split(text or "") if scope))


def binance_scope(scopes: list[str]) -> str:
    return ",".join(scopes)


def describe(scopes: list[str]) -> list[tuple[str, str]]:
    return [(scope, SCOPES.get(scope, scope)) for scope in scopes]
