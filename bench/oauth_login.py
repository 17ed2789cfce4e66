"""Binance Login's token endpoint and user-info, sequential round trips per second, against
the unsigned `GET /fapi/v1/time` on the same server in the same run (the baseline).

One real `binance-sandbox serve` on a fresh data directory (agents off, rate limits off), one
keep-alive httpx client, one request at a time, so each figure is the latency a single app
sees. A refresh is a grant (Authlib) plus two writes to oauth.db, each fsynced (WAL,
synchronous=FULL); user-info is one read. Every answer is checked to be HTTP 200.

    python bench/oauth_login.py [--requests 300]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

CALLBACK = "https://bench.example/callback"


def start(data_dir: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    env = {**os.environ, "BINANCE_SANDBOX_AGENTS_ENABLED": "false"}
    env["BINANCE_SANDBOX_LIMITS_ENABLED"] = "false"
    command = [sys.executable, "-m", "binance_sandbox", "serve", "--port", "0"]
    proc = subprocess.Popen(
        [*command, "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    info = data_dir / "server.json"
    deadline = time.monotonic() + 60
    while not info.exists():
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise SystemExit("the server did not start")
        time.sleep(0.05)
    token = (data_dir / "admin-token").read_text().strip()
    return proc, json.loads(info.read_text())["url"], token


def per_second(count: int, call: Callable[[], httpx.Response]) -> float:
    began = time.perf_counter()
    for _ in range(count):
        answer = call()
        assert answer.status_code == 200, answer.text
    return count / (time.perf_counter() - began)


def tokens(http: httpx.Client, url: str, admin: str) -> tuple[dict[str, str], dict[str, str]]:
    app = http.post(
        f"{url}/sandbox/v1/oauth/clients",
        json={"name": "bench", "redirectUris": [CALLBACK]},
        headers={"Authorization": f"Bearer {admin}"},
    ).json()
    query = {
        "response_type": "code",
        "client_id": app["clientId"],
        "redirect_uri": CALLBACK,
        "scope": "user:openId",
        "state": "s",
    }
    page = http.get(f"{url}/oauth/authorize", params=query)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    form = {"csrf_token": csrf.group(1), "decision": "approve", "account": "1"}
    location = http.post(f"{url}/oauth/authorize", params=query, data=form).headers["location"]
    code = re.search(r"code=([^&]+)", location)
    assert code is not None
    client = {"client_id": app["clientId"], "client_secret": app["clientSecret"]}
    body = {"grant_type": "authorization_code", "code": code.group(1), "redirect_uri": CALLBACK}
    issued = http.post(f"{url}/oauth/token", data={**body, **client}).json()
    return issued, client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    count = parser.parse_args().requests
    with tempfile.TemporaryDirectory(dir=Path(__file__).parent) as tmp:
        proc, url, admin = start(Path(tmp) / "data")
        try:
            with httpx.Client(timeout=30) as http:
                issued, client = tokens(http, url, admin)
                baseline = per_second(count, lambda: http.get(f"{url}/fapi/v1/time"))

                def user_info() -> httpx.Response:
                    headers = {"Authorization": f"Bearer {issued['access_token']}"}
                    return http.get(f"{url}/oauth-api/v1/user-info", headers=headers)

                def refresh() -> httpx.Response:
                    form = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
                    answer = http.post(f"{url}/oauth/token", data={**form, **client})
                    issued.update(answer.json())
                    return answer

                info_rate = per_second(count, user_info)
                refresh_rate = per_second(count, refresh)
        finally:
            proc.terminate()
            proc.wait(30)
    print(f"GET /fapi/v1/time (baseline)   {baseline:8.0f} req/s")
    for name, rate in (
        ("GET /oauth-api/v1/user-info", info_rate),
        ("POST /oauth/token (refresh)", refresh_rate),
    ):
        print(f"{name:<30} {rate:8.0f} req/s  x{rate / baseline:.2f} of the baseline")


if __name__ == "__main__":
    main()
