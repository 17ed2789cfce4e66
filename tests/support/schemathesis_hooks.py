"""schemathesis hooks (loaded through SCHEMATHESIS_HOOKS) that let generated requests reach the
handlers of signed endpoints: each request gets a fresh `timestamp` and an HMAC `signature` over
its query string exactly as `requests` encodes it, and every answer's endpoint, status and code
are appended to a JSON-lines log for the test to read."""

import hashlib
import hmac
import json
import os
import time
from typing import Any
from urllib.parse import urlencode

import schemathesis

SECRET = os.environ.get("SANDBOX_FUZZ_SECRET", "")
LOG = os.environ.get("SANDBOX_FUZZ_LOG", "")


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    query = case.query
    if not SECRET or not query or "signature" not in query:
        return
    items = [
        (name, value)
        for name, value in query.items()
        if name not in ("timestamp", "signature") and value is not None
    ]
    items.append(("timestamp", int(time.time() * 1000)))
    payload = urlencode([(name, str(value)) for name, value in items])
    signature = hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).hexdigest()
    case.query = dict(items) | {"signature": signature}


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    if not LOG:
        return
    try:
        code = json.loads(response.content).get("code")
    except (ValueError, AttributeError):
        code = None
    record = {
        "path": case.operation.path,
        "method": case.method,
        "status": response.status_code,
        "code": code,
        "signed": "signature" in (case.query or {}),
    }
    with open(LOG, "a") as out:
        out.write(json.dumps(record) + "\n")
