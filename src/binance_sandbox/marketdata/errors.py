"""The one error of market-data import: a file or the store cannot be used, and why."""


class MarketDataError(Exception):
    """A refusal with a message for the user: which file, which line, what is wrong."""
