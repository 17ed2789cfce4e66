"""Signed order placement over HTTP, acknowledged only once durable, against the bare stack.

What is measured, with wrk on loopback (127.0.0.1; 64 connections, 2 threads, 10 s by default,
keep-alive, `--latency` for p50 / p99), one target at a time, each after an uncounted warm-up:

- **baseline 1, the bare stack**: `bench/bare_apps.py` (a raw ASGI app answering `{}`) under
  uvicorn with the settings `binance-sandbox serve` uses; the ceiling of this stack here;
- **baseline 2, `GET /fapi/v1/time`** on the real server (unsigned: routing, parsing,
  rendering); the issue's aim is worded against it: ">= 0.5x the bare stack's /time in the same
  run";
- **`POST /fapi/v1/order`** (Security TRADE) on the same server: the query string
  `symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&timestamp=<wall ms>&recvWindow=60000`
  signed with HMAC-SHA256 (`&signature=<hex>`), header `X-MBX-APIKEY`. The book is empty, so
  every such order is checked, submitted to the sequencer, journaled (group commit, the default
  `synchronous="full"`: fsync before the answer), applied and EXPIRED, and its answer rendered:
  the whole placement path with no matching. Binance has no nonce, so the request is signed
  afresh before each wrk run and replayed for at most `--warmup` or `--duration` seconds, well
  inside the 60 s recvWindow; each order still gets its own order id. The wrk script (method
  POST and the header) is written to the run's output directory.

The server is `binance-sandbox serve` on a fresh data directory with rate limits off
(`BINANCE_SANDBOX_LIMITS_ENABLED=false`) and `BINANCE_SANDBOX_JOURNAL_SYNCHRONOUS=full` set
explicitly (the default). Before wrk, one signed order is placed with httpx and must answer HTTP
200 with an order id (status NEW, as Binance's default `newOrderRespType=ACK` answers; with
`--result`, `newOrderRespType=RESULT` is added to the query and the answer must be EXPIRED), and
`GET /fapi/v1/order` must then show it EXPIRED. After the order runs, the order ids show how many
orders the server accepted, which must be at least the requests wrk completed.

Printed: orders/s, p50 / p99, the bare stack's and /time's requests/s (medians over `--repeat`
rounds) and the ratios orders / bare and orders / time. Raw wrk outputs, the server logs and a
JSON summary go to `bench/results/order_placement-<date>-<time>/`. Exit status 1 if any wrk
run, warm-ups included, saw a non-2xx response or a socket error.
"""

import argparse
import hashlib
import hmac
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, replace

import httpx

from http_throughput import (
    BENCH_DIR,
    RECV_WINDOW_MS,
    RESULTS_DIR,
    VENV_BIN,
    BenchmarkError,
    Sandbox,
    Settings,
    WrkResult,
    add_load_arguments,
    bare_server,
    check_load_arguments,
    check_time,
    load_average,
    measure,
    medians,
    parse_wrk,
    print_report,
    report_failures,
    running,
    sandbox_server,
    wait_for_quiet,
)

ORDER_QUERY = "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001"
LABELS = ("bare", "time", "order")
TITLES = {
    "bare": "bare app, uvicorn",
    "time": "GET /fapi/v1/time",
    "order": "POST /fapi/v1/order (signed)",
}
ORDER_LUA = """\
-- wrk script: one signed POST /fapi/v1/order, replayed (written by bench/order_placement.py).
-- Usage: wrk ... -s order.lua http://127.0.0.1:PORT -- <path?query&signature=...> <api key>
function init(args)
   if #args ~= 2 then
      error("usage: -- <signed path> <api key>")
   end
   wrk.method = "POST"
   wrk.path = args[1]
   wrk.headers["X-MBX-APIKEY"] = args[2]
end
"""
# Agents off: the figure is the order path alone, and the accepted-order count (from order ids)
# must not include the market makers' orders.
SERVER_ENV = {
    "BINANCE_SANDBOX_JOURNAL_SYNCHRONOUS": "full",
    "BINANCE_SANDBOX_AGENTS_ENABLED": "false",
}


@dataclass(frozen=True)
class OrderCount:
    """Orders the server accepted during the wrk runs of one round, from the order ids."""

    first_id: int  # the checked order before the runs
    last_id: int  # the checked order after them
    wrk_requests: int  # completed requests wrk counted in those runs (warm-up included)

    @property
    def accepted(self) -> int:
        return self.last_id - self.first_id - 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_arguments(parser, "the order load")
    parser.add_argument(
        "--result",
        action="store_true",
        help="add newOrderRespType=RESULT (the answer shows EXPIRED instead of NEW)",
    )
    args = parser.parse_args()
    check_load_arguments(parser, args)
    return args


# --- signed requests ---------------------------------------------------------------------------


def signed(secret: str, query: str) -> str:
    """`query` with a fresh timestamp, recvWindow and its HMAC-SHA256 signature."""
    query = f"{query}&timestamp={int(time.time() * 1000)}&recvWindow={RECV_WINDOW_MS}"
    signature = hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
    return f"{query}&signature={signature}"


def order_path(secret: str, result: bool) -> str:
    query = ORDER_QUERY + ("&newOrderRespType=RESULT" if result else "")
    return "/fapi/v1/order?" + signed(secret, query)


def check_order(sandbox: Sandbox, path: str, result: bool) -> int:
    """Places the signed order once: 200 with an order id, then EXPIRED when queried."""
    headers = {"X-MBX-APIKEY": sandbox.api_key}
    response = httpx.post(sandbox.url + path, headers=headers)
    expected = "EXPIRED" if result else "NEW"
    if response.status_code != 200 or response.json().get("status") != expected:
        raise BenchmarkError(f"signed order: {response.status_code} {response.text!r}")
    body = response.json()
    order_id = int(body["orderId"])
    query = signed(sandbox.secret, f"symbol=BTCUSDT&orderId={order_id}")
    status = None
    for _ in range(50):  # the order history is a projection; give it a moment
        queried = httpx.get(f"{sandbox.url}/fapi/v1/order?{query}", headers=headers)
        status = queried.json().get("status") if queried.status_code == 200 else queried.text
        if status == "EXPIRED":
            return order_id
        time.sleep(0.1)
    raise BenchmarkError(f"order {order_id} queried: {status!r}, expected EXPIRED")


# --- wrk ---------------------------------------------------------------------------------------


def wrk_order(
    settings: Settings, name: str, sandbox: Sandbox, path: str, seconds: int
) -> WrkResult:
    """One wrk run of the POST script; raw output to `<out_dir>/<name>.txt`."""
    lua = settings.out_dir / "order.lua"
    lua.write_text(ORDER_LUA)
    command = [
        *("wrk", f"-t{settings.threads}", f"-c{settings.connections}", f"-d{seconds}s"),
        *("--latency", "-s", str(lua), sandbox.url, "--", path, sandbox.api_key),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    raw_file = settings.out_dir / f"{name}.txt"
    raw_file.write_text(f"$ {shlex.join(command)}\n{done.stdout}{done.stderr}")
    if done.returncode != 0:
        raise BenchmarkError(f"wrk failed ({done.returncode}); see {raw_file}")
    return parse_wrk(name, done.stdout, raw_file)


def measure_orders(
    settings: Settings, sandbox: Sandbox, result: bool
) -> tuple[list[WrkResult], OrderCount]:
    """Warm-up then the measured run, each signed afresh; order ids checked around them."""
    first_id = check_order(sandbox, order_path(sandbox.secret, result), result)
    runs = []
    for name, seconds in (("order-warmup", settings.warmup), ("order", settings.duration)):
        if seconds:
            path = order_path(sandbox.secret, result)
            runs.append(wrk_order(settings, name, sandbox, path, seconds))
    last_id = check_order(sandbox, order_path(sandbox.secret, result), result)
    count = OrderCount(first_id, last_id, sum(run.requests for run in runs))
    print(
        f"  orders accepted by the server during the order runs: {count.accepted} "
        f"(wrk completed {count.wrk_requests} requests)"
    )
    if count.accepted < count.wrk_requests:
        raise BenchmarkError("the server accepted fewer orders than wrk counted answers")
    return runs, count


def run_round(settings: Settings, result: bool) -> tuple[list[WrkResult], OrderCount]:
    """The bare app, then one real server for /time and the orders (never two at once)."""
    runs: list[WrkResult] = []
    with bare_server("uvicorn", settings.out_dir) as base:
        runs += measure(settings, "bare", base + "/")
    with sandbox_server(settings.out_dir) as sandbox:
        check_time(sandbox)
        runs += measure(settings, "time", sandbox.url + "/fapi/v1/time")
        order_runs, count = measure_orders(settings, sandbox, result)
    return runs + order_runs, count


def profile(settings: Settings, fmt: str, result: bool) -> list[WrkResult]:
    """py-spy record of the server while wrk places orders (a separate, uncounted run)."""
    suffix = {"flamegraph": "svg", "raw": "txt", "speedscope": "json"}[fmt]
    output = settings.out_dir / f"profile.{suffix}"
    with sandbox_server(settings.out_dir) as sandbox:
        path = order_path(sandbox.secret, result)
        check_order(sandbox, path, result)
        spy_command = [
            *(str(VENV_BIN / "py-spy"), "record", "-d", str(settings.duration)),
            *("-p", str(sandbox.pid), "-f", fmt, "-o", str(output)),
        ]
        with running(spy_command, settings.out_dir / "py-spy.log") as spy:
            run = wrk_order(settings, "profile-order", sandbox, path, settings.duration)
            spy.wait(timeout=settings.duration + 30)
    print(f"profile: {output.relative_to(BENCH_DIR.parent)}")
    return [run]


# --- report ------------------------------------------------------------------------------------


def ratios(table: dict[str, dict[str, float]]) -> dict[str, float]:
    rps = {label: row["requests_per_second"] for label, row in table.items()}
    return {
        "orders / bare uvicorn": rps["order"] / rps["bare"],
        "orders / GET /fapi/v1/time (aim >= 0.5)": rps["order"] / rps["time"],
        "GET /fapi/v1/time / bare uvicorn": rps["time"] / rps["bare"],
    }


# --- main --------------------------------------------------------------------------------------


def _exit_on_sigterm(_signum: int, _frame: object) -> None:
    sys.exit(143)  # SystemExit: the `finally` blocks stop the servers


def run_all(args: argparse.Namespace, settings: Settings) -> tuple[list[WrkResult], list[dict]]:
    runs: list[WrkResult] = []
    counts = []
    for round_no in range(1, args.repeat + 1):
        round_dir = settings.out_dir / f"round-{round_no}"
        round_dir.mkdir()
        round_runs, count = run_round(replace(settings, out_dir=round_dir), args.result)
        runs += round_runs
        counts.append({**asdict(count), "accepted": count.accepted})
        print(f"round {round_no}/{args.repeat} done, load average {load_average()}")
    if args.profile:
        runs += profile(settings, args.profile_format, args.result)
    return runs, counts


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        raise BenchmarkError("wrk not found (Debian: apt-get install wrk)")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    os.environ.update(SERVER_ENV)  # inherited by the server sandbox_server starts
    if args.max_load is not None:
        wait_for_quiet(args.max_load)
    out_dir = RESULTS_DIR / f"order_placement-{time.strftime('%Y%m%d-%H%M%S')}"
    out_dir.mkdir(parents=True)
    settings = Settings(args.connections, args.threads, args.duration, args.warmup, out_dir)
    load_before = load_average()
    print(f"load average before: {load_before}; raw outputs in {out_dir}")
    runs, counts = run_all(args, settings)
    table = medians([run for run in runs if run.label in LABELS], LABELS)
    ratio = ratios(table)
    print_report(table, ratio, args.repeat, TITLES)
    summary = {
        "settings": {**asdict(settings), "out_dir": str(out_dir), "repeat": args.repeat},
        "result_response": args.result,
        "server_env": SERVER_ENV,
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "medians": table,
        "ratios": ratio,
        "orders_accepted": counts,
        "runs": [asdict(run) for run in runs],
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    return 1 if report_failures(runs) else 0


if __name__ == "__main__":
    sys.exit(main())
