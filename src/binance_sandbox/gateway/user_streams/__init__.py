"""User-data streams: listenKeys and the account events pushed on them."""
