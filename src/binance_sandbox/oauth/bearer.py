"""Bearer tokens on the resource endpoints (RFC 6750), checked by Authlib's ResourceProtector,
answered in Binance's `{"code","message","data","success"}` envelope.

Binance documents only the success envelope; a refusal carries the RFC 6750 error name as its
`code` (the sandbox's choice), HTTP 401 or 403 and a `WWW-Authenticate` header.
"""

from collections.abc import Callable
from typing import Any

from authlib.oauth2 import OAuth2Error, ResourceProtector
from authlib.oauth2.rfc6750 import BearerTokenValidator
from starlette.requests import Request
from starlette.responses import JSONResponse

from binance_sandbox.oauth.models import Token
from binance_sandbox.oauth.store import OAuthStore


class _Validator(BearerTokenValidator):
    def __init__(self, store: OAuthStore, now_ms: Callable[[], int]) -> None:
        super().__init__()
        self._store = store
        self._now_ms = now_ms

    def authenticate_token(self, token_string: str) -> Token | None:
        return self._store.access_token(token_string, self._now_ms())

    def validate_request(self, request: Any) -> None:
        pass  # nothing beyond the token itself


class BearerGuard:
    def __init__(self, store: OAuthStore, now_ms: Callable[[], int]) -> None:
        self._protector = ResourceProtector()
        self._protector.register_token_validator(_Validator(store, now_ms))

    def token(self, request: Request, *scopes: str) -> Token:
        """The request's valid token holding every scope given; else raises `Refused`."""
        try:
            token: Token = self._protector.validate_request(list(scopes) or None, request)
        except OAuth2Error as error:
            raise Refused(error) from error
        return token


class Refused(Exception):
    def __init__(self, error: OAuth2Error) -> None:
        super().__init__(error.error)
        self.error = error

    def response(self) -> JSONResponse:
        status, body, headers = self.error()
        challenge = f'Bearer error="{body["error"]}"'
        return JSONResponse(
            {
                "code": body["error"],
                "message": body.get("error_description", body["error"]),
                "data": None,
                "success": False,
            },
            status_code=status,
            headers={**dict(headers), "WWW-Authenticate": challenge},
        )


def envelope(data: Any) -> JSONResponse:
    return JSONResponse({"code": "000000", "message": None, "data": data, "success": True})
