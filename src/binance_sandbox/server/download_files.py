"""The history downloads' links (`/downloads/<downloadId>/<token>.zip`): the file, without an
API key or signature, as Binance's pre-signed storage links are fetched. A link opens once its
file is ready and until it expires (24 hours of exchange time later): before, 404; after, 403
with "Request has expired", as such a storage link answers."""

import secrets

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from binance_sandbox.gateway.downloads.store import PATH_PREFIX
from binance_sandbox.server.runtime import Runtime


def download_routes(runtime: Runtime) -> list[Route]:
    async def download_file(request: Request) -> Response:
        token = str(request.path_params["file"]).removesuffix(".zip")
        found = runtime.downloads.find(str(request.path_params["download_id"]))
        now = runtime.clock.now_ms()
        if found is None or not secrets.compare_digest(found.token, token) or now < found.ready_ms:
            return PlainTextResponse("The specified key does not exist.", status_code=404)
        if now >= found.expires_ms:
            return PlainTextResponse("Request has expired", status_code=403)
        name = f"{found.kind}-{found.download_id}.zip"
        return Response(
            runtime.downloads.file(found),
            media_type="application/zip",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    return [Route(PATH_PREFIX + "{download_id}/{file}", download_file)]
