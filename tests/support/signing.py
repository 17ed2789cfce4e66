"""Signing requests exactly as Binance's USDⓈ-M docs describe (general-info, SIGNED endpoints).

The payload is the query string (then the body) as sent, URL-encoded, without `signature`.
HMAC-SHA256: the hex digest of the payload under the secret key. RSA (PKCS#1 v1.5, SHA-256) and
Ed25519: the signature in base64, which is then URL-encoded as the last query parameter
(base64 holds `+`, `/` and `=`).
"""

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

Params = Mapping[str, Any] | Sequence[tuple[str, Any]]


@dataclass(frozen=True)
class Credentials:
    """An API key and what signs with it: the HMAC secret or the PEM private key."""

    api_key: str
    secret: str = ""
    private_key: str = ""

    @classmethod
    def from_admin(cls, created: Mapping[str, Any]) -> "Credentials":
        """From the answer of `POST /sandbox/v1/accounts/{name}/keys`."""
        return cls(created["apiKey"], created.get("secretKey", ""), created.get("privateKey", ""))

    @property
    def headers(self) -> dict[str, str]:
        return {"X-MBX-APIKEY": self.api_key}


def signature(credentials: Credentials, payload: str) -> str:
    """The signature as Binance expects it before URL-encoding: hex (HMAC) or base64."""
    if credentials.secret:
        return hmac.new(credentials.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    private = serialization.load_pem_private_key(credentials.private_key.encode(), None)
    if isinstance(private, rsa.RSAPrivateKey):
        raw = private.sign(payload.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    elif isinstance(private, ed25519.Ed25519PrivateKey):
        raw = private.sign(payload.encode("ascii"))
    else:  # pragma: no cover - the sandbox issues only these key types
        raise TypeError(f"unsupported private key {type(private).__name__}")
    return base64.b64encode(raw).decode("ascii")


def now_ms() -> int:
    """Wall time in ms: what clients stamp `timestamp` with."""
    return int(time.time() * 1000)


def query(params: Params) -> str:
    """URL-encodes parameters in the given order, as Binance's SDK does (`urlencode`)."""
    items = params.items() if isinstance(params, Mapping) else params
    return urlencode([(name, str(value)) for name, value in items])


def sign_payload(credentials: Credentials, payload: str) -> str:
    """`payload&signature=...` with the signature URL-encoded."""
    return f"{payload}&signature={quote(signature(credentials, payload), safe='')}"


def signed_query(credentials: Credentials, params: Params | None = None) -> str:
    """A signed query string; `timestamp` (wall time now) is appended unless given."""
    items = list(params.items() if isinstance(params, Mapping) else params or [])
    if not any(name == "timestamp" for name, _ in items):
        items.append(("timestamp", now_ms()))
    return sign_payload(credentials, query(items))


def signed_request(
    base_url: str, credentials: Credentials, method: str, path: str, **params: Any
) -> httpx.Response:
    """A signed request with the parameters in the query string, as the connector sends them."""
    url = f"{base_url}{path}?{signed_query(credentials, params)}"
    return httpx.request(method, url, headers=credentials.headers, timeout=10)
