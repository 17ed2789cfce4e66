"""Which of Binance's documented endpoints the sandbox implements, per product: USDⓈ-M's list
(API-SURFACE.md) and COIN-M's (its Postman collection), each checked against the endpoints of
that product's table."""

from dataclasses import dataclass
from importlib import resources

from binance_sandbox.core.instruments import Product
from binance_sandbox.gateway.endpoint import Endpoint

PRODUCT_NAMES: dict[Product, str] = {"usdm": "USDⓈ-M", "coinm": "COIN-M"}


@dataclass(frozen=True)
class Documented:
    method: str
    path: str
    security: str
    group: str
    name: str
    weight: str


def documented(product: Product) -> list[Documented]:
    text = resources.files("binance_sandbox.gateway").joinpath(f"documented_{product}.tsv")
    rows = []
    for line in text.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(Documented(*line.split("\t")))
    return rows


def coverage(endpoints: list[Endpoint], product: Product = "usdm") -> list[tuple[Documented, bool]]:
    implemented = {endpoint.key for endpoint in endpoints if endpoint.product == product}
    return [(doc, (doc.method, doc.path) in implemented) for doc in documented(product)]
