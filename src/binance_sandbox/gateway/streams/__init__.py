"""WebSocket market streams: Binance's stream names, routes and payloads, fed from the
sequencer's applied events and fanned out to connections on the same port as REST."""
