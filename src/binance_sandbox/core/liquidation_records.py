"""What liquidation keeps in the state: the insurance fund and the account ledger rows that
income history shows (INSURANCE_CLEAR), and the scopes under a margin call.

The fund is not an account: it has a balance per margin asset and the positions it took over
from bankrupt traders (account id 0), which it holds at their bankruptcy price.
"""

import msgspec

from binance_sandbox.core.positions import Position

FUND_ACCOUNT_ID = 0  # the owner id of the fund's positions (accounts count from 1)


class InsuranceFund(msgspec.Struct, kw_only=True):
    balances: dict[str, int] = msgspec.field(default_factory=dict)  # asset -> at 8 decimals
    update_times: dict[str, int] = msgspec.field(default_factory=dict)
    positions: dict[str, Position] = msgspec.field(default_factory=dict)  # by symbol
    deposits: dict[str, int] = msgspec.field(default_factory=dict)  # net of admin settings


class InsuranceClear(msgspec.Struct, frozen=True, kw_only=True):
    """A clearance fee paid to the fund (negative income) or a negative balance it cleared
    (positive income): an INSURANCE_CLEAR row of the account's income."""

    account_id: int
    symbol: str
    asset: str
    amount: int  # signed, at 8 decimals, as the account sees it
    time: int
    tran_id: int
