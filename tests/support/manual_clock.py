"""The exchange the order-lifecycle HTTP tests start: a manual clock at START, so orders end
exactly at the exchange times a test advances to, and BTCUSDT's index fixed at 77000 (the other
symbols tick once a minute), so no price moves an order by itself."""

START = "2026-03-01T00:00:00Z"
CONFIG = f"""
[clock]
mode = "manual"
start = "{START}"

[prices]
interval_ms = 60000

[prices.pairs.BTCUSDT]
source = "fixed"
price = "77000"
"""
