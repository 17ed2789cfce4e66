"""The rejections the core returns, with Binance's codes and messages where Binance has one.

Codes below -9000 are the sandbox's own (admin operations Binance has no code for).
"""

from binance_sandbox.core.events import Rejected

BAD_SYMBOL = Rejected(code=-1121, msg="Invalid symbol.")
BALANCE_NOT_SUFFICIENT = Rejected(code=-2018, msg="Balance is insufficient.")


def malformed(param: str) -> Rejected:
    return Rejected(
        code=-1102,
        msg=f"Mandatory parameter '{param}' was not sent, was empty/null, or malformed.",
    )


def unknown_account(account_id: int) -> Rejected:
    return Rejected(code=-9001, msg=f"Account {account_id} does not exist.")


def unknown_asset(asset: str) -> Rejected:
    return Rejected(code=-9002, msg=f"Asset {asset} is not supported by this exchange.")


def duplicate_account(name: str) -> Rejected:
    return Rejected(code=-9003, msg=f"An account named {name!r} already exists.")


def not_created() -> Rejected:
    return Rejected(code=-9004, msg="The exchange has no genesis yet.")


def already_created() -> Rejected:
    return Rejected(code=-9005, msg="The exchange already has a genesis.")
