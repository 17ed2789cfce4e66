"""The `binance-sandbox` command line."""
