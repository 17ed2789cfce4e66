"""What a handler gets: its validated parameters, the caller's key, and the exchange's services."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from binance_sandbox.config.model import SandboxConfig
from binance_sandbox.control.faults import FaultInjector
from binance_sandbox.control.metrics import ExchangeMetrics
from binance_sandbox.control.request_log import RequestLog
from binance_sandbox.core.accounts import Account
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.instruments import Instrument, Product
from binance_sandbox.core.state import ApiKeyRecord, ExchangeState
from binance_sandbox.gateway import errors
from binance_sandbox.gateway.client_clocks import ClientClocks
from binance_sandbox.gateway.downloads.store import DownloadStore
from binance_sandbox.gateway.user_streams.listen_keys import ListenKeys
from binance_sandbox.projections.funding import FundingStore
from binance_sandbox.projections.history import HistoryStore
from binance_sandbox.projections.klines import KlineStore
from binance_sandbox.projections.tape import TapeStore
from binance_sandbox.projections.transfers import TransferStore
from binance_sandbox.sequencer.sequencer import Sequencer
from binance_sandbox.simulators.clock import ExchangeClock


class Services(Protocol):
    """The parts of the running server the gateway uses (the runtime provides them)."""

    config: SandboxConfig
    sequencer: Sequencer
    clock: ExchangeClock
    client_clocks: ClientClocks
    klines: KlineStore
    history: HistoryStore
    tape: TapeStore
    funding: FundingStore
    transfers: TransferStore
    faults: FaultInjector
    request_log: RequestLog
    metrics: ExchangeMetrics | None
    listen_keys: ListenKeys
    downloads: DownloadStore

    @property
    def exchange(self) -> Exchange: ...


@dataclass(frozen=True)
class RequestContext:
    params: dict[str, Any]
    key: ApiKeyRecord | None
    services: Services
    wall_ms: int
    recv_deadline: int = 0  # signed requests: timestamp + recvWindow (wall ms), for -5028
    # the API the request came in on: its handlers see that product's instruments only, so a
    # COIN-M symbol on /fapi is -1121 and vice versa
    product: Product = "usdm"
    headers: Sequence[tuple[bytes, bytes]] = ()  # the HTTP request's (ASGI: lower-case names)

    @property
    def state(self) -> ExchangeState:
        return self.services.exchange.state

    def now_ms(self) -> int:
        """Exchange time: what serverTime, event times and klines are in."""
        return self.services.clock.now_ms()

    def base_url(self) -> str:
        """This server as the client reached it (its Host header), for links in answers."""
        for name, value in self.headers:
            if name == b"host":
                return "http://" + value.decode("latin-1")
        server = self.services.config.server
        return f"http://{server.host}:{server.port}"

    def account(self) -> Account:
        assert self.key is not None, "only for endpoints that need a key"
        account = self.state.account(self.key.account_id)
        assert account is not None
        return account

    @property
    def instruments(self) -> dict[str, Instrument]:
        """The product's instruments by symbol, in the configured order."""
        return listed(self.state, self.product)

    def listed(self, symbol: str) -> Instrument | None:
        """The product's instrument of that name, if it lists one."""
        instrument = self.state.instruments.get(symbol)
        return instrument if instrument is not None and instrument.product == self.product else None

    def instrument(self, name: str = "symbol") -> Instrument:
        """The instrument a parameter names, or -1121."""
        instrument = self.listed(self.params.get(name, ""))
        if instrument is None:
            raise errors.bad_symbol()
        return instrument

    def optional_instrument(self) -> Instrument | None:
        return self.instrument() if "symbol" in self.params else None


def listed(state: ExchangeState, product: Product) -> dict[str, Instrument]:
    """A product's instruments by symbol, in the configured order."""
    return {name: i for name, i in state.instruments.items() if i.product == product}
