"""The ledger of transfers in and out of the futures wallets (income type TRANSFER, the admin
API's transfer list), projected from `BalanceChanged` events of reason DEPOSIT and WITHDRAW.

It lives here rather than in the core state so a snapshot does not grow with every deposit
(issue 17 item 7): the core keeps only each account's net transfers per asset. A transfer's id
is the sequence number of its command. After a reset, restore or import, transfers after the
saved state's sequence number are forgotten, as the history projection forgets orders.
"""

from pathlib import Path

import msgspec

from binance_sandbox.core.commands import Stamped
from binance_sandbox.core.events import BalanceChanged, Event, StateReplaced
from binance_sandbox.core.instruments import Product
from binance_sandbox.projections.sqlite_projection import SqliteProjection, Write, merged

_SCHEMA = """
CREATE TABLE IF NOT EXISTS transfer_history (
    tran_id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    time INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS transfer_history_by_account ON transfer_history (account_id, time);
"""
TRANSFER_REASONS = frozenset({"DEPOSIT", "WITHDRAW"})
_LATEST = 2**62  # later than any exchange time


class TransferRecord(msgspec.Struct, frozen=True, kw_only=True):
    tran_id: int  # the sequence number of the command that made it
    account_id: int
    asset: str
    amount: int  # signed at 8 decimals: deposits positive, withdrawals negative
    time: int
    client_tran_id: str
    product: Product = "usdm"  # the futures wallet: USDⓈ-M or COIN-M


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(TransferRecord)


class TransferStore(SqliteProjection):
    name = "transfers"
    schema = _SCHEMA

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._pending: list[TransferRecord] = []
        self._flushing: list[TransferRecord] = []
        self._forget_after: int | None = None  # a replaced state's seq: delete what came later
        self._flushing_forget: int | None = None  # the delete of the flush in progress

    def project(self, stamped: Stamped, events: list[Event]) -> bool:
        changed = False
        for event in events:
            if isinstance(event, StateReplaced):
                changed = True
                held = self._forget_after
                self._forget_after = event.saved_seq if held is None else min(held, event.saved_seq)
                for records in (self._pending, self._flushing):
                    records[:] = [r for r in records if r.tran_id <= event.saved_seq]
            elif isinstance(event, BalanceChanged) and event.reason in TRANSFER_REASONS:
                changed = True
                self._pending.append(
                    TransferRecord(tran_id=event.tran_id, account_id=event.account_id,
                                   asset=event.asset, amount=event.delta, time=stamped.ts,
                                   client_tran_id=event.client_tran_id, product=event.product)
                )  # fmt: skip
        return changed

    def take_writes(self) -> list[Write]:
        forget, self._forget_after = self._forget_after, None
        self._flushing_forget = forget
        deletes = [] if forget is None else [(forget,)]
        rows = [(r.tran_id, r.account_id, r.time, _encoder.encode(r)) for r in self._pending]
        self._flushing, self._pending = self._pending, []
        return [
            ("DELETE FROM transfer_history WHERE tran_id > ?", deletes),
            ("INSERT OR REPLACE INTO transfer_history VALUES (?, ?, ?, ?)", rows),
        ]

    def transfers(
        self, account_id: int, start: int = 0, end: int = _LATEST
    ) -> list[TransferRecord]:
        """The account's transfers in [start, end], oldest first; committed rows that a restore
        forgot are hidden until the delete is committed."""
        rows = self.reader.execute(
            "SELECT body FROM transfer_history WHERE account_id = ? AND time BETWEEN ? AND ?",
            (account_id, start, end),
        ).fetchall()
        forgotten = [f for f in (self._forget_after, self._flushing_forget) if f is not None]
        stored = (_decoder.decode(row[0]) for row in rows)
        return merged(
            (r for r in stored if not forgotten or r.tran_id <= min(forgotten)),
            [*self._flushing, *self._pending],
            key=lambda r: r.tran_id,
            keep=lambda r: r.account_id == account_id and start <= r.time <= end,
        )
