"""Deterministic API keys and HMAC secrets from the exchange seed and a sequence number.

Binance keys and secrets are 64 alphanumeric characters. Deriving them (instead of drawing them
from a random source) keeps the core pure and makes a journal replay recreate the same keys.
A sandbox's seed is its own; anyone holding its journal holds its secrets anyway.
"""

import hashlib

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_LENGTH = 64
# Two base-62 digits per division of the 512-bit number (low digit first, as one at a time
# would give them): half the big-number divisions, the same characters.
_PAIRS = [_ALPHABET[i % len(_ALPHABET)] + _ALPHABET[i // len(_ALPHABET)] for i in range(62 * 62)]


def derive_token(seed: int, seq: int, purpose: str, length: int = _LENGTH) -> str:
    """`length` (at most 64) base-62 characters from SHA-512(seed, seq, purpose); a shorter
    token is the longer one's prefix."""
    digest = hashlib.sha512(f"binance-sandbox:{seed}:{seq}:{purpose}".encode()).digest()
    number = int.from_bytes(digest, "big")
    pairs = []
    for _ in range((length + 1) // 2):
        number, pair = divmod(number, len(_PAIRS))
        pairs.append(_PAIRS[pair])
    return "".join(pairs)[:length]
