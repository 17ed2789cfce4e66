"""binance-sandbox: a self-hostable exchange that speaks Binance's derivatives API."""

__version__ = "0.1.0"
