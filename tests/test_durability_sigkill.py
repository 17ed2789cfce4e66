"""An acknowledged command survives SIGKILL of the server.

8 concurrent clients send up to 1,000 admin commands (deposits with a client id, key
creations); the server is SIGKILLed at a random moment; after a restart every acknowledged
command is present, nothing that was never sent appears, and each balance equals exactly the
sum of the deposits present. A deposit can be present without an acknowledgement only if it
was in flight at the kill (committed, answer not yet sent): at most one per client.
"""

import random
import threading
import time
from decimal import Decimal

import httpx
import pytest

from tests.conftest import ServerFactory

CLIENTS = 8
COMMANDS = 1000


class ClientLog:
    def __init__(self) -> None:
        self.acked_deposits: dict[str, Decimal] = {}
        self.acked_keys: set[str] = set()
        self.in_flight: dict[str, Decimal] = {}
        self.sent = 0


def run_client(base: str, token: str, index: int, quota: int, log: ClientLog) -> None:
    rng = random.Random(index)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base + "/sandbox/v1", headers=headers, timeout=10) as http:
        for n in range(quota):
            account = f"client{index}"
            try:
                if n % 5 == 4:
                    log.sent += 1
                    answer = http.post(f"/accounts/{account}/keys", json={"type": "hmac"})
                    answer.raise_for_status()
                    log.acked_keys.add(answer.json()["apiKey"])
                    continue
                tran = f"c{index}-{n}"
                amount = Decimal(rng.randrange(1, 10**12)) / Decimal(10**8)
                log.in_flight = {tran: amount}
                log.sent += 1
                body = {"asset": "USDT", "amount": str(amount), "clientTranId": tran}
                http.post(f"/accounts/{account}/deposits", json=body).raise_for_status()
                log.acked_deposits[tran] = amount
                log.in_flight = {}
            except httpx.HTTPError:
                return  # the server is gone


@pytest.mark.slow
def test_acknowledged_commands_survive_sigkill(make_server: ServerFactory) -> None:
    server = make_server("data", "[prices]\ninterval_ms = 100\n").start()
    for index in range(CLIENTS):
        server.call("POST", "/accounts", {"name": f"client{index}"})

    logs = [ClientLog() for _ in range(CLIENTS)]
    threads = [
        threading.Thread(
            target=run_client,
            args=(server.url, server.token, i, COMMANDS // CLIENTS, logs[i]),
        )
        for i in range(CLIENTS)
    ]
    # The random moment: once a random number of commands has been sent, mid-run.
    seed = random.randrange(10**6)
    kill_after = random.Random(seed).randrange(100, 900)
    for thread in threads:
        thread.start()
    while sum(log.sent for log in logs) < kill_after:
        time.sleep(0.001)
    server.kill()
    for thread in threads:
        thread.join(30)

    acked = sum(len(log.acked_deposits) + len(log.acked_keys) for log in logs)
    assert acked > 0, f"nothing acknowledged before the kill (seed {seed})"
    assert acked < COMMANDS, f"the kill came after the run (seed {seed})"

    server.start()
    for index, log in enumerate(logs):
        account = server.call("GET", f"/accounts/client{index}")
        transfers = server.call("GET", f"/accounts/client{index}/transfers")
        present = {t["clientTranId"]: Decimal(t["amount"]) for t in transfers}
        for tran, amount in log.acked_deposits.items():
            assert present.get(tran) == amount, f"acknowledged deposit {tran} lost (seed {seed})"
        unacknowledged = set(present) - set(log.acked_deposits)
        assert unacknowledged <= set(log.in_flight), f"deposit never sent appeared (seed {seed})"
        balance = Decimal(account["balances"].get("USDT", "0"))
        assert balance == sum(present.values(), Decimal(0))
        keys = {key["apiKey"] for key in account["apiKeys"]}
        assert log.acked_keys <= keys, f"acknowledged key lost (seed {seed})"
    server.stop()
