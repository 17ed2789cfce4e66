"""What Prometheus metrics cost on order placement: `POST /fapi/v1/order` with `/metrics` on
(the default) against the same server configuration with `server.metrics = false`.

Each round starts a fresh server with metrics off, then one with metrics on (never two at
once), and runs `order_placement.py`'s order load on each (wrk, 64 connections, 2 threads,
warm-up then the measured run; signed, acknowledged once durable). With metrics on, `/metrics`
is scraped once a second during the run, as Prometheus would (more often than its default 15 s).
Printed: orders/s and p50 / p99 of both (medians over `--repeat` rounds) and the overhead
1 - on / off. Exit status 1 if a wrk run saw a non-2xx answer or a socket error.
"""

import argparse
import json
import os
import shutil
import sys
import threading
import time
from dataclasses import asdict, replace

import httpx

from http_throughput import (
    RESULTS_DIR,
    BenchmarkError,
    Settings,
    WrkResult,
    add_load_arguments,
    check_load_arguments,
    load_average,
    medians,
    print_report,
    report_failures,
    sandbox_server,
    wait_for_quiet,
)
from order_placement import SERVER_ENV, measure_orders

LABELS = ("metrics-off", "metrics-on")
TITLES = {
    "metrics-off": "POST /fapi/v1/order, server.metrics = false",
    "metrics-on": "POST /fapi/v1/order, /metrics on and scraped every 1 s",
}


def scraping(url: str, stop: threading.Event) -> None:
    while not stop.wait(1.0):
        answer = httpx.get(url + "/metrics", timeout=10)
        if answer.status_code != 200 or b"binance_sandbox_requests_total" not in answer.content:
            raise BenchmarkError(f"/metrics answered {answer.status_code}")


def one_server(settings: Settings, label: str) -> list[WrkResult]:
    os.environ["BINANCE_SANDBOX_SERVER_METRICS"] = "true" if label == "metrics-on" else "false"
    out_dir = settings.out_dir / label
    out_dir.mkdir()
    with sandbox_server(out_dir) as sandbox:
        stop = threading.Event()
        scraper = threading.Thread(target=scraping, args=(sandbox.url, stop), daemon=True)
        if label == "metrics-on":
            scraper.start()
        try:
            runs, _count = measure_orders(replace(settings, out_dir=out_dir), sandbox, False)
        finally:
            stop.set()
        metrics_answer = httpx.get(sandbox.url + "/metrics", timeout=10).status_code
        if metrics_answer != (200 if label == "metrics-on" else 404):
            raise BenchmarkError(f"{label}: /metrics answered {metrics_answer}")
    return [replace(run, label=label) if run.label == "order" else run for run in runs]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_arguments(parser, "(not used)")
    args = parser.parse_args()
    check_load_arguments(parser, args)
    if shutil.which("wrk") is None:
        raise BenchmarkError("wrk not found (Debian: apt-get install wrk)")
    os.environ.update(SERVER_ENV)
    if args.max_load is not None:
        wait_for_quiet(args.max_load)
    out_dir = RESULTS_DIR / f"metrics_overhead-{time.strftime('%Y%m%d-%H%M%S')}"
    out_dir.mkdir(parents=True)
    settings = Settings(args.connections, args.threads, args.duration, args.warmup, out_dir)
    print(f"load average before: {load_average()}; raw outputs in {out_dir}")
    runs: list[WrkResult] = []
    for round_no in range(1, args.repeat + 1):
        round_dir = out_dir / f"round-{round_no}"
        round_dir.mkdir()
        for label in LABELS:
            runs += one_server(replace(settings, out_dir=round_dir), label)
    table = medians([run for run in runs if run.label in LABELS], LABELS)
    on, off = (table[label]["requests_per_second"] for label in ("metrics-on", "metrics-off"))
    ratio = {"metrics on / off": on / off, "overhead 1 - on / off (aim <= 0.03)": 1 - on / off}
    print_report(table, ratio, args.repeat, TITLES)
    summary = {"medians": table, "ratios": ratio, "runs": [asdict(run) for run in runs]}
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    return 1 if report_failures(runs) else 0


if __name__ == "__main__":
    sys.exit(main())
