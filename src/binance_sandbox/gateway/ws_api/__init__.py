"""Binance's WebSocket API (`/ws-fapi/v1`): REST endpoints behind a JSON-frame envelope."""
