"""Seeding a running exchange from a declarative file: index prices, accounts with balances
and keys, then orders in file order (a MARKET order against resting ones opens positions, as on
Binance).

```toml
[prices]
BTCUSDT = "70000"

[accounts.alice]
balances = { USDT = "5000" }
keys = [{ type = "hmac", label = "alice" }]

[[orders]]
account = "alice"
symbol = "BTCUSDT"
side = "SELL"
type = "LIMIT"          # or MARKET (no price)
price = "70000"
quantity = "0.010"
timeInForce = "GTC"     # the default
```

Everything goes through the journaled operations a client or the admin API uses; the answer
shows the new keys' secrets once and each order's id and status.
"""

from typing import Any

from binance_sandbox.admin.operations import AdminOperations, bad_request
from binance_sandbox.admin.routes import flag_field, text_field
from binance_sandbox.admin.views import created_key_view
from binance_sandbox.core.commands import PlaceOrder
from binance_sandbox.core.events import OrderUpdated
from binance_sandbox.core.fixed import FixedPointError, parse_scaled
from binance_sandbox.core.instruments import Product

MAX_ITEMS = 10_000


async def seed(operations: AdminOperations, spec: dict[str, Any]) -> dict[str, Any]:
    accounts = spec.get("accounts", {})
    orders = spec.get("orders", [])
    if not isinstance(accounts, dict) or not isinstance(orders, list):
        raise bad_request("a seed file has `accounts` (a table by name) and `orders` (a list)")
    if len(accounts) + len(orders) > MAX_ITEMS:
        raise bad_request(f"a seed file has at most {MAX_ITEMS} accounts and orders")
    prices = spec.get("prices", {})
    if not isinstance(prices, dict):
        raise bad_request("`prices` is a table of symbol = price")
    if prices:
        await operations.set_prices({str(k): str(v) for k, v in prices.items()})
    keys = []
    for name, account in accounts.items():
        keys += await _account(operations, str(name), account)
    placed = [await _order(operations, order) for order in orders]
    return {"keys": keys, "orders": placed}


async def _account(operations: AdminOperations, name: str, spec: Any) -> list[dict[str, Any]]:
    if not isinstance(spec, dict):
        raise bad_request(f"accounts.{name} must be a table")
    account = await operations.create_account(text_field({"name": name}, "name", 64))
    wallets: tuple[tuple[str, Product], ...] = (("balances", "usdm"), ("coinm_balances", "coinm"))
    for field, product in wallets:
        balances = spec.get(field, {})
        if not isinstance(balances, dict):
            raise bad_request(f"accounts.{name}.{field} must be a table of asset = amount")
        for asset, amount in balances.items():
            await operations.transfer(
                account.account_id, str(asset), str(amount), "seed", deposit=True, product=product
            )
    created = []
    for key in spec.get("keys", []):
        if not isinstance(key, dict):
            raise bad_request(f"accounts.{name}.keys holds tables")
        key_type = text_field(key, "type", 16, "hmac").lower()
        if key_type not in ("hmac", "rsa", "ed25519"):
            raise bad_request("type must be hmac, rsa or ed25519")
        made = await operations.create_key(
            account.account_id,
            key_type,  # type: ignore[arg-type]  # checked just above
            read_only=flag_field(key, "readOnly", False),
            label=text_field(key, "label", 64) if key.get("label") else "",
        )
        created.append({"account": name, **created_key_view(made)})
    return created


async def _order(operations: AdminOperations, spec: Any) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise bad_request("each of `orders` must be a table")
    account = operations.account(text_field(spec, "account", 64))
    instrument = operations.instrument(text_field(spec, "symbol", 40).upper())
    side = text_field(spec, "side", 4).upper()
    order_type = text_field(spec, "type", 6, "LIMIT").upper()
    tif = text_field(spec, "timeInForce", 3, "GTC").upper()
    if side not in ("BUY", "SELL") or order_type not in ("LIMIT", "MARKET"):
        raise bad_request("side is BUY or SELL; type is LIMIT or MARKET")
    if tif not in ("GTC", "IOC", "FOK", "GTX"):
        raise bad_request("timeInForce is GTC, IOC, FOK or GTX")
    command = PlaceOrder(
        account_id=account.account_id,
        symbol=instrument.symbol,
        side=side,  # type: ignore[arg-type]  # checked above
        order_type=order_type,  # type: ignore[arg-type]
        quantity=_scaled(spec, "quantity", instrument.qty_decimals),
        price=_scaled(spec, "price", instrument.price_decimals) if order_type == "LIMIT" else 0,
        time_in_force=tif,  # type: ignore[arg-type]
    )
    events = (await operations.submit(command)).events
    updates = [event.order for event in events if isinstance(event, OrderUpdated)]
    placed = max(order.order_id for order in updates)  # the newest: this one, not its makers
    final = [order for order in updates if order.order_id == placed][-1]
    return {"orderId": final.order_id, "status": final.status}


def _scaled(spec: dict[str, Any], name: str, decimals: int) -> int:
    text = text_field(spec, name, 40)
    try:
        return parse_scaled(text, decimals)
    except FixedPointError as exc:
        raise bad_request(f"{name} {text!r} has more than {decimals} decimals") from exc
