"""The admin API's state operations: reset, named snapshots (save, list, restore), export and
import of the whole exchange as one file (see `saved_states.py`), seeding from a file
(`seed_file.py`)."""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from binance_sandbox.admin.operations import bad_request
from binance_sandbox.admin.routes import AdminContext, read_body, routes_of
from binance_sandbox.admin.seed_file import seed

MAX_IMPORT_BYTES = 1 << 30


async def reset(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.saved_states.reset()


async def list_states(request: Request, ctx: AdminContext) -> list[dict[str, Any]]:
    return ctx.saved_states.list()


async def save_state(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.saved_states.save(request.path_params["name"])


async def restore_state(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await ctx.saved_states.restore(request.path_params["name"])


async def export_state(request: Request, ctx: AdminContext) -> Response:
    return Response(
        await ctx.saved_states.export(),
        media_type="application/octet-stream",
        headers={"Content-Disposition": 'attachment; filename="exchange.snapshot"'},
    )


async def seed_from_file(request: Request, ctx: AdminContext) -> dict[str, Any]:
    return await seed(ctx.operations, await read_body(request))


async def import_state(request: Request, ctx: AdminContext) -> dict[str, Any]:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_IMPORT_BYTES:
            raise bad_request(f"an import is at most {MAX_IMPORT_BYTES} bytes")
        chunks.append(chunk)
    return await ctx.saved_states.import_file(b"".join(chunks))


def state_routes() -> list[Route]:
    return routes_of(
        [
            ("POST", "/reset", reset),
            ("GET", "/states", list_states),
            ("POST", "/states/{name}", save_state),
            ("POST", "/states/{name}/restore", restore_state),
            ("GET", "/export", export_state),
            ("POST", "/import", import_state),
            ("POST", "/seed", seed_from_file),
        ]
    )
