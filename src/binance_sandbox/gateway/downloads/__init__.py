"""History downloads: the files behind the `…/asyn` endpoints, kept apart from the exchange."""
