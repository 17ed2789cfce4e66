"""`GET /openapi.json`, generated from the endpoint table (OpenAPI 3.1)."""

from typing import Any

from binance_sandbox import __version__
from binance_sandbox.gateway.endpoint import Endpoint
from binance_sandbox.gateway.params import Param

_SIGNED_PARAMS = [
    {"name": "timestamp", "in": "query", "required": True, "schema": {"type": "integer"}},
    {"name": "recvWindow", "in": "query", "required": False, "schema": {"type": "integer"}},
    {"name": "signature", "in": "query", "required": True, "schema": {"type": "string"}},
]
_ERROR = {
    "type": "object",
    "required": ["code", "msg"],
    "properties": {"code": {"type": "integer"}, "msg": {"type": "string"}},
}


def openapi_document(endpoints: list[Endpoint], symbols: tuple[str, ...] = ()) -> dict[str, Any]:
    """`symbols`: the symbols and pairs this exchange lists, the enum of every symbol-like
    parameter (any other value is -1121), so generated requests name instruments that exist."""
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        # /futures/data serves both products on one path: the document shows USDⓈ-M's form
        # (declared first); COIN-M's answers requests that name a COIN-M pair (products.py)
        paths.setdefault(endpoint.path, {}).setdefault(
            endpoint.method.lower(), _operation(endpoint, symbols)
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "binance-sandbox (Binance USDⓈ-M and COIN-M futures APIs)",
            "version": __version__,
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-MBX-APIKEY"}
            },
            "schemas": {"Error": _ERROR},
        },
    }


def _operation(endpoint: Endpoint, symbols: tuple[str, ...]) -> dict[str, Any]:
    parameters = [_parameter(param, symbols) for param in endpoint.params]
    if endpoint.security.signed:
        parameters += _SIGNED_PARAMS
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    operation: dict[str, Any] = {
        "summary": endpoint.summary,
        "description": f"Security: {endpoint.security.value}. Weight: {endpoint.weight.text}.",
        "parameters": parameters,
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": {}}}},
            "400": {"description": "Request error", **error},
            "401": {"description": "API-key error", **error},
            "429": {"description": "Rate limited", **error},
            "418": {"description": "IP banned", **error},
        },
    }
    if endpoint.security.needs_key:
        operation["security"] = [{"apiKey": []}]
    return operation


def _parameter(param: Param, symbols: tuple[str, ...]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": _schema_type(param)}
    if param.enum:
        schema["enum"] = list(param.enum)
    elif param.kind == "symbol" and symbols:
        schema["enum"] = list(symbols)
    if param.minimum is not None:
        schema["minimum"] = param.minimum
    if param.maximum is not None:
        schema["maximum"] = param.maximum
    if param.max_length is not None:
        schema["maxLength"] = param.max_length
    if param.pattern is not None and "enum" not in schema:
        schema["pattern"] = f"^(?:{param.pattern})$"
    return {
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": param.description,
        "schema": schema,
    }


def _schema_type(param: Param) -> str:
    return {"integer": "integer", "boolean": "string"}.get(param.kind, "string")
