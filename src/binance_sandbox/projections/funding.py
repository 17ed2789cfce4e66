"""Funding history: the settled rates (GET /fapi/v1/fundingRate) and every position's funding
fee (FUNDING_FEE rows of GET /fapi/v1/income), projected from `FundingSettled` and
`FundingFeeCharged` events.

A fee's tranId is its command's sequence number x 1,000,000 plus its place among the fees of
that command, so a replay of the journal gives the same ids. Rows not yet committed are served
from memory, as the history projection does; a reset or restore forgets those after the saved
state's time.
"""

from pathlib import Path

import msgspec

from binance_sandbox.core.commands import Stamped
from binance_sandbox.core.events import Event, FundingFeeCharged, FundingSettled, StateReplaced
from binance_sandbox.core.income_ids import IDS_PER_COMMAND
from binance_sandbox.projections.sqlite_projection import SqliteProjection, Write, merged

_SCHEMA = """
CREATE TABLE IF NOT EXISTS funding_rate_history (
    symbol TEXT NOT NULL,
    time INTEGER NOT NULL,
    rate INTEGER NOT NULL,
    mark INTEGER NOT NULL,
    PRIMARY KEY (symbol, time)
);
CREATE INDEX IF NOT EXISTS funding_rate_history_by_time ON funding_rate_history (time);
CREATE TABLE IF NOT EXISTS funding_fee_history (
    tran_id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    asset TEXT NOT NULL,
    amount INTEGER NOT NULL,
    time INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS funding_fee_history_by_account
    ON funding_fee_history (account_id, time);
"""


class FundingRateRecord(msgspec.Struct, frozen=True):
    symbol: str
    time: int
    rate: int  # 8 decimals
    mark: int  # 8 decimals


class FundingFeeRecord(msgspec.Struct, frozen=True):
    tran_id: int
    account_id: int
    symbol: str
    asset: str
    amount: int  # 8 decimals, received > 0
    time: int


class FundingStore(SqliteProjection):
    name = "funding"
    schema = _SCHEMA

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._rates: list[FundingRateRecord] = []
        self._fees: list[FundingFeeRecord] = []
        self._flushing_rates: list[FundingRateRecord] = []
        self._flushing_fees: list[FundingFeeRecord] = []
        self._forget_after: int | None = None  # a reset's saved time, deletes not yet written
        self._flushing_forget: int | None = None

    def project(self, stamped: Stamped, events: list[Event]) -> bool:
        changed, place = False, 0
        for event in events:
            if isinstance(event, FundingSettled):
                changed = True
                self._rates.append(
                    FundingRateRecord(event.symbol, event.time, event.rate, event.mark)
                )
            elif isinstance(event, FundingFeeCharged):
                changed, place = True, place + 1
                tran_id = stamped.seq * IDS_PER_COMMAND + place
                self._fees.append(
                    FundingFeeRecord(
                        tran_id,
                        event.account_id,
                        event.symbol,
                        event.asset,
                        event.amount,
                        event.time,
                    )
                )
            elif isinstance(event, StateReplaced):
                changed = True
                self._forget(event.saved_ts)
        return changed

    def _forget(self, saved_ts: int) -> None:
        self._forget_after = saved_ts
        for rows in (self._rates, self._flushing_rates):
            rows[:] = [r for r in rows if r.time <= saved_ts]
        for fees in (self._fees, self._flushing_fees):
            fees[:] = [f for f in fees if f.time <= saved_ts]

    def take_writes(self) -> list[Write]:
        forget: list[Write] = []
        # kept until the next flush, by when the deletes are committed
        self._flushing_forget, self._forget_after = self._forget_after, None
        if self._flushing_forget is not None:
            after = [(self._flushing_forget,)]
            forget = [
                ("DELETE FROM funding_rate_history WHERE time > ?", after),
                ("DELETE FROM funding_fee_history WHERE time > ?", after),
            ]
        self._flushing_rates, self._flushing_fees = self._rates, self._fees
        self._rates, self._fees = [], []
        return [
            *forget,
            (
                "INSERT OR REPLACE INTO funding_rate_history VALUES (?, ?, ?, ?)",
                [msgspec.structs.astuple(r) for r in self._flushing_rates],
            ),
            (
                "INSERT OR REPLACE INTO funding_fee_history VALUES (?, ?, ?, ?, ?, ?)",
                [msgspec.structs.astuple(f) for f in self._flushing_fees],
            ),
        ]

    def _kept(self, end: int) -> int:
        """`end`, or the saved state's time while its forgetting is not yet committed."""
        pending = [t for t in (self._forget_after, self._flushing_forget) if t is not None]
        return min([end, *pending])

    def rates(self, symbol: str | None, start: int, end: int) -> list[FundingRateRecord]:
        """Settled rates in [start, end] (of one symbol, or all), oldest first."""
        rows = self.reader.execute(
            "SELECT symbol, time, rate, mark FROM funding_rate_history "
            "WHERE time BETWEEN ? AND ? AND (? IS NULL OR symbol = ?)",
            (start, self._kept(end), symbol, symbol),
        ).fetchall()
        return merged(
            (FundingRateRecord(*row) for row in rows),
            [*self._flushing_rates, *self._rates],
            key=lambda r: (r.time, r.symbol),
            keep=lambda r: start <= r.time <= end and symbol in (None, r.symbol),
        )

    def fees(self, account_id: int, start: int, end: int) -> list[FundingFeeRecord]:
        """The account's funding fees in [start, end], oldest first."""
        rows = self.reader.execute(
            "SELECT * FROM funding_fee_history WHERE account_id = ? AND time BETWEEN ? AND ?",
            (account_id, start, self._kept(end)),
        ).fetchall()
        return merged(
            (FundingFeeRecord(*row) for row in rows),
            [*self._flushing_fees, *self._fees],
            key=lambda f: f.tran_id,
            keep=lambda f: f.account_id == account_id and start <= f.time <= end,
        )
