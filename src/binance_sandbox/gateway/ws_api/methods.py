"""Which REST endpoint each WebSocket API method is: the method IS that endpoint (its
parameters, weight, ORDERS cost, security and handler), only the envelope differs.

Names and their endpoints from Binance's ws-fapi pages (API-SURFACE.md (h)): `account.*` v1 are
the v2 REST reads, their `v2/` forms the v3 ones. COIN-M's ws-dapi has the ten methods of its
pages and SDK, on /dapi's v1 endpoints. A method whose endpoint the table does not serve (yet)
is not offered: it answers as an unknown method.
"""

from collections.abc import Callable

from binance_sandbox.core.instruments import Product
from binance_sandbox.gateway.endpoint import Endpoint

METHODS: dict[str, tuple[str, str]] = {
    "order.place": ("POST", "/fapi/v1/order"),
    "order.modify": ("PUT", "/fapi/v1/order"),
    "order.cancel": ("DELETE", "/fapi/v1/order"),
    "order.status": ("GET", "/fapi/v1/order"),
    "algoOrder.place": ("POST", "/fapi/v1/algoOrder"),
    "algoOrder.cancel": ("DELETE", "/fapi/v1/algoOrder"),
    "account.status": ("GET", "/fapi/v2/account"),
    "v2/account.status": ("GET", "/fapi/v3/account"),
    "account.balance": ("GET", "/fapi/v2/balance"),
    "v2/account.balance": ("GET", "/fapi/v3/balance"),
    "account.position": ("GET", "/fapi/v2/positionRisk"),
    "v2/account.position": ("GET", "/fapi/v3/positionRisk"),
    "depth": ("GET", "/fapi/v1/depth"),
    "ticker.price": ("GET", "/fapi/v1/ticker/price"),
    "ticker.book": ("GET", "/fapi/v1/ticker/bookTicker"),
    "userDataStream.start": ("POST", "/fapi/v1/listenKey"),
    "userDataStream.ping": ("PUT", "/fapi/v1/listenKey"),
    "userDataStream.stop": ("DELETE", "/fapi/v1/listenKey"),
}


DAPI_METHODS: dict[str, tuple[str, str]] = {
    "order.place": ("POST", "/dapi/v1/order"),
    "order.modify": ("PUT", "/dapi/v1/order"),
    "order.cancel": ("DELETE", "/dapi/v1/order"),
    "order.status": ("GET", "/dapi/v1/order"),
    "account.status": ("GET", "/dapi/v1/account"),
    "account.balance": ("GET", "/dapi/v1/balance"),
    "account.position": ("GET", "/dapi/v1/positionRisk"),
    "userDataStream.start": ("POST", "/dapi/v1/listenKey"),
    "userDataStream.ping": ("PUT", "/dapi/v1/listenKey"),
    "userDataStream.stop": ("DELETE", "/dapi/v1/listenKey"),
}
BY_PRODUCT: dict[Product, dict[str, tuple[str, str]]] = {"usdm": METHODS, "coinm": DAPI_METHODS}


def served_methods(
    endpoint: Callable[[str, str], Endpoint | None], product: Product = "usdm"
) -> dict[str, Endpoint]:
    """The product's methods whose REST endpoint `endpoint(method, path)` finds."""
    found = {name: endpoint(*route) for name, route in BY_PRODUCT[product].items()}
    return {name: served for name, served in found.items() if served is not None}
