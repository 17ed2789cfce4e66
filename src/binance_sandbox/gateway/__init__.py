"""The Binance wire layer: one declarative endpoint table drives routing, parameter validation,
security, rate limiting, the OpenAPI document and the coverage report."""
