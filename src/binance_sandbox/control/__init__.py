"""The control plane's shell side: which request a fault rule hits, and the request log."""
