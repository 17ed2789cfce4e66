"""Which of Binance's documented USDⓈ-M endpoints the sandbox implements."""

from dataclasses import dataclass
from importlib import resources

from binance_sandbox.gateway.endpoint import Endpoint


@dataclass(frozen=True)
class Documented:
    method: str
    path: str
    security: str
    group: str
    name: str
    weight: str


def documented_usdm() -> list[Documented]:
    text = resources.files("binance_sandbox.gateway").joinpath("documented_usdm.tsv")
    rows = []
    for line in text.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(Documented(*line.split("\t")))
    return rows


def coverage(endpoints: list[Endpoint]) -> list[tuple[Documented, bool]]:
    implemented = {endpoint.key for endpoint in endpoints}
    return [(doc, (doc.method, doc.path) in implemented) for doc in documented_usdm()]
