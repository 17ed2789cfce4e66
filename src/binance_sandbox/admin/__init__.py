"""The admin API under /sandbox/v1/: accounts, keys, transfers, prices, clock, snapshots."""
