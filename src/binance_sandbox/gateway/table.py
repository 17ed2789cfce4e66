"""The endpoint table: every endpoint the sandbox serves, gathered from the handler modules."""

from binance_sandbox.gateway.endpoint import Endpoint
from binance_sandbox.gateway.handlers import account, general


def endpoint_table() -> list[Endpoint]:
    endpoints = [*general.ENDPOINTS, *account.ENDPOINTS]
    keys = [endpoint.key for endpoint in endpoints]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise ValueError(f"endpoints declared twice: {sorted(duplicates)}")
    return endpoints
