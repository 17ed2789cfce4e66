"""Deterministic API keys and HMAC secrets from the exchange seed and a sequence number.

Binance keys and secrets are 64 alphanumeric characters. Deriving them (instead of drawing them
from a random source) keeps the core pure and makes a journal replay recreate the same keys.
A sandbox's seed is its own; anyone holding its journal holds its secrets anyway.
"""

import hashlib

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_LENGTH = 64


def derive_token(seed: int, seq: int, purpose: str, length: int = _LENGTH) -> str:
    """`length` (at most 64) base-62 characters from SHA-512(seed, seq, purpose); a shorter
    token is the longer one's prefix."""
    digest = hashlib.sha512(f"binance-sandbox:{seed}:{seq}:{purpose}".encode()).digest()
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    return "".join(chars)
