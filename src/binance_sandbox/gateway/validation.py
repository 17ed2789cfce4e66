"""Turning a request's raw values into an endpoint's typed parameters.

Mandatory parameters missing: -1102. Values of the wrong type or out of range: the
parameter type's own error. Parameters the endpoint does not declare are ignored, as Binance
does; `timestamp`, `recvWindow` and `signature` belong to the security check.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from binance_sandbox.gateway import errors
from binance_sandbox.gateway.endpoint import Endpoint
from binance_sandbox.gateway.params import Param


def validate(endpoint: Endpoint, values: Mapping[str, str]) -> dict[str, Any]:
    return validate_params(endpoint.params, values)


def validate_params(declared: Iterable[Param], values: Mapping[str, str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for param in declared:
        raw = values.get(param.name)
        for alias in param.aliases:
            raw = values.get(alias) if raw is None else raw
        if raw is None:
            if param.required:
                raise errors.mandatory(param.name)
            continue
        params[param.name] = param.parse(raw)
    return params
