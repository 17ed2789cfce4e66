"""Integer division with Binance's rounding for derived values (half away from zero)."""


def div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero; denominator > 0."""
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient
