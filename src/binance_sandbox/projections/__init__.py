"""Read-side projections of events (index klines, order history, the public tape), kept
outside the core."""
