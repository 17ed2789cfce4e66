"""The sign-in and consent page, and the page for a request that cannot be redirected.

Both are served with headers that forbid framing (clickjacking, RFC 9700 4.7), caching and
referrers; the consent form carries a CSRF token that must match a SameSite cookie.
"""

from html import escape

from starlette.responses import HTMLResponse

from binance_sandbox.core.accounts import Account
from binance_sandbox.oauth.models import Client
from binance_sandbox.oauth.scopes import describe

CSRF_COOKIE = "sandbox_oauth_csrf"

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    # No form-action: the approval redirects to the app, which Chrome would check against it.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}

_STYLE = """
body { font-family: system-ui, sans-serif; background: #181a20; color: #eaecef; margin: 0; }
main { max-width: 26rem; margin: 4rem auto; background: #1e2329; padding: 2rem;
       border-radius: 12px; }
h1 { color: #f0b90b; font-size: 1.3rem; margin-top: 0; }
li { margin: .4rem 0; } code { color: #848e9c; font-size: .8rem; }
select, button { font-size: 1rem; padding: .5rem; border-radius: 6px; margin-top: .5rem; }
select { width: 100%; } .actions { display: flex; gap: .5rem; margin-top: 1.5rem; }
button { flex: 1; border: 0; cursor: pointer; }
#approve { background: #f0b90b; color: #181a20; } #deny { background: #474d57; color: #eaecef; }
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{_STYLE}</style></head><body><main>{body}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def consent_page(
    client: Client, scopes: list[str], accounts: list[Account], action: str, csrf: str
) -> HTMLResponse:
    items = "".join(
        f'<li data-scope="{escape(name)}">{escape(words)} <code>{escape(name)}</code></li>'
        for name, words in describe(scopes)
    )
    options = "".join(
        f'<option value="{account.account_id}">{escape(account.name)}</option>'
        for account in accounts
    )
    body = (
        "<h1>Log in with Binance Sandbox</h1>"
        f'<p><strong id="app-name">{escape(client.name)}</strong> asks to:</p>'
        f'<ul id="scopes">{items}</ul>'
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="csrf_token" value="{escape(csrf)}">'
        '<label for="account">Sign in as</label>'
        f'<select id="account" name="account">{options}</select>'
        '<div class="actions">'
        '<button type="submit" id="deny" name="decision" value="deny">Cancel</button>'
        '<button type="submit" id="approve" name="decision" value="approve">Authorize</button>'
        "</div></form>"
    )
    response = _page("Log in with Binance Sandbox", body)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/")
    return response


def error_page(error: str, description: str, status: int = 400) -> HTMLResponse:
    body = (
        "<h1>This authorization request cannot be served</h1>"
        f'<p id="error">{escape(error)}</p><p id="error-description">{escape(description)}</p>'
    )
    return _page("Authorization error", body, status)
