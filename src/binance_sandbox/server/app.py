"""The ASGI application: the admin API under /sandbox/v1 (the Binance gateway joins it later)."""

import contextlib
from collections.abc import AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount

from binance_sandbox.admin.auth import AdminTokenGuard
from binance_sandbox.admin.routes import admin_routes
from binance_sandbox.server.runtime import Runtime


def create_app(runtime: Runtime, token: str, on_started: Callable[[], None]) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await runtime.start()
        app.state.context = runtime
        on_started()
        try:
            yield
        finally:
            await runtime.stop()

    admin = Starlette(routes=admin_routes(), middleware=[Middleware(AdminTokenGuard, token=token)])
    app = Starlette(routes=[Mount("/sandbox/v1", app=admin)], lifespan=lifespan)
    admin.state.context = runtime
    return app
