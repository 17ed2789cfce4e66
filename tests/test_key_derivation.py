"""Derived tokens are part of the journal's meaning: a replay must recreate the same client
order ids and API keys, so the digits are pinned (values made by the one-digit-per-division
version before it was sped up)."""

import pytest

from binance_sandbox.core.key_derivation import derive_token


@pytest.mark.parametrize(
    ("seed", "seq", "purpose", "length", "token"),
    [
        (7, 12345, "client-order-id:1700000000000", 22, "2m3eRBN6K9gKwZp58m9wCE"),
        (0, 1, "api-key", 64, "xo7gtshlalbajfoxCIyWNds46WSKZK5O94Fx5V2B6LIN1dJlDHvVvXxE5csUXPGT"),
        (2**40, 99, "secret", 1, "m"),
    ],
)
def test_tokens_are_pinned(seed: int, seq: int, purpose: str, length: int, token: str) -> None:
    assert derive_token(seed, seq, purpose, length) == token


@pytest.mark.parametrize("length", range(1, 65))
def test_a_shorter_token_is_the_longer_ones_prefix(length: int) -> None:
    token = derive_token(3, 42, "client-order-id:0", length)
    assert len(token) == length
    assert derive_token(3, 42, "client-order-id:0").startswith(token)
