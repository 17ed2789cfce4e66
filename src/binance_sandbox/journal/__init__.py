"""The append-only command journal and its snapshots (embedded SQLite in WAL mode)."""
