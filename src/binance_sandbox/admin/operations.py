"""What the admin API and the first-start seeding do, as calls that submit commands.

Each operation validates user input, submits one command through the sequencer (the single
writer) and turns a `Rejected` event into an `AdminRejected` exception carrying Binance-style
code and message.
"""

from typing import Literal

from binance_sandbox.admin.keygen import AsymmetricType, generate_pair, normalise_public_key
from binance_sandbox.core import rejects
from binance_sandbox.core.accounts import Account, KeyType
from binance_sandbox.core.commands import (
    Command,
    CreateAccount,
    CreateApiKey,
    Deposit,
    SetIndexPrices,
    SetInsuranceFund,
    SetMarkPrice,
    Withdraw,
)
from binance_sandbox.core.events import ApiKeyCreated, Event, Rejected
from binance_sandbox.core.fixed import (
    AMOUNT_DECIMALS,
    MAX_BALANCE,
    FixedPointError,
    parse_scaled,
)
from binance_sandbox.core.instruments import Instrument, Product
from binance_sandbox.sequencer.sequencer import Applied, Sequencer


class AdminRejected(Exception):
    def __init__(self, code: int, msg: str, status: int = 400) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.status = status


def bad_request(msg: str) -> AdminRejected:
    return AdminRejected(-1102, msg)


class CreatedKey:
    """A new key as shown once: the HMAC secret, or a generated private key."""

    def __init__(self, event: ApiKeyCreated, private_key: str = "") -> None:
        self.event = event
        self.private_key = private_key


class AdminOperations:
    def __init__(self, sequencer: Sequencer) -> None:
        self._sequencer = sequencer

    def account(self, ref: str | int) -> Account:
        """An account by id or by name."""
        state = self._sequencer.exchange.state
        account = state.account(int(ref)) if str(ref).isdigit() else None
        if account is None:
            account = next((a for a in state.accounts if a.name == str(ref)), None)
        if account is None:
            raise AdminRejected(-9001, f"Account {ref} does not exist.", status=404)
        return account

    def instrument(self, symbol: str) -> Instrument:
        instrument = self._sequencer.exchange.state.instruments.get(symbol)
        if instrument is None:
            raise AdminRejected(rejects.BAD_SYMBOL.code, rejects.BAD_SYMBOL.msg)
        return instrument

    async def create_account(self, name: str) -> Account:
        await self.submit(CreateAccount(name=name))
        return self.account(name.strip())

    async def create_key(
        self,
        account_id: int,
        key_type: Literal["hmac", "rsa", "ed25519"],
        public_key: str = "",
        read_only: bool = False,
        enable_futures: bool = True,
        label: str = "",
    ) -> CreatedKey:
        core_type: KeyType = "HMAC"
        private_key = ""
        if key_type != "hmac":
            asymmetric: AsymmetricType = "RSA" if key_type == "rsa" else "ED25519"
            core_type = asymmetric
            if public_key.strip():
                public_key = _checked_public_key(asymmetric, public_key)
            else:
                private_key, public_key = generate_pair(asymmetric)
        command = CreateApiKey(
            account_id=account_id,
            key_type=core_type,
            public_key=public_key,
            can_trade=enable_futures and not read_only,
            read_only=read_only,
            label=label,
        )
        event = (await self.submit(command)).events[0]
        assert isinstance(event, ApiKeyCreated)
        return CreatedKey(event, private_key)

    async def transfer(
        self,
        account_id: int,
        asset: str,
        amount: str,
        client_tran_id: str,
        *,
        deposit: bool,
        product: Product = "usdm",
    ) -> Applied:
        """Into or out of the account's USDⓈ-M futures wallet, or its COIN-M one."""
        scaled = parse_amount(amount)
        kind = Deposit if deposit else Withdraw
        command = kind(
            account_id=account_id,
            asset=asset.upper(),
            amount=scaled,
            client_tran_id=client_tran_id,
            product=product,
        )
        return await self.submit(command)

    async def set_prices(self, prices: dict[str, str]) -> Applied:
        """Index prices by pair; a contract's symbol stands for its pair (BTCUSDT_261225 ->
        BTCUSDT), since every contract of a pair shares the pair's index."""
        instruments = self._sequencer.exchange.state.instruments
        scaled = {}
        for name, price in prices.items():
            instrument = instruments.get(name.upper())
            scaled[instrument.pair if instrument else name.upper()] = parse_amount(price)
        return await self.submit(SetIndexPrices(prices=scaled, source="admin"))

    async def set_mark(self, symbol: str, price: str) -> Applied:
        """A contract's mark price now; it liquidates what it puts at 100 % margin ratio."""
        instrument = self.instrument(symbol.upper())
        return await self.submit(SetMarkPrice(symbol=instrument.symbol, price=parse_amount(price)))

    async def set_insurance(self, asset: str, balance: str) -> Applied:
        command = SetInsuranceFund(asset=asset.upper(), balance=parse_amount(balance, zero=True))
        return await self.submit(command)

    async def submit(self, command: Command) -> Applied:
        """Any command; a refusal is raised as AdminRejected."""
        applied = await self._sequencer.submit(command)
        raise_rejection(applied.events)
        return applied


def parse_amount(text: str, *, zero: bool = False) -> int:
    """A positive decimal at 8 decimals (or zero too, with `zero`) within MAX_BALANCE."""
    try:
        value = parse_scaled(str(text), AMOUNT_DECIMALS)
    except FixedPointError as exc:
        raise bad_request(f"{text!r} is not a decimal with at most 8 decimals") from exc
    if value < 0 or (value == 0 and not zero):
        raise bad_request(f"{text!r} must be positive")
    if value > MAX_BALANCE:  # the core refuses the balance; this keeps the command storable
        rejection = rejects.balance_too_large("units")
        raise AdminRejected(rejection.code, rejection.msg)
    return value


def raise_rejection(events: list[Event]) -> None:
    for event in events:
        if isinstance(event, Rejected):
            status = 404 if event.code == -9001 else 400
            raise AdminRejected(event.code, event.msg, status)


def _checked_public_key(key_type: AsymmetricType, pem: str) -> str:
    try:
        return normalise_public_key(key_type, pem)
    except ValueError as exc:
        raise bad_request(str(exc)) from exc
