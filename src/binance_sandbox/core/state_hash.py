"""Snapshot encoding of the whole core state, and a hash over its canonical serialisation.

The canonical form is msgspec JSON with `order="deterministic"` of the state's builtin form
with every dict key as a string: keys sorted, integers only (the core holds no floats), so equal
states hash equal whatever order their dicts were filled in, and int-keyed dicts (orders by id)
are allowed. Snapshots use msgpack, which keeps insertion order.
"""

import hashlib

import msgspec

from binance_sandbox.core import open_orders
from binance_sandbox.core.state import ExchangeState

_canonical = msgspec.json.Encoder(order="deterministic")
_snapshot_encoder = msgspec.msgpack.Encoder()
_snapshot_decoder = msgspec.msgpack.Decoder(ExchangeState)


def encode_state(state: ExchangeState) -> bytes:
    return _snapshot_encoder.encode(state)


def decode_state(data: bytes) -> ExchangeState:
    state = _snapshot_decoder.decode(data)
    open_orders.reindex(state)  # snapshots taken before the index existed lack it
    return state


def canonical_state(state: ExchangeState) -> bytes:
    return _canonical.encode(msgspec.to_builtins(state, str_keys=True))


def state_hash(state: ExchangeState) -> str:
    return hashlib.sha256(canonical_state(state)).hexdigest()
