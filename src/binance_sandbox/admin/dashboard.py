"""The web dashboard at /dashboard: one static page (no build step, no Node) that reads the
admin API with the admin token and Binance's public endpoints, once a second.

The page itself holds no data, so it is served without the token; everything it shows comes
from token-protected admin calls. It cannot be framed, and its fragment (`#token=...`) never
reaches a server or a Referer header.
"""

from importlib import resources

from starlette.requests import Request
from starlette.responses import Response

_PAGE = resources.files("binance_sandbox.admin").joinpath("dashboard.html").read_bytes()
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


async def dashboard(_request: Request) -> Response:
    return Response(_PAGE, media_type="text/html; charset=utf-8", headers=_HEADERS)
