"""Wire form of journaled commands: compact msgspec JSON, one row per stamped command.

JSON (not msgpack) so that `binance-sandbox journal dump` and sqlite3 show readable rows; the
bytes are a pure function of the command, so equal command streams give equal journals.
"""

import msgspec

from binance_sandbox.core.commands import Command, Stamped

_encoder = msgspec.json.Encoder()
_decoder: msgspec.json.Decoder[Command] = msgspec.json.Decoder(Command)


def encode_command(command: Command) -> bytes:
    return _encoder.encode(command)


def decode_command(data: bytes) -> Command:
    return _decoder.decode(data)


def decode_row(seq: int, ts: int, body: bytes) -> Stamped:
    return Stamped(seq, ts, _decoder.decode(body))
