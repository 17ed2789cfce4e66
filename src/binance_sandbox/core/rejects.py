"""The rejections the core returns, with Binance's codes and messages where Binance has one.

Codes below -9000 are the sandbox's own (admin operations Binance has no code for).
"""

from binance_sandbox.core.events import Rejected
from binance_sandbox.core.fixed import AMOUNT_SCALE, MAX_BALANCE

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


# A command the core failed on, or one the journal could not store (never expected: the gateway
# bounds every value); Binance's code for an internal failure.
INTERNAL_ERROR = Rejected(code=-1000, msg="An unknown error occured while processing the request.")


def balance_too_large(asset: str) -> Rejected:
    limit = MAX_BALANCE // AMOUNT_SCALE
    return Rejected(code=-9006, msg=f"A balance may hold at most {limit} {asset} in the sandbox.")


def not_created() -> Rejected:
    return Rejected(code=-9004, msg="The exchange has no genesis yet.")


def already_created() -> Rejected:
    return Rejected(code=-9005, msg="The exchange already has a genesis.")


def rejected(code: int, msg: str) -> Rejected:
    return Rejected(code=code, msg=msg)


QTY_BELOW_MIN = Rejected(code=-4004, msg="Quantity less than min quantity.")
QTY_ABOVE_MAX = Rejected(code=-4005, msg="Quantity greater than max quantity.")
QTY_OFF_STEP = Rejected(code=-4023, msg="Qty not increased by step size.")
PRICE_BELOW_MIN = Rejected(code=-4013, msg="Price less than min price.")
PRICE_ABOVE_MAX = Rejected(code=-4002, msg="Price greater than max price.")
PRICE_OFF_TICK = Rejected(code=-4014, msg="Price not increased by tick size.")
MARKET_BEYOND_BOUND = Rejected(
    code=-4131, msg="The counterparty's best price does not meet the PERCENT_PRICE filter limit"
)
PRICE_ABOVE_CAP = Rejected(code=-4016, msg="Price is higher than mark price multiplier cap.")
PRICE_BELOW_FLOOR = Rejected(code=-4024, msg="Price is lower than mark price multiplier floor.")
CLIENT_ORDER_ID_INVALID = Rejected(code=-4015, msg="Client order id is not valid.")
CLIENT_ORDER_ID_DUPLICATED = Rejected(code=-4116, msg="clientOrderId is duplicated")
POSITION_SIDE_MISMATCH = Rejected(
    code=-4061, msg="Order's position side does not match user's setting."
)
MAX_OPEN_ORDERS = Rejected(code=-2025, msg="Reach max open order limit.")
MARGIN_INSUFFICIENT = Rejected(code=-2019, msg="Margin is insufficient.")
MAX_LEVERAGE_RATIO = Rejected(
    code=-2027, msg="Exceeded the maximum allowable position at current leverage."
)
MIN_LEVERAGE_RATIO = Rejected(
    code=-2028, msg="Leverage is smaller than permitted: insufficient margin balance."
)
MARGIN_TYPE_UNCHANGED = Rejected(code=-4046, msg="No need to change margin type.")
MARGIN_TYPE_WITH_OPEN_ORDERS = Rejected(
    code=-4047, msg="Margin type cannot be changed if there exists open orders."
)
MARGIN_TYPE_WITH_POSITION = Rejected(
    code=-4048, msg="Margin type cannot be changed if there exists position."
)
ADD_MARGIN_CROSS = Rejected(code=-4049, msg="Add margin only support for isolated position.")
CROSS_BALANCE_INSUFFICIENT = Rejected(code=-4050, msg="Cross balance insufficient.")
ISOLATED_BALANCE_INSUFFICIENT = Rejected(code=-4051, msg="Isolated balance insufficient.")
MARGIN_NO_POSITION = Rejected(code=-4054, msg="Cannot add position margin: position is 0.")
AMOUNT_NOT_POSITIVE = Rejected(code=-4055, msg="Amount must be positive.")
ISOLATED_LEVERAGE_REDUCTION = Rejected(
    code=-4161,
    msg="Leverage reduction is not supported in Isolated Margin Mode with open positions",
)
REDUCE_ONLY_REJECTED = Rejected(code=-2022, msg="ReduceOnly Order is rejected.")
FOK_REJECTED = Rejected(
    code=-5021,
    msg="Due to the order could not be filled immediately, the FOK order has been rejected.",
)
GTX_REJECTED = Rejected(
    code=-5022,
    msg="Due to the order could not be executed as maker, the Post Only order will be rejected.",
)
INVALID_PRICE_MATCH = Rejected(code=-5037, msg="Invalid price match")
PRICE_MATCH_TYPE = Rejected(
    code=-5038, msg="Price match only supports order type: LIMIT, STOP AND TAKE_PROFIT"
)
NO_DEPTH_FOR_PRICE_MATCH = Rejected(code=-5041, msg="No depth matches this BBO order")
GTD_DATE = Rejected(
    code=-5040,
    msg="The goodTillDate timestamp must be greater than the current time plus 600 seconds "
    "and smaller than 253402300799000 (UTC 9999-12-31 23:59:59)",
)
ME_RECV_WINDOW = Rejected(
    code=-5028, msg="Timestamp for this request is outside of the ME recvWindow."
)
OVERLOADED = Rejected(
    code=-1008,
    msg="Request throttled by system-level protection. Reduce-only/close-position orders are "
    "exempt. Please try again.",
)
POSITION_MODE_UNCHANGED = Rejected(code=-4059, msg="No need to change position side.")
MODE_CHANGE_WITH_OPEN_ORDERS = Rejected(
    code=-4067, msg="Position side cannot be changed if there exists open orders."
)
MODE_CHANGE_WITH_POSITION = Rejected(
    code=-4068, msg="Position side cannot be changed if there exists position."
)
LIMIT_ORDER_ONLY = Rejected(code=-5025, msg="Only limit order is supported.")
TOO_MANY_AMENDMENTS = Rejected(code=-5026, msg="Exceed maximum modify order limit.")
SAME_ORDER = Rejected(code=-5027, msg="No need to modify the order.")
SIDE_MISMATCH = Rejected(code=-1130, msg="Data sent for parameter 'side' is not valid.")
UNKNOWN_ORDER = Rejected(code=-2011, msg="Unknown order sent.")
NO_SUCH_ORDER = Rejected(code=-2013, msg="Order does not exist.")


def min_notional(notional: str) -> Rejected:
    return Rejected(
        code=-4164,
        msg=f"Order's notional must be no smaller than {notional} (unless you choose reduce only).",
    )


def invalid_leverage(leverage: int) -> Rejected:
    return Rejected(code=-4028, msg=f"Leverage {leverage} is not valid")


ISOLATED_REJECT_WITH_JOINT_MARGIN = Rejected(
    code=-4167,
    msg="Unable to adjust to Multi-Assets mode with symbols of USDⓈ-M Futures under "
    "isolated-margin mode.",
)
JOINT_MARGIN_REJECT_WITH_ISOLATED = Rejected(
    code=-4168, msg="Unable to adjust to isolated-margin mode under the Multi-Assets mode."
)
JOINT_MARGIN_REJECT_WITH_MB = Rejected(
    code=-4169,
    msg="Unable to adjust Multi-Assets Mode with insufficient margin balance in USDⓈ-M Futures.",
)
JOINT_MARGIN_REJECT_WITH_OPEN_ORDER = Rejected(
    code=-4170, msg="Unable to adjust Multi-Assets Mode with open orders in USDⓈ-M Futures."
)
NO_NEED_TO_CHANGE_JOINT_MARGIN = Rejected(
    code=-4171,
    msg="Adjusted asset mode is currently set and does not need to be adjusted repeatedly.",
)
JOINT_MARGIN_REJECT_WITH_NEGATIVE_BALANCE = Rejected(
    code=-4172,
    msg="Unable to adjust Multi-Assets Mode with a negative wallet balance of margin available "
    "asset in USDⓈ-M Futures account.",
)
