"""Read-side projections of events (klines now; history tables later), kept outside the core."""
