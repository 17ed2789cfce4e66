"""Asymmetric API keys: checking an uploaded public key, or generating a pair.

As on Binance, the exchange keeps only the public key; a generated private key is shown once
and never stored.
"""

from typing import Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

AsymmetricType = Literal["RSA", "ED25519"]


class PublicKeyError(ValueError):
    """An uploaded public key that is not a PEM key of the stated type."""


def normalise_public_key(key_type: AsymmetricType, pem: str) -> str:
    try:
        key = serialization.load_pem_public_key(pem.strip().encode())
    except ValueError as exc:
        raise PublicKeyError(f"publicKey is not a PEM public key: {exc}") from exc
    expected = rsa.RSAPublicKey if key_type == "RSA" else ed25519.Ed25519PublicKey
    if not isinstance(key, expected):
        raise PublicKeyError(f"publicKey is not an {key_type} public key")
    return _public_pem(key)


def generate_pair(key_type: AsymmetricType) -> tuple[str, str]:
    """(private key PEM, public key PEM)."""
    private: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
    if key_type == "RSA":
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        private = ed25519.Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return private_pem, _public_pem(private.public_key())


def _public_pem(key: rsa.RSAPublicKey | ed25519.Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
