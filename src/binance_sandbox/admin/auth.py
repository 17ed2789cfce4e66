"""Bearer-token guard for the admin API. The health check stays open."""

import hmac

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

OPEN_PATHS = frozenset({"/sandbox/v1/health"})


class AdminTokenGuard:
    def __init__(self, app: ASGIApp, token: str) -> None:
        self._app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in OPEN_PATHS:
            given = Request(scope).headers.get("authorization", "").encode()
            if not hmac.compare_digest(given, self._expected):
                await _unauthorised()(scope, receive, send)
                return
        await self._app(scope, receive, send)


def _unauthorised() -> Response:
    return JSONResponse(
        {"code": -2015, "msg": "Missing or wrong admin token (Authorization: Bearer <token>)."},
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )
