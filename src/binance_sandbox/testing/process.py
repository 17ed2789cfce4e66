"""A real `binance-sandbox serve` process on a free port.

Started exactly as a user starts it (`python -m binance_sandbox serve --port 0`), with a
config file and a data directory of its own; it reports its URL through `server.json` in the
data directory, and the admin token is in the same directory.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import msgspec


class SandboxProcess:
    """`live_market=False` turns the liquidity agents and the seeded kline history off, so a
    test sees only its own orders and prices; the built-in default config has both."""

    def __init__(
        self, data_dir: Path, config: str = "", *args: str, live_market: bool = False
    ) -> None:
        self.live_market = live_market
        self.data_dir = data_dir
        self.config_path = data_dir.parent / f"{data_dir.name}.toml"
        self.config_path.write_text(config)
        self.args = args
        self.log_path = data_dir.parent / f"{data_dir.name}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.token = ""

    def start(self, timeout: float = 30.0) -> "SandboxProcess":
        env = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_SANDBOX_")}
        if not self.live_market:
            env["BINANCE_SANDBOX_AGENTS_ENABLED"] = "false"
            env["BINANCE_SANDBOX_PRICES_HISTORY_DAYS"] = "0"
        command = [sys.executable, "-m", "binance_sandbox", "serve", "--port", "0"]
        command += ["--data-dir", str(self.data_dir), "--config", str(self.config_path)]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [*command, *self.args], stdout=log, stderr=subprocess.STDOUT, env=env
            )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        assert self.proc is not None
        info_path = self.data_dir / "server.json"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            if info_path.exists():
                info = msgspec.json.decode(info_path.read_bytes())
                if info["pid"] == self.proc.pid:
                    self.url = info["url"]
                    self.token = (self.data_dir / "admin-token").read_text().strip()
                    return
            time.sleep(0.02)
        raise TimeoutError(f"server not ready:\n{self.log_path.read_text()}")

    def admin(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url + "/sandbox/v1",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=300.0,  # a long clock advance answers when it is done
        )

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        with self.admin() as client:
            response = client.request(method, path, json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no last snapshot."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int:
        """SIGTERM: the clean shutdown path."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)
