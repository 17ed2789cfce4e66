"""Binance Login's clients, codes, tokens and consents survive a restart and a kill -9."""

import hashlib
import sqlite3

from tests.conftest import ServerFactory
from tests.support.oauth_login import bearer, code_for, exchange, ok_data, register, token_request

CALLBACK = "https://app.example/callback"
MANUAL = '[clock]\nmode = "manual"\n'


def test_grants_survive_kill_9_and_expire_on_the_restored_clock(
    make_server: ServerFactory,
) -> None:
    server = make_server("data", MANUAL).start()
    app = register(server, CALLBACK)
    issued = exchange(server, app, code_for(server, app, "user:openId")).json()
    pending_code = code_for(server, app, "user:openId,user:email")
    server.kill()

    server.start()
    [client] = server.call("GET", "/oauth/clients")
    assert (client["clientId"], client["name"]) == (app.client_id, "Test App")
    assert ok_data(bearer(server, "GET", "/oauth-api/v1/user-info", issued["access_token"]))
    assert exchange(server, app, pending_code).status_code == 200
    refreshed = token_request(
        server,
        grant_type="refresh_token",
        refresh_token=issued["refresh_token"],
        client_id=app.client_id,
        client_secret=app.secret,
    )
    assert refreshed.status_code == 200
    access = refreshed.json()["access_token"]
    server.stop()

    server.start()
    assert ok_data(bearer(server, "GET", "/oauth-api/v1/user-info", access))
    server.call("POST", "/clock/advance", {"by": "1h"})
    assert bearer(server, "GET", "/oauth-api/v1/user-info", access).status_code == 401
    server.stop()
    with sqlite3.connect(server.data_dir / "oauth.db") as db:
        [(consents,)] = db.execute("SELECT count(*) FROM consents").fetchall()
        secrets_kept = db.execute("SELECT secret_digest FROM clients").fetchall()
    assert consents == 1  # one account, one app: the latest approval
    # the secret itself is kept nowhere: only its digest
    assert secrets_kept == [(hashlib.sha256(app.secret.encode()).hexdigest(),)]
