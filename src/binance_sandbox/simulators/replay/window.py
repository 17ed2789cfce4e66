"""The replay window, `FROM..TO`: exchange times from FROM (inclusive) to TO (exclusive)."""

from dataclasses import dataclass

from binance_sandbox.config.times import parse_instant_ms


@dataclass(frozen=True, slots=True)
class ReplayWindow:
    start: int  # epoch ms
    end: int

    def contains(self, ts: int) -> bool:
        return self.start <= ts < self.end

    @classmethod
    def parse(cls, start: str, end: str) -> "ReplayWindow":
        """From two instants (ISO-8601, a date alone is its midnight UTC, or epoch ms)."""
        window = cls(parse_instant_ms(start), parse_instant_ms(end))
        if window.end <= window.start:
            raise ValueError(f"the replay window {start}..{end} is empty: TO must be after FROM")
        return window


def split_window(text: str) -> tuple[str, str]:
    """'2026-11-01..2026-11-02' -> ('2026-11-01', '2026-11-02')."""
    start, separator, end = text.partition("..")
    if not separator or not start or not end:
        raise ValueError(
            f"--replay takes FROM..TO (for example 2026-11-01..2026-11-02), not {text!r}"
        )
    return start, end
