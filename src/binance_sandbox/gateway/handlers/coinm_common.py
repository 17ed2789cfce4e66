"""How COIN-M's table declares an endpoint that behaves as a USDⓈ-M one: the same handler and
parameters on the /dapi path, with COIN-M's weight or parameters where the docs differ."""

import dataclasses
from typing import Protocol

from binance_sandbox.gateway.endpoint import Endpoint, WeightRule
from binance_sandbox.gateway.params import Param


class _HandlerModule(Protocol):
    ENDPOINTS: list[Endpoint]


def usdm(*modules: _HandlerModule) -> dict[tuple[str, str], Endpoint]:
    """The USDⓈ-M endpoints the handler modules declare, by (method, path)."""
    return {e.key: e for module in modules for e in module.ENDPOINTS}


def dapi(
    endpoint: Endpoint,
    path: str,
    *,
    weight: WeightRule | None = None,
    params: tuple[Param, ...] | None = None,
) -> Endpoint:
    return dataclasses.replace(
        endpoint,
        path=path,
        product="coinm",
        weight=endpoint.weight if weight is None else weight,
        params=endpoint.params if params is None else params,
    )
