"""(being written)"""

from binance_sandbox.gateway.endpoint import Endpoint

ENDPOINTS: list[Endpoint] = []
