"""Endpoint handlers, one module per group; each exports `ENDPOINTS`."""
