"""python-binance's futures user socket sees a triggered stop-loss's order as Binance pushes it:
ORDER_TRADE_UPDATE with `o` MARKET and `ot` STOP_MARKET, `sp` the trigger, `wt` MARK_PRICE."""

import asyncio
from typing import Any

from binance import AsyncClient, BinanceSocketManager

from tests.clients import algo_support as algo
from tests.clients.algo_support import sandbox  # noqa: F401  # the manual-clock sandbox
from tests.clients.conftest import Sandbox
from tests.clients.test_streams_clients import ws_base

WAIT_S = 60.0


def stop_loss_fires(desk: algo.Desk) -> None:
    desk.open_long(algo.QTY)
    desk.signed(desk.client, "POST", "/fapi/v1/algoOrder", algoType="CONDITIONAL",
                symbol=algo.SYMBOL, side="SELL", type="STOP_MARKET", quantity=algo.QTY,
                triggerPrice=algo.STOP_LOSS, workingType="MARK_PRICE",
                reduceOnly="true")  # fmt: skip
    desk.rest("BUY", algo.STOP_BID)
    desk.move("75900")


async def test_a_triggered_order_update_shows_its_conditional_type(
    sandbox: Sandbox,  # noqa: F811
) -> None:
    client = AsyncClient(sandbox.api_key, sandbox.secret)
    client.FUTURES_URL = sandbox.url + "/fapi"
    manager = BinanceSocketManager(client)
    manager.FSTREAM_URL = ws_base(sandbox.server) + "/"
    updates: list[dict[str, Any]] = []
    try:
        async with manager.futures_user_socket() as socket:
            await asyncio.to_thread(stop_loss_fires, algo.Desk(sandbox))
            while not updates or updates[-1]["X"] != "FILLED":
                message = await asyncio.wait_for(socket.recv(), WAIT_S)
                if message["e"] == "ORDER_TRADE_UPDATE" and message["o"]["ot"] != "MARKET":
                    updates.append(message["o"])
    finally:
        await client.close_connection()
    assert [u["x"] for u in updates] == ["NEW", "TRADE"]
    for update in updates:
        picked = {k: update[k] for k in ("o", "ot", "sp", "wt", "cp", "R")}
        assert picked == {"o": "MARKET", "ot": "STOP_MARKET", "sp": "76000.00",
                          "wt": "MARK_PRICE", "cp": False, "R": True}  # fmt: skip
