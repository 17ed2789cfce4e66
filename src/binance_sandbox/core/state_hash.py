"""Snapshot encoding of the whole core state, and a hash over its canonical serialisation.

The canonical form is msgspec JSON with `order="deterministic"` of the state's builtin form
with every dict key as a string: keys sorted, integers only (the core holds no floats), so equal
states hash equal whatever order their dicts were filled in, and int-keyed dicts (orders by id)
are allowed. The hash leaves out the state's position (last sequence number and time). Snapshots
use msgpack, which keeps insertion order.
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


# Where the state stands in the journal, not what it holds: a restored snapshot or an imported
# export has the hash it was saved with, although it is applied at a later sequence number.
_POSITION = ("last_seq", "last_ts")


def canonical_state(state: ExchangeState) -> bytes:
    tree = msgspec.to_builtins(state, str_keys=True)
    for name in _POSITION:
        del tree[name]
    return _canonical.encode(tree)


def state_hash(state: ExchangeState) -> str:
    return hashlib.sha256(canonical_state(state)).hexdigest()
