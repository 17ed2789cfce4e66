"""Reading parameters and the signed payload as Binance does (gateway/request_parse.py), and the
two JSON list types of the batch endpoints (gateway/params.py).

The rules: Docs general-info (query string and form body, "the query string wins", `totalParams`
= query string concatenated with the body) and the 2023-06-16 "standard HTTP request format"
notice in the Docs change-log (no `\\x22`, no stray whitespace, no empty values, no nested
JSON-in-a-string, LIST<LONG> as numbers). What is also visible over HTTP is tested end to end in
test_gateway_request_format.py and test_gateway_security.py.
"""

from typing import Any

import pytest

from binance_sandbox.core.accounts import ApiKey
from binance_sandbox.gateway import errors
from binance_sandbox.gateway.params import json_objects, long_list
from binance_sandbox.gateway.request_parse import parse_request
from binance_sandbox.gateway.signatures import signature_matches
from tests.support.wire import mandatory

# Docs general-info, "SIGNED Endpoint Examples for POST /fapi/v1/order - HMAC Keys".
DOCS_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
DOCS_PARAMS = (
    "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC"
    "&recvWindow=5000&timestamp=1591702613943"
)
DOCS_SIGNATURE = "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"
DOCS_KEY = ApiKey(
    api_key="dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83",
    key_type="HMAC",
    secret=DOCS_SECRET,
    can_trade=True,
    read_only=False,
    label="docs",
    created=0,
)


def rejected(query: bytes, body: bytes = b"") -> tuple[int, str, int]:
    with pytest.raises(errors.BinanceError) as caught:
        parse_request(query, body)
    return caught.value.code, caught.value.msg, caught.value.status


ILLEGAL = (-1100, "Illegal characters found in a parameter.", 400)
DUPLICATE = (-1101, "Duplicate values for a parameter detected.", 400)


# -- where values come from -------------------------------------------------------------------


def test_query_and_body_are_merged_and_the_query_string_wins() -> None:
    parsed = parse_request(b"symbol=BTCUSDT&side=BUY", b"side=SELL&quantity=1")
    assert parsed.values == {"symbol": "BTCUSDT", "side": "BUY", "quantity": "1"}


def test_a_name_in_both_query_and_body_is_not_a_duplicate() -> None:
    assert parse_request(b"timestamp=2", b"timestamp=1").values == {"timestamp": "2"}


def test_the_body_alone_is_read_like_a_query_string() -> None:
    parsed = parse_request(b"", b"symbol=BTCUSDT&price=9000.5&newClientOrderId=a%2Fb")
    assert parsed.values == {"symbol": "BTCUSDT", "price": "9000.5", "newClientOrderId": "a/b"}


def test_values_are_url_decoded_and_json_brackets_may_be_sent_raw() -> None:
    parsed = parse_request(b"orderIdList=%5B1%2C2%5D&origClientOrderIdList=[%22a%22]", b"")
    assert parsed.values == {"orderIdList": "[1,2]", "origClientOrderIdList": '["a"]'}


def test_percent_encoded_utf8_is_legal() -> None:
    # Change-log 2025-10-09: non-ASCII (Chinese) symbols must be sent UTF-8 percent-encoded.
    assert parse_request(b"symbol=%E5%B8%81%E5%AE%89USDT", b"").values == {"symbol": "币安USDT"}


def test_empty_pairs_are_skipped() -> None:
    # The notice's "Suggest" example: `symbol=BTCUSDT&&price=40000.0&signature=2d24a314`.
    parsed = parse_request(b"symbol=BTCUSDT&&price=40000.0&signature=2d24a314", b"")
    assert parsed.values == {"symbol": "BTCUSDT", "price": "40000.0"}
    assert parse_request(b"&a=1&", b"&&").values == {"a": "1"}


# -- the signed payload -----------------------------------------------------------------------


def test_payload_of_a_query_string_is_it_as_sent_without_the_signature() -> None:
    parsed = parse_request(f"{DOCS_PARAMS}&signature={DOCS_SIGNATURE}".encode(), b"")
    assert parsed.payload == DOCS_PARAMS
    assert parsed.signature == DOCS_SIGNATURE
    assert "signature" not in parsed.values
    assert signature_matches(DOCS_KEY, parsed.payload, parsed.signature)  # Docs Example 1


def test_payload_of_a_body_is_it_as_sent_without_the_signature() -> None:
    parsed = parse_request(b"", f"{DOCS_PARAMS}&signature={DOCS_SIGNATURE}".encode())
    assert parsed.payload == DOCS_PARAMS
    assert parsed.signature is not None
    assert signature_matches(DOCS_KEY, parsed.payload, parsed.signature)  # Docs Example 2


def test_payload_of_query_and_body_is_their_concatenation_without_an_ampersand() -> None:
    # Docs Example 3: "There is no & between "GTC" and "quantity=1"". (The signature the page
    # prints, f9d0ae5e..., was computed over "timestamp= 1591702613943" with a stray space, a
    # typo of the page; this is the HMAC of the string actually sent.)
    query = b"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
    body = b"quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943"
    signature = "30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4"
    parsed = parse_request(query, body + f"&signature={signature}".encode())
    assert parsed.payload == (query + body).decode()
    assert parsed.payload == (
        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=9000"
        "&recvWindow=5000&timestamp=1591702613943"
    )
    assert signature_matches(DOCS_KEY, parsed.payload, signature)
    assert not signature_matches(DOCS_KEY, f"{query.decode()}&{body.decode()}", signature)


def test_payload_keeps_the_encoding_and_order_the_client_sent() -> None:
    sent = b"timestamp=1&symbol=BTCUSDT&newClientOrderId=a%2Fb&&recvWindow=5000"
    parsed = parse_request(sent + b"&signature=x", b"")
    assert parsed.payload == sent.decode()


def test_a_url_encoded_base64_signature_is_decoded() -> None:
    parsed = parse_request(b"timestamp=1&signature=ab%2Bc%2Fd%3D%3D", b"")
    assert parsed.signature == "ab+c/d=="
    assert parsed.payload == "timestamp=1"


def test_signature_in_the_body_is_taken_out_of_the_payload() -> None:
    parsed = parse_request(b"symbol=BTCUSDT", b"timestamp=1&signature=abc")
    assert parsed.signature == "abc"
    assert parsed.payload == "symbol=BTCUSDTtimestamp=1"


def test_a_parameter_merely_ending_in_signature_stays_in_the_payload() -> None:
    parsed = parse_request(b"mysignature=1&timestamp=2&signature=abc", b"")
    assert parsed.payload == "mysignature=1&timestamp=2"
    assert parsed.values == {"mysignature": "1", "timestamp": "2"}


# -- what is refused --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "body", "name"),
    [
        (b"symbol=BTCUSDT&orderId=&signature=2d24a314", b"", "orderId"),  # the notice's example
        (b"timestamp=", b"", "timestamp"),
        (b"recvWindow", b"", "recvWindow"),
        (b"", b"symbol=BTCUSDT&quantity=", "quantity"),
    ],
)
def test_an_empty_value_is_1102_naming_the_parameter(query: bytes, body: bytes, name: str) -> None:
    assert rejected(query, body) == mandatory(name)


@pytest.mark.parametrize(
    ("query", "body"),
    [
        (b"timestamp=1&timestamp=2", b""),
        (b"", b"symbol=BTCUSDT&symbol=ETHUSDT"),
        (b"a=1&b=2&a=1", b""),  # the same value twice is still a duplicate
        (b"sym%62ol=BTCUSDT&symbol=BTCUSDT", b""),  # names are compared decoded
    ],
)
def test_the_same_parameter_twice_in_one_part_is_1101(query: bytes, body: bytes) -> None:
    assert rejected(query, body) == DUPLICATE


@pytest.mark.parametrize(
    "query",
    [
        b"price=%2040000.0",  # whitespace around a value, encoded
        b"price=40000.0%20",
        b"price=+40000.0",  # `+` is an encoded space
        b"price=40000.0%09",  # a tab
        b"%20price=40000.0",  # around a name
        b"price= 40000.0",  # raw space, as in the notice's example
        b"origClientOrderIdList=[\\x229151944646313025900\\x22]",  # the notice's \x22 example
        b"origClientOrderIdList=[%5Cx229151944646313025900%5Cx22]",  # the same, URL-encoded
        b"symbol=BTCUSDT\x01",  # a control byte
        b"symbol=\xe5\xb8\x81USDT",  # raw non-ASCII bytes (UTF-8)
        b"symbol=\xa3",  # raw non-ASCII bytes (not UTF-8)
    ],
)
def test_illegal_characters_are_1100(query: bytes) -> None:
    assert rejected(query) == ILLEGAL
    assert rejected(b"", query) == ILLEGAL  # the same in a form body


def test_inner_whitespace_and_an_encoded_quote_are_legal() -> None:
    parsed = parse_request(b"origClientOrderIdList=%5B%229151944646313025900%22%5D&a=b%20c", b"")
    assert parsed.values == {"origClientOrderIdList": '["9151944646313025900"]', "a": "b c"}


# -- JSON list parameters (the batch endpoints) -----------------------------------------------

BATCH_ORDERS = json_objects("batchOrders", 5)
ORDER_ID_LIST = long_list("orderIdList", 10)


def invalid(name: str) -> tuple[int, str, int]:
    return -1130, f"Data sent for parameter '{name}' is not valid.", 400


def refused(param: Any, raw: str) -> tuple[int, str, int]:
    with pytest.raises(errors.BinanceError) as caught:
        param.parse(raw)
    return caught.value.code, caught.value.msg, caught.value.status


def test_batch_orders_is_a_json_array_of_objects() -> None:
    raw = parse_request(
        b"batchOrders=%5B%7B%22type%22%3A%22LIMIT%22%2C%22timeInForce%22%3A%22GTC%22%7D%5D", b""
    ).values["batchOrders"]  # the notice's "After URL encode" example
    assert BATCH_ORDERS.parse(raw) == [{"type": "LIMIT", "timeInForce": "GTC"}]
    orders = '[{"symbol":"BTCUSDT","reduceOnly":"FALSE"},{"symbol":"ETHUSDT","quantity":"1"}]'
    assert BATCH_ORDERS.parse(orders) == [
        {"symbol": "BTCUSDT", "reduceOnly": "FALSE"},  # the SDK sends string booleans
        {"symbol": "ETHUSDT", "quantity": "1"},
    ]
    assert BATCH_ORDERS.kind == "json"


@pytest.mark.parametrize(
    "raw",
    [
        '["{\\"type\\":\\"LIMIT\\",\\"timeInForce\\":\\"GTC\\"}"]',  # JSON-in-a-string (notice)
        '[{"type":"LIMIT"},"{\\"type\\":\\"LIMIT\\"}"]',  # one object, one string
        '{"type":"LIMIT"}',  # an object, not an array
        '"[{\\"type\\":\\"LIMIT\\"}]"',  # the whole array as a JSON string
        "[[]]",
        "[1]",
        "[null]",
        "[{'type':'LIMIT'}]",  # not JSON
        "[{",
        "LIMIT",
    ],
)
def test_batch_orders_not_an_array_of_objects_is_1130(raw: str) -> None:
    assert refused(BATCH_ORDERS, raw) == invalid("batchOrders")


@pytest.mark.parametrize("count", [0, 6, 10])
def test_batch_orders_of_a_wrong_size_is_4082(count: int) -> None:
    # -4082 INVALID_BATCH_PLACE_ORDER_SIZE "Invalid number of batch place orders." is the code
    # the USDⓈ-M error table has for a batch's size; batchOrders is "Max 5 orders".
    raw = "[" + ",".join(['{"type":"LIMIT"}'] * count) + "]"
    assert refused(BATCH_ORDERS, raw) == (-4082, "Invalid number of batch place orders.", 400)


def test_batch_orders_of_the_maximum_size_is_accepted() -> None:
    assert len(BATCH_ORDERS.parse("[" + ",".join(["{}"] * 5) + "]")) == 5


def test_order_id_list_is_a_json_array_of_longs() -> None:
    raw = parse_request(b"orderIdList=%5B159856286502%2C159856313662%5D", b"").values
    assert ORDER_ID_LIST.parse(raw["orderIdList"]) == [159856286502, 159856313662]
    assert ORDER_ID_LIST.parse(f"[{2**63 - 1}]") == [2**63 - 1]
    assert ORDER_ID_LIST.parse("[]") == []  # empty/null: the endpoint's either-or rule decides
    assert ORDER_ID_LIST.kind == "json"


@pytest.mark.parametrize(
    "raw",
    [
        '["159856286502","159856313662"]',  # the notice's "Unsupported" example
        '[159856286502,"159856313662"]',
        "[1.0]",
        "[1e3]",
        "[true]",
        "[null]",
        "[[1]]",
        f"[{2**63}]",  # beyond a LONG
        "159856286502",  # not an array
        '{"orderId":1}',
        "[1,",
    ],
)
def test_order_id_list_with_anything_but_longs_is_1130(raw: str) -> None:
    assert refused(ORDER_ID_LIST, raw) == invalid("orderIdList")


def test_order_id_list_over_ten_is_4032() -> None:
    # Cancel Multiple Orders: orderIdList "max length 10". -4032 EXCEED_MAX_CANCEL_ORDER_SIZE
    # "Exceed maximum cancel order size." is the table's code for it (no other is documented).
    assert len(ORDER_ID_LIST.parse(str(list(range(1, 11))))) == 10
    eleven = str(list(range(1, 12)))
    assert refused(ORDER_ID_LIST, eleven) == (-4032, "Exceed maximum cancel order size.", 400)
