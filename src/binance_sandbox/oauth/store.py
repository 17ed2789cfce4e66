"""Binance Login's durable state: clients, authorization codes, tokens and consents.

One SQLite file in the data directory (WAL, fsync on every commit), apart from the exchange
journal: OAuth grants are not exchange state and are not replayed. Every write is one
transaction, so a kill -9 loses nothing that was answered. Codes and tokens are kept as
SHA-256 digests. Times are exchange-clock milliseconds, given by the caller.

Reuse detection (RFC 9700 2.2.2, 4.14.2): each authorization starts a grant; the code and
every token refreshed from it carry its id, and presenting a used code or a rotated refresh
token revokes the whole grant.
"""

import secrets
from pathlib import Path

import orjson

from binance_sandbox.journal.durable_sqlite import open_durable
from binance_sandbox.oauth.models import AuthorizationCode, Client, Token, digest

_SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
    client_id TEXT PRIMARY KEY, name TEXT NOT NULL, redirect_uris TEXT NOT NULL,
    secret_digest TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS codes (
    code_digest TEXT PRIMARY KEY, client_id TEXT NOT NULL, account_id INTEGER NOT NULL,
    redirect_uri TEXT NOT NULL, scope TEXT NOT NULL, code_challenge TEXT NOT NULL,
    code_challenge_method TEXT NOT NULL, grant_id TEXT NOT NULL, expires_ms INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS tokens (
    access_digest TEXT PRIMARY KEY, refresh_digest TEXT UNIQUE NOT NULL,
    client_id TEXT NOT NULL, account_id INTEGER NOT NULL, scope TEXT NOT NULL,
    grant_id TEXT NOT NULL, issued_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL,
    refresh_expires_ms INTEGER NOT NULL, rotated INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS tokens_by_grant ON tokens (grant_id);
CREATE TABLE IF NOT EXISTS consents (
    account_id INTEGER NOT NULL, client_id TEXT NOT NULL, scope TEXT NOT NULL,
    granted_ms INTEGER NOT NULL, PRIMARY KEY (account_id, client_id));
"""

_TOKEN_COLUMNS = (
    "access_digest, refresh_digest, client_id, account_id, scope, grant_id, issued_ms,"
    " expires_ms, revoked"
)


class OAuthStore:
    def __init__(self, path: Path) -> None:
        self._db = open_durable(path, _SCHEMA)

    def close(self) -> None:
        self._db.close()

    def _write(self, sql: str, *params: object) -> None:
        with self._db:
            self._db.execute(sql, params)

    # clients

    def create_client(
        self, name: str, redirect_uris: list[str], public: bool, now_ms: int
    ) -> tuple[Client, str]:
        """The new client and its secret ("" for a public client), shown only now."""
        secret = "" if public else secrets.token_hex(32)
        client = Client(
            client_id=secrets.token_urlsafe(12),
            name=name,
            redirect_uris=tuple(redirect_uris),
            secret_digest=digest(secret) if secret else "",
            created_ms=now_ms,
        )
        self._write(
            "INSERT INTO clients VALUES (?, ?, ?, ?, ?)",
            client.client_id,
            name,
            orjson.dumps(redirect_uris).decode(),
            client.secret_digest,
            now_ms,
        )
        return client, secret

    def client(self, client_id: str) -> Client | None:
        row = self._db.execute("SELECT * FROM clients WHERE client_id = ?", (client_id,)).fetchone()
        return _client(row) if row else None

    def clients(self) -> list[Client]:
        rows = self._db.execute("SELECT * FROM clients ORDER BY created_ms, client_id")
        return [_client(row) for row in rows]

    # authorization codes

    def save_code(self, code: str, record: AuthorizationCode, expires_ms: int) -> None:
        self._write(
            "INSERT INTO codes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            digest(code),
            record.client_id,
            record.account_id,
            record.redirect_uri,
            record.scope,
            record.code_challenge,
            record.code_challenge_method,
            record.grant_id,
            expires_ms,
        )

    def code(self, code: str, client_id: str, now_ms: int) -> AuthorizationCode | None:
        """A live code of this client; a used one revokes what it issued (RFC 6749 4.1.2)."""
        row = self._db.execute(
            "SELECT code_digest, client_id, account_id, redirect_uri, scope, code_challenge,"
            " code_challenge_method, grant_id, expires_ms, used FROM codes"
            " WHERE code_digest = ? AND client_id = ?",
            (digest(code), client_id),
        ).fetchone()
        if row is None:
            return None
        *fields, expires_ms, used = row
        if used:
            self.revoke_grant(row[7])
            return None
        return AuthorizationCode(*fields) if now_ms < expires_ms else None

    def use_code(self, record: AuthorizationCode) -> None:
        self._write("UPDATE codes SET used = 1 WHERE code_digest = ?", record.code_digest)

    # tokens

    def save_token(
        self,
        access_token: str,
        refresh_token: str,
        record: Token,
        refresh_expires_ms: int,
    ) -> None:
        self._write(
            "INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)",
            digest(access_token),
            digest(refresh_token),
            record.client_id,
            record.account_id,
            record.scope,
            record.grant_id,
            record.issued_ms,
            record.expires_ms,
            refresh_expires_ms,
        )

    def access_token(self, access_token: str, now_ms: int) -> Token | None:
        row = self._db.execute(
            f"SELECT {_TOKEN_COLUMNS} FROM tokens WHERE access_digest = ?",
            (digest(access_token),),
        ).fetchone()
        return _token(row, now_ms) if row else None

    def refresh_token(self, refresh_token: str, now_ms: int) -> Token | None:
        """A live, unrotated refresh token; a rotated one revokes its grant (RFC 9700 4.14.2)."""
        row = self._db.execute(
            f"SELECT {_TOKEN_COLUMNS}, refresh_expires_ms, rotated FROM tokens"
            " WHERE refresh_digest = ?",
            (digest(refresh_token),),
        ).fetchone()
        if row is None:
            return None
        *fields, refresh_expires_ms, rotated = row
        token = _token(fields, now_ms)
        if rotated:
            self.revoke_grant(token.grant_id)
            return None
        if token.revoked or now_ms >= refresh_expires_ms:
            return None
        return token

    def rotate(self, token: Token) -> None:
        self._write("UPDATE tokens SET rotated = 1 WHERE access_digest = ?", token.access_digest)

    def revoke_grant(self, grant_id: str) -> None:
        self._write("UPDATE tokens SET revoked = 1 WHERE grant_id = ?", grant_id)

    # consents

    def save_consent(self, account_id: int, client_id: str, scope: str, now_ms: int) -> None:
        self._write(
            "INSERT OR REPLACE INTO consents VALUES (?, ?, ?, ?)",
            account_id,
            client_id,
            scope,
            now_ms,
        )


def new_grant_id() -> str:
    return secrets.token_hex(16)


def _client(row: tuple[str, str, str, str, int]) -> Client:
    client_id, name, uris, secret_digest, created_ms = row
    return Client(client_id, name, tuple(orjson.loads(uris)), secret_digest, created_ms)


def _token(row: list[object] | tuple[object, ...], now_ms: int) -> Token:
    access, refresh, client_id, account_id, scope, grant_id, issued, expires, revoked = row
    return Token(
        access_digest=str(access),
        refresh_digest=str(refresh),
        client_id=str(client_id),
        account_id=int(account_id),  # type: ignore[call-overload]
        scope=str(scope),
        grant_id=str(grant_id),
        issued_ms=int(issued),  # type: ignore[call-overload]
        expires_ms=int(expires),  # type: ignore[call-overload]
        revoked=bool(revoked),
        now_ms=now_ms,
    )
