"""The process: data directory, runtime wiring, the ASGI app and the start-up banner."""
