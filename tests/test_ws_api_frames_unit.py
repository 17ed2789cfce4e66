"""The WebSocket API's frame reading: JSON values as the texts REST parses, the signed payload
(sorted `name=value`, and the official SDK's URL-encoded spelling only when it differs), and
frames that are not requests."""

import pytest

from binance_sandbox.gateway.errors import BinanceError
from binance_sandbox.gateway.ws_api.frames import FrameError, parsed_params, read_frame


def test_values_become_the_texts_rest_parses() -> None:
    parsed = parsed_params(
        {"b": True, "a": 5000, "c": "0.010", "d": 0.5, "e": None, "f": [1, "x"], "g": False}
    )
    assert parsed.values == {
        "b": "true", "a": "5000", "c": "0.010", "d": "0.5", "f": '[1,"x"]', "g": "false",
    }  # fmt: skip
    assert parsed.payload == 'a=5000&b=true&c=0.010&d=0.5&f=[1,"x"]&g=false'


def test_the_signature_is_no_parameter_and_is_url_decoded() -> None:
    parsed = parsed_params({"symbol": "BTCUSDT", "signature": "ab%2Bcd%3D"})
    assert (parsed.values, parsed.signature) == ({"symbol": "BTCUSDT"}, "ab+cd=")
    assert parsed.payload == "symbol=BTCUSDT"


def test_the_url_encoded_payload_only_when_it_differs() -> None:
    assert parsed_params({"newClientOrderId": "plain-id_1.2"}).alternative_payloads == ()
    parsed = parsed_params({"newClientOrderId": "a:b/c", "apiKey": "K"})
    assert parsed.payloads == (
        "apiKey=K&newClientOrderId=a:b/c", "apiKey=K&newClientOrderId=a%3Ab%2Fc",
    )  # fmt: skip


def test_an_empty_value_is_a_missing_parameter() -> None:
    with pytest.raises(BinanceError) as refused:
        parsed_params({"symbol": ""})
    assert refused.value.code == -1102


@pytest.mark.parametrize(
    ("text", "request_id", "code"),
    [
        ("{", None, -1135),
        ("[1]", None, -1135),
        ('{"id": [1], "method": "depth"}', None, -1135),
        ('{"id": "' + "x" * 37 + '", "method": "depth"}', None, -1135),
        ('{"id": 4, "method": ""}', 4, -1135),
        ('{"id": "a", "method": "depth", "params": [1]}', "a", -1135),
    ],
)
def test_frames_that_are_not_requests(text: str, request_id: object, code: int) -> None:
    with pytest.raises(FrameError) as refused:
        read_frame(text)
    assert (refused.value.request_id, refused.value.error.code) == (request_id, code)


def test_a_request_without_params() -> None:
    frame = read_frame('{"id": null, "method": "session.status"}')
    assert (frame.id, frame.method, frame.params) == (None, "session.status", {})
