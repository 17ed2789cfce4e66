"""Shared by the history-download tests: a quiet exchange (manual clock, agents off, COIN-M's
index fixed) where `demo` traded once on each product, and the download's file read back."""

import csv
import io
import zipfile
from typing import Any

from tests.clients.trading_support import cross_once, maker_key, pin_price
from tests.support import coinm_market as coinm
from tests.support.server import SandboxServer
from tests.support.signing import Credentials

START_MS = 1_772_323_200_000  # 2026-03-01T00:00:00Z, the clock's start
CONFIG = f"""
[clock]
mode = "manual"
start = "2026-03-01T00:00:00Z"

[agents]
enabled = false

[limits]  # an id costs 1,000 of USDⓈ-M's weight: more than 2 a minute need a higher limit
request_weight_per_minute = 1000000

[prices.pairs.BTCUSD]
source = "fixed"
price = "{coinm.INDEX}"
"""
WINDOW = {"startTime": START_MS - 3_600_000, "endTime": START_MS + 86_400_000}
PREPARATION = "5s"  # downloads.preparation_s's default
HISTORIES = {  # the download's kind -> the REST endpoint whose rows its file holds
    "income": "income",
    "order": "allOrders",
    "trade": "userTrades",
}
SYMBOLS = {"fapi": "BTCUSDT", "dapi": coinm.SYMBOL}


def trade_on_both(server: SandboxServer) -> tuple[Credentials, Credentials]:
    """demo buys QTY BTCUSDT and 1 BTCUSD_PERP contract from makers: demo's and the USDⓈ-M
    maker's credentials."""
    maker = Credentials.from_admin(maker_key(server))
    demo = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
    deposit = {"asset": "BTC", "amount": "1", "product": "coinm"}
    server.call("POST", "/accounts/demo/deposits", deposit)
    pin_price(server)
    cross_once(server, maker, demo)
    coinm.cross_once(server, coinm.coin_trader(server, "coin-maker"), demo)
    return demo, maker


def csv_rows(archive: bytes) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        [name] = opened.namelist()
        assert name.endswith(".csv")
        text = opened.read(name).decode()
    return list(csv.DictReader(io.StringIO(text)))


def as_cells(row: dict[str, Any]) -> dict[str, str]:
    """A REST row as the CSV writes it: JSON's text for booleans, numbers as they print."""
    return {
        k: ("true" if v else "false") if isinstance(v, bool) else str(v) for k, v in row.items()
    }
