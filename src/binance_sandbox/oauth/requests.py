"""Starlette requests as Authlib sees them.

Authlib's grants read `request.form` and `request.payload`; here both hold the query string and
the form body together, because Binance's own examples send the token request's parameters in
the query string (the strict RFC mode refuses that before Authlib sees the request).
Scopes arrive comma-separated (Binance) or space-separated (RFC 6749 clients); Authlib gets them
space-separated.
"""

from collections import defaultdict
from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from starlette.datastructures import URL, Headers, QueryParams

from binance_sandbox.oauth.scopes import split_scopes


class MergedPayload(OAuth2Payload):
    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for name, value in items:
            self._datalist[name].append(" ".join(split_scopes(value)) if name == "scope" else value)
        self._data = {name: values[0] for name, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class SandboxOAuth2Request(OAuth2Request):
    def __init__(
        self,
        method: str,
        url: URL,
        headers: Headers,
        query: QueryParams,
        form: list[tuple[str, str]],
    ) -> None:
        # The sandbox is a local test venue served over plain HTTP on purpose; Authlib's
        # HTTPS-only check (RFC 6749 3.1) is for real deployments, so the URI it sees says https.
        super().__init__(method, str(url.replace(scheme="https")), headers=headers)
        self.payload = MergedPayload([*query.multi_items(), *form])

    @property
    def form(self) -> dict[str, Any]:
        return self.payload.data
