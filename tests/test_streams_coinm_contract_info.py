"""`!contractInfo` for a COIN-M quarterly (BTCUSD_261225) over a real socket: the fields of
the COIN-M page (`ps` the pair BTCUSD), one event when it enters its last 10 minutes, and at
delivery one event per change of the roll — the contract delivered, the next quarter
(BTCUSD_270326) become CURRENT_QUARTER, the quarter after it (BTCUSD_270625) listed as
NEXT_QUARTER — beside USDⓈ-M's quarterly on the same stream. The page: "pushes when contract
info updates (listing/settlement/...)"; the contract type is part of that info."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.support import coinm_market as coinm
from tests.support.server import SandboxServer
from tests.test_streams_contract_info import DELIVERY, MINUTE, events_until_quiet

QUARTERLY = "BTCUSD_261225"
NEXT, LISTED = "BTCUSD_270326", "BTCUSD_270625"
NEXT_DELIVERY, LISTED_DELIVERY = 1_806_048_000_000, 1_813_910_400_000  # 08:00 UTC, last Fridays
USDM_QUARTERLY = "BTCUSDT_261225"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("coinm-contract-info")
    quarterly = coinm.contract(
        QUARTERLY, "BTC", contract_type="CURRENT_QUARTER", delivery_date=DELIVERY
    )
    quarterly += coinm.contract(
        NEXT, "BTC", contract_type="NEXT_QUARTER", delivery_date=NEXT_DELIVERY
    )
    clock = f'[clock]\nmode = "manual"\nstart = "{DELIVERY - 11 * MINUTE}"\n'
    running = SandboxServer(root / "data", clock + coinm.CONFIG + quarterly).start()
    yield running
    running.stop()


async def test_status_changes_of_a_coinm_delivery(server: SandboxServer) -> None:
    url = server.url.replace("http://", "ws://") + "/ws/!contractInfo"
    async with connect(url) as ws:
        assert await events_until_quiet(ws, server, DELIVERY - 10 * MINUTE - 1000) == []
        closing = await events_until_quiet(ws, server, DELIVERY - 9 * MINUTE)
        delivered = await events_until_quiet(ws, server, DELIVERY + 1000)
    by_symbol = {event["s"]: event for event in closing}
    assert set(by_symbol) == {QUARTERLY, USDM_QUARTERLY}
    event = by_symbol[QUARTERLY]
    assert list(event) == ["e", "E", "s", "ps", "ct", "dt", "ot", "cs"]  # the page's, no bks
    assert (event["ps"], event["ct"], event["dt"], event["cs"]) == (
        coinm.PAIR, "CURRENT_QUARTER", DELIVERY, "DELIVERING",
    )  # fmt: skip
    roll = {e["s"]: e for e in delivered if e["ps"] == coinm.PAIR}
    assert {symbol: (e["ct"], e["cs"], e["dt"]) for symbol, e in roll.items()} == {
        QUARTERLY: ("CURRENT_QUARTER", "DELIVERED", DELIVERY),
        NEXT: ("CURRENT_QUARTER", "TRADING", NEXT_DELIVERY),
        LISTED: ("NEXT_QUARTER", "TRADING", LISTED_DELIVERY),
    }
    assert roll[LISTED]["ot"] == DELIVERY  # onboarded at the delivery that listed it
    assert all(DELIVERY <= e["E"] <= DELIVERY + 1000 for e in roll.values())
