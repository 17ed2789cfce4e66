"""A real `binance-sandbox serve` process on a free port, for end-to-end tests: the package's
own (`binance_sandbox.testing.SandboxProcess`, which the pytest plugin uses too), plus a look
into its journal."""

import sqlite3

from binance_sandbox.testing.process import SandboxProcess


class SandboxServer(SandboxProcess):
    def start(self, timeout: float = 30.0) -> "SandboxServer":
        super().start(timeout)
        return self

    def journal_rows(self) -> list[tuple[int, int, bytes]]:
        with sqlite3.connect(self.data_dir / "journal.db") as db:
            return db.execute("SELECT seq, ts, body FROM journal ORDER BY seq").fetchall()
