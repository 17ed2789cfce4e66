"""Configuration: built-in defaults < TOML file < BINANCE_SANDBOX_* environment < CLI flags."""
