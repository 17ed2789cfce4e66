"""Where a connection asks to go: Binance's raw `/ws[/<name>[/<name>…]]` and combined
`/stream?streams=<name>/<name>`, at the root or under one of the routes Binance introduced in
2026 (`/public`, `/market`, `/private`). A raw connection starts with `combined` false, a
combined one true (the SET_PROPERTY default). A `listenKey` query parameter
(`/private/ws?listenKey=`) adds the user-data stream it names."""

from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs

RouteName = Literal["public", "market", "private", ""]  # "": the root, every stream
ROUTES: tuple[RouteName, ...] = ("public", "market", "private")


@dataclass(frozen=True)
class Target:
    route: RouteName
    combined: bool
    streams: tuple[str, ...]


def parse_target(path: str, query: bytes) -> Target | None:
    """The connection's route, kind and the streams in its URL; None: no such path."""
    parts = path.strip("/").split("/")
    route: RouteName = ""
    if parts[0] in ROUTES:
        route = parts[0]
        parts = parts[1:]
    if not parts:
        return None
    kind, names = parts[0], [p for p in parts[1:] if p]
    fields = parse_qs(query.decode("latin-1"))
    keys = tuple(fields.get("listenKey", ())[:1])
    if kind == "ws":
        return Target(route, False, (*names, *keys))
    if kind == "stream" and not names:
        listed = fields.get("streams", [""])[0]
        return Target(route, True, (*(n for n in listed.split("/") if n), *keys))
    return None
