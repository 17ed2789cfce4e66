"""Verifying a request signature with the key's scheme: HMAC-SHA256, RSA or Ed25519.

HMAC: hex digest, case-insensitive (Binance: "not case sensitive"). RSA: RSASSA-PKCS1-v1_5
over SHA-256, base64. Ed25519: RFC 8032, base64. The payload is the exact query string
followed by the body, as sent.
"""

import base64
import binascii
import hashlib
import hmac
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from binance_sandbox.core.accounts import ApiKey


def signature_matches(key: ApiKey, payload: str, signature: str) -> bool:
    if key.key_type == "HMAC":
        expected = hmac.new(key.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        # As bytes: compare_digest refuses str with non-ASCII characters, and a signature
        # such as `%C3%A9` decodes to one.
        return hmac.compare_digest(expected.encode(), signature.lower().encode())
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    public = _public_key(key.secret)
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(raw, payload.encode(), padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(raw, payload.encode())
        else:
            return False
    except InvalidSignature:
        return False
    return True


@lru_cache(maxsize=1024)
def _public_key(pem: str) -> object:
    return serialization.load_pem_public_key(pem.encode())
