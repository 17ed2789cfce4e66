"""HTTP requests per second of the sandbox, against the bare ASGI stack it runs on.

What is measured, with wrk on loopback (127.0.0.1; 64 connections, 2 threads, 10 s by
default, keep-alive, `--latency` for p50 / p99), one target at a time, each preceded by a short
warm-up run that is not counted:

- **baseline**: `bench/bare_apps.py`, a raw ASGI app answering `{}`, under uvicorn with the
  settings `binance-sandbox serve` uses (uvloop, httptools, access log off, one process). It
  does no work, so it is the ceiling of this stack on this machine; the sandbox's figures are
  read as a fraction of it;
- the same app under granian (ASGI interface, one worker, one runtime thread, uvloop): the
  "measure before choosing" comparison of ASGI servers;
- the real server (`binance-sandbox serve`, fresh data directory, rate limits off with
  `BINANCE_SANDBOX_LIMITS_ENABLED=false`): `GET /fapi/v1/time` (unsigned: routing, parsing,
  rendering) and the SIGNED `GET /fapi/v3/balance` (plus key lookup, timestamp window,
  HMAC-SHA256 over the query string, the balance handler). The signed request is signed once
  per wrk run with `recvWindow=60000` and replayed (Binance has no nonce), and checked with
  httpx to answer HTTP 200 with a JSON list before wrk runs, so error responses are never
  what is measured.

Printed: requests/s, p50 and p99 per target (medians over `--repeat` rounds), and the ratios
/time / bare uvicorn, signed balance / bare uvicorn (the aim: >= 0.5) and granian / uvicorn.
The raw wrk outputs, the servers' logs and a JSON summary go to `bench/results/`. Every
process started here is stopped at the end, also on error. Exit status 1 if any wrk run saw
a non-2xx response or a socket error.
"""

import argparse
import contextlib
import hashlib
import hmac
import json
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import httpx

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
SIGNED_LUA = BENCH_DIR / "wrk" / "signed.lua"
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
RECV_WINDOW_MS = 60_000
MAX_RUN_SECONDS = 45  # a replayed signed request must stay inside recvWindow
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0
LABELS = ("bare-uvicorn", "bare-granian", "time", "balance")
TITLES = {
    "bare-uvicorn": "bare app, uvicorn",
    "bare-granian": "bare app, granian",
    "time": "GET /fapi/v1/time",
    "balance": "GET /fapi/v3/balance (signed)",
}
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class WrkResult:
    label: str
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    raw_file: str

    @property
    def failed(self) -> bool:
        return self.requests == 0 or self.non_2xx > 0 or self.socket_errors > 0


@dataclass(frozen=True)
class Sandbox:
    url: str
    pid: int
    api_key: str
    secret: str


@dataclass(frozen=True)
class Settings:
    connections: int
    threads: int
    duration: int
    warmup: int
    out_dir: Path


class BenchmarkError(RuntimeError):
    pass


def add_load_arguments(parser: argparse.ArgumentParser, profiled: str) -> None:
    """The options every HTTP benchmark here takes; `profiled` names the load py-spy records."""
    parser.add_argument("--connections", type=int, default=64, help="wrk -c")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of uncounted warm-up")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; medians are reported")
    parser.add_argument(
        "--max-load",
        type=float,
        default=None,
        help="first wait (up to 10 min) for the 1-minute load average to drop below this",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help=f"after the rounds, py-spy record the server under {profiled} (not counted)",
    )
    parser.add_argument(
        "--profile-format", choices=("flamegraph", "raw", "speedscope"), default="flamegraph"
    )


def check_load_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not 1 <= args.duration <= MAX_RUN_SECONDS or not 0 <= args.warmup <= MAX_RUN_SECONDS:
        parser.error(f"--duration and --warmup must be at most {MAX_RUN_SECONDS} s")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_arguments(parser, "the signed load")
    args = parser.parse_args()
    check_load_arguments(parser, args)
    return args


# --- processes -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running(
    command: Sequence[str], log_path: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `command` in its own session, output to `log_path`; always stop it on exit."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            start_new_session=True,
        )
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (graceful for uvicorn and granian), then SIGKILL to the session it leads."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkError(f"{process.args!r} exited early; see {log_path}")
        if ready():
            return
        time.sleep(0.1)
    raise BenchmarkError(f"{process.args!r} not ready after {START_TIMEOUT_S} s; see {log_path}")


def answers_200(url: str) -> Callable[[], bool]:
    def ready() -> bool:
        try:
            return httpx.get(url, timeout=1.0).status_code == 200
        except httpx.TransportError:
            return False

    return ready


@contextlib.contextmanager
def bare_server(server: str, out_dir: Path) -> Iterator[str]:
    """The bare app under uvicorn or granian; yields its base URL."""
    port = free_port()
    if server == "uvicorn":
        command = [sys.executable, str(BENCH_DIR / "bare_apps.py"), "--port", str(port)]
    else:
        command = granian_command(port)
    log_path = out_dir / f"server-bare-{server}.log"
    base = f"http://{HOST}:{port}"
    with running(command, log_path) as process:
        wait_until(answers_200(base + "/"), process, log_path)
        check_bare(base + "/")
        yield base


def granian_command(port: int) -> list[str]:
    return [
        str(VENV_BIN / "granian"),
        *("--interface", "asgi", "--http", "1", "--loop", "uvloop"),
        *("--workers", "1", "--runtime-mode", "st", "--runtime-threads", "1"),
        *("--blocking-threads", "1", "--no-access-log", "--log-level", "info"),
        *("--host", HOST, "--port", str(port), "--working-dir", str(BENCH_DIR)),
        "bare_apps:app",
    ]


@contextlib.contextmanager
def sandbox_server(out_dir: Path) -> Iterator[Sandbox]:
    """`binance-sandbox serve` on a fresh data directory, rate limits off."""
    data_dir = Path(tempfile.mkdtemp(prefix="http-", dir=_tmp_root()))
    log_path = out_dir / "server-sandbox.log"
    command = [
        *(str(VENV_BIN / "binance-sandbox"), "serve"),
        *("--host", HOST, "--port", "0", "--data-dir", str(data_dir)),
    ]
    try:
        with running(command, log_path, {"BINANCE_SANDBOX_LIMITS_ENABLED": "false"}) as process:
            wait_until(lambda: _sandbox_info(data_dir, log_path) is not None, process, log_path)
            info = _sandbox_info(data_dir, log_path)
            assert info is not None
            yield info
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _tmp_root() -> Path:
    root = RESULTS_DIR / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _sandbox_info(data_dir: Path, log_path: Path) -> Sandbox | None:
    """server.json (written once listening) and the demo key lines of the banner, if both."""
    try:
        server = json.loads((data_dir / "server.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    log = log_path.read_text(errors="replace")
    key = re.search(r"Demo API key:\s*(\S+)", log)
    secret = re.search(r"Demo secret:\s*(\S+)", log)
    if key is None or secret is None:
        return None
    return Sandbox(server["url"], int(server["pid"]), key.group(1), secret.group(1))


# --- checks before measuring ------------------------------------------------------------------


def check_bare(url: str) -> None:
    response = httpx.get(url)
    if response.status_code != 200 or response.json() != {}:
        raise BenchmarkError(f"bare app: {response.status_code} {response.text!r}")


def check_time(sandbox: Sandbox) -> None:
    response = httpx.get(sandbox.url + "/fapi/v1/time")
    if response.status_code != 200 or "serverTime" not in response.json():
        raise BenchmarkError(f"/fapi/v1/time: {response.status_code} {response.text!r}")


def signed_balance_path(secret: str) -> str:
    query = f"timestamp={int(time.time() * 1000)}&recvWindow={RECV_WINDOW_MS}"
    signature = hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
    return f"/fapi/v3/balance?{query}&signature={signature}"


def check_balance(sandbox: Sandbox, path: str) -> None:
    response = httpx.get(sandbox.url + path, headers={"X-MBX-APIKEY": sandbox.api_key})
    if response.status_code != 200 or not isinstance(response.json(), list):
        raise BenchmarkError(f"signed balance: {response.status_code} {response.text!r}")


# --- wrk --------------------------------------------------------------------------------------


def wrk(
    settings: Settings,
    name: str,
    url: str,
    seconds: int,
    script: list[str] | None = None,
) -> WrkResult:
    """One wrk run; its raw output goes to `<out_dir>/<name>.txt`."""
    command = [
        *("wrk", f"-t{settings.threads}", f"-c{settings.connections}", f"-d{seconds}s"),
        "--latency",
    ]
    if script:
        command += ["-s", str(SIGNED_LUA), url, "--", *script]
    else:
        command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    raw_file = settings.out_dir / f"{name}.txt"
    raw_file.write_text(f"$ {shlex.join(command)}\n{done.stdout}{done.stderr}")
    if done.returncode != 0:
        raise BenchmarkError(f"wrk failed ({done.returncode}); see {raw_file}")
    return parse_wrk(name, done.stdout, raw_file)


def parse_wrk(label: str, output: str, raw_file: Path) -> WrkResult:
    requests = re.search(r"(\d+) requests in", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if requests is None or rate is None:
        raise BenchmarkError(f"unreadable wrk output in {raw_file}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        label=label,
        requests=int(requests.group(1)),
        requests_per_second=float(rate.group(1)),
        p50_ms=_percentile_ms(output, "50"),
        p99_ms=_percentile_ms(output, "99"),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        raw_file=str(raw_file.relative_to(BENCH_DIR.parent)),
    )


def _percentile_ms(output: str, percent: str) -> float:
    match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if match is None:
        raise BenchmarkError(f"no {percent}% latency in wrk output (was --latency passed?)")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def measure(
    settings: Settings, label: str, url: str, script: list[str] | None = None
) -> list[WrkResult]:
    """Warm-up run (returned for its error counts) then the measured run (last)."""
    runs = []
    if settings.warmup:
        runs.append(wrk(settings, f"{label}-warmup", url, settings.warmup, script))
    runs.append(wrk(settings, label, url, settings.duration, script))
    return runs


# --- one round --------------------------------------------------------------------------------


def run_round(settings: Settings) -> list[WrkResult]:
    """All four targets, each server started and stopped in turn (never two at once)."""
    runs: list[WrkResult] = []
    for server in ("uvicorn", "granian"):
        with bare_server(server, settings.out_dir) as base:
            runs += measure(settings, f"bare-{server}", base + "/")
    with sandbox_server(settings.out_dir) as sandbox:
        check_time(sandbox)
        runs += measure(settings, "time", sandbox.url + "/fapi/v1/time")
        runs += measure_balance(settings, sandbox)
    return runs


def measure_balance(settings: Settings, sandbox: Sandbox) -> list[WrkResult]:
    """Signed afresh for each wrk run, and checked to answer 200 + a JSON list first."""
    runs = []
    for name, seconds in (("balance-warmup", settings.warmup), ("balance", settings.duration)):
        if seconds:
            path = signed_balance_path(sandbox.secret)
            check_balance(sandbox, path)
            runs.append(wrk(settings, name, sandbox.url, seconds, [path, sandbox.api_key]))
    return runs


def profile(settings: Settings, fmt: str) -> list[WrkResult]:
    """py-spy record the server's process while wrk drives the signed call (not measured)."""
    suffix = {"flamegraph": "svg", "raw": "txt", "speedscope": "json"}[fmt]
    output = settings.out_dir / f"profile.{suffix}"
    with sandbox_server(settings.out_dir) as sandbox:
        path = signed_balance_path(sandbox.secret)
        check_balance(sandbox, path)
        spy_command = [
            *(str(VENV_BIN / "py-spy"), "record", "-d", str(settings.duration)),
            *("-p", str(sandbox.pid), "-f", fmt, "-o", str(output)),
        ]
        with running(spy_command, settings.out_dir / "py-spy.log") as spy:
            run = wrk(
                settings, "profile-balance", sandbox.url, settings.duration, [path, sandbox.api_key]
            )
            spy.wait(timeout=settings.duration + 30)
    print(f"profile: {output.relative_to(BENCH_DIR.parent)}")
    return [run]


# --- report -----------------------------------------------------------------------------------


def medians(
    runs: list[WrkResult], labels: tuple[str, ...] | list[str] = LABELS
) -> dict[str, dict[str, float]]:
    """Per target: median req/s (with min and max), median p50 and p99 over the rounds."""
    table = {}
    for label in labels:
        measured = [run for run in runs if run.label == label]
        rates = [r.requests_per_second for r in measured]
        table[label] = {
            "requests_per_second": statistics.median(rates),
            "min_requests_per_second": min(rates),
            "max_requests_per_second": max(rates),
            "p50_ms": statistics.median(r.p50_ms for r in measured),
            "p99_ms": statistics.median(r.p99_ms for r in measured),
        }
    return table


def ratios(table: dict[str, dict[str, float]]) -> dict[str, float]:
    rps = {label: row["requests_per_second"] for label, row in table.items()}
    return {
        "time / bare uvicorn": rps["time"] / rps["bare-uvicorn"],
        "signed balance / bare uvicorn (aim >= 0.5)": rps["balance"] / rps["bare-uvicorn"],
        "granian bare / uvicorn bare": rps["bare-granian"] / rps["bare-uvicorn"],
    }


def print_report(
    table: dict[str, dict[str, float]],
    ratio: dict[str, float],
    rounds: int,
    titles: dict[str, str] = TITLES,
) -> None:
    print(f"\nmedians over {rounds} round(s)")
    print(f"{'target':<32}{'req/s':>9}{'(min-max)':>17}{'p50 ms':>9}{'p99 ms':>9}")
    for label, row in table.items():
        spread = f"{row['min_requests_per_second']:.0f}-{row['max_requests_per_second']:.0f}"
        print(
            f"{titles[label]:<32}{row['requests_per_second']:>9.0f}{spread:>17}"
            f"{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}"
        )
    print()
    for name, value in ratio.items():
        print(f"{name:<44}{value:>6.2f}")


def report_failures(runs: list[WrkResult]) -> bool:
    failed = [run for run in runs if run.failed]
    for run in failed:
        print(
            f"FAILED {run.label}: {run.requests} requests, {run.non_2xx} non-2xx, "
            f"{run.socket_errors} socket errors ({run.raw_file})",
            file=sys.stderr,
        )
    return bool(failed)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def wait_for_quiet(max_load: float, patience_s: float = 600.0) -> None:
    """The machine is shared: start when the 1-minute load is below `max_load` (or give up)."""
    deadline = time.monotonic() + patience_s
    while os.getloadavg()[0] >= max_load:
        if time.monotonic() >= deadline:
            print(f"WARNING: load average still {load_average()}, measuring anyway")
            return
        print(f"load average {load_average()} >= {max_load}, waiting")
        time.sleep(15)


# --- main -------------------------------------------------------------------------------------


def _exit_on_sigterm(_signum: int, _frame: object) -> None:
    sys.exit(143)  # SystemExit: the `finally` blocks stop the servers


def run_all(args: argparse.Namespace, settings: Settings) -> list[WrkResult]:
    runs: list[WrkResult] = []
    for round_no in range(1, args.repeat + 1):
        round_dir = settings.out_dir / f"round-{round_no}"
        round_dir.mkdir()
        round_settings = replace(settings, out_dir=round_dir)
        runs += run_round(round_settings)
        print(f"round {round_no}/{args.repeat} done, load average {load_average()}")
    if args.profile:
        runs += profile(settings, args.profile_format)
    return runs


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        raise BenchmarkError("wrk not found (Debian: apt-get install wrk)")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if args.max_load is not None:
        wait_for_quiet(args.max_load)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out_dir = RESULTS_DIR / f"http_throughput-{stamp}"
    out_dir.mkdir(parents=True)
    settings = Settings(args.connections, args.threads, args.duration, args.warmup, out_dir)
    load_before = load_average()
    print(f"load average before: {load_before}; raw outputs in {out_dir}")
    runs = run_all(args, settings)
    table = medians([run for run in runs if run.label in LABELS])
    ratio = ratios(table)
    print_report(table, ratio, args.repeat)
    summary = {
        "settings": {**asdict(settings), "out_dir": str(out_dir), "repeat": args.repeat},
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "medians": table,
        "ratios": ratio,
        "runs": [asdict(run) for run in runs],
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    return 1 if report_failures(runs) else 0


if __name__ == "__main__":
    sys.exit(main())
