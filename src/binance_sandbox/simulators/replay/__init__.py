"""Historical replay: Binance's public data files played on the exchange clock."""
