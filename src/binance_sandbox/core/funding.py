"""Funding of perpetuals on the exchange clock (FORMULAS.md §2): premium samples, the rate
estimate (lastFundingRate) and the settlement at each funding time.

Sampling needs no timer: the state only changes when a command applies, so before each command
the samples due since the last one (every 5 s of exchange time, up to its stamp) are taken from
the state as it stands, all equal. Sampling stops at the interval's funding time until that
funding settles.

Settlement is `SettleFunding`, fired by the shell's funding timer at each funding time: every
perpetual whose funding time has come settles, in time order, each at its own time (a late
stamp or a clock jump loses none). Each open position receives -Q x mark x rate at the mark of
that moment, rounded to 8 decimals, in the margin asset; an isolated position's isolated wallet
moves with it. The rounding goes to the exchange's funding balance, so no money is made or lost.
"""

from collections.abc import Iterable, Iterator
from fractions import Fraction

from binance_sandbox.core import contract_value, funding_interval
from binance_sandbox.core.accounts import wallet_of
from binance_sandbox.core.commands import SettleFunding
from binance_sandbox.core.events import Event, FundingFeeCharged, FundingSettled
from binance_sandbox.core.funding_state import (
    PREMIUM_SCALE,
    SAMPLE_MS,
    FundingState,
    add_samples,
    interval_hours,
    rate_of,
    to_scale,
)
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.margin import symbol_config
from binance_sandbox.core.mark_price import PERPETUAL, next_funding_time
from binance_sandbox.core.order_book import BookSide
from binance_sandbox.core.positions import price_8
from binance_sandbox.core.premium import funding_fee, impact_margin_notional, impact_price, premium
from binance_sandbox.core.rounding import div_half_up
from binance_sandbox.core.state import ExchangeState

HOUR_MS = 3_600_000


def sample_premiums(state: ExchangeState, ts: int) -> None:
    """Takes the premium samples due up to `ts` (before the command stamped `ts` applies)."""
    slot = ts - ts % SAMPLE_MS
    for symbol, instrument in state.instruments.items():
        if instrument.contract_type != PERPETUAL or instrument.pair not in state.index_prices:
            continue
        funding = state.funding.get(symbol)
        if funding is None:
            funding = state.funding[symbol] = _opened(instrument, ts)
        until = min(slot, funding.next_time)
        if until > funding.sampled_until:
            sample = to_scale(_premium(state, instrument), PREMIUM_SCALE)
            add_samples(funding, sample, (until - funding.sampled_until) // SAMPLE_MS)
            funding.sampled_until = until
            funding.rate = rate_of(funding, instrument)


def current_rate(state: ExchangeState, instrument: Instrument) -> int:
    """lastFundingRate at 8 decimals: the estimate of the interval in progress."""
    funding = state.funding.get(instrument.symbol)
    return funding.rate if funding is not None else rate_of(None, instrument)


def premiums(state: ExchangeState, symbols: Iterable[str]) -> dict[str, int]:
    """The newest premium sample of each perpetual of `symbols` at 8 decimals (0 before its
    first sample)."""
    return {
        symbol: div_half_up(funding.premium, PREMIUM_SCALE // 10**8) if funding else 0
        for symbol in symbols
        if state.instruments[symbol].contract_type == PERPETUAL
        for funding in [state.funding.get(symbol)]
    }


def interval_ms(state: ExchangeState, instrument: Instrument) -> int:
    """The funding interval in force (switched, or the instrument's)."""
    return interval_hours(state.funding.get(instrument.symbol), instrument) * HOUR_MS


def next_time(state: ExchangeState, instrument: Instrument, now_ms: int) -> int:
    """The next funding time of a perpetual (the one pending settlement, if it is late)."""
    funding = state.funding.get(instrument.symbol)
    if funding is not None:
        return funding.next_time
    return next_funding_time(now_ms, instrument.funding_interval_ms)


def next_due(state: ExchangeState, after_ms: int) -> int:
    """The first funding time of any perpetual strictly after `after_ms` (for the timer)."""
    intervals = {
        interval_ms(state, instrument)
        for instrument in state.instruments.values()
        if instrument.contract_type == PERPETUAL
    }
    return min((next_funding_time(after_ms, interval) for interval in intervals), default=2**62)


def settle(state: ExchangeState, ts: int, cmd: SettleFunding) -> list[Event]:
    events: list[Event] = []
    while due := sorted(
        (funding.next_time, symbol)
        for symbol, funding in state.funding.items()
        if funding.next_time <= ts
    ):
        time, symbol = due[0]
        events += _settle_symbol(state, state.instruments[symbol], time, cmd.rates.get(symbol))
        # the state stood still since: the new interval's samples up to the stamp (a late
        # stamp, or the next settlement of a jump)
        sample_premiums(state, ts)
    return events


def _settle_symbol(
    state: ExchangeState, instrument: Instrument, time: int, given_rate: int | None
) -> list[Event]:
    funding = state.funding[instrument.symbol]
    rate = given_rate if given_rate is not None else rate_of(funding, instrument)
    mark = state.mark_price(instrument) or 0
    hours = interval_hours(funding, instrument)
    hours, calm = funding_interval.after_settlement(instrument, hours, funding.calm_cycles, rate)
    following = FundingState(
        next_time=next_funding_time(time, hours * HOUR_MS),
        sampled_until=time,
        interval_hours=hours,
        calm_cycles=calm,
    )
    following.rate = rate_of(following, instrument)
    state.funding[instrument.symbol] = following
    settled = FundingSettled(symbol=instrument.symbol, time=time, rate=rate, mark=mark)
    events: list[Event] = [settled]
    asset = instrument.margin_asset
    paid_out = 0
    qty_decimals, size = contract_value.terms(instrument)
    for position in state.positions.values():
        if position.symbol != instrument.symbol or not position.qty:
            continue
        fee = funding_fee(position.qty, qty_decimals, mark, rate, size)
        if not fee:
            continue
        account = state.accounts[position.account_id - 1]
        wallet = wallet_of(account, instrument.product)
        balance = wallet.balance(asset) + fee
        wallet.balances[asset] = balance
        wallet.balance_times[asset] = time
        isolated = symbol_config(account, instrument).isolated
        if isolated:
            position.isolated_wallet += fee
        paid_out += fee
        events.append(
            FundingFeeCharged(
                account_id=position.account_id,
                symbol=instrument.symbol,
                position_side=position.side,
                asset=asset,
                amount=fee,
                balance=balance,
                isolated=isolated,
                isolated_wallet=position.isolated_wallet if isolated else 0,
                time=time,
            )
        )
    state.funding_balance[asset] = state.funding_balance.get(asset, 0) - paid_out
    return events


def _opened(instrument: Instrument, ts: int) -> FundingState:
    """A perpetual's first interval: samples from the 5-second slot before `ts` on."""
    return FundingState(
        next_time=next_funding_time(ts, instrument.funding_interval_ms),
        sampled_until=(ts - 1) - (ts - 1) % SAMPLE_MS,
        rate=rate_of(None, instrument),
    )


def _premium(state: ExchangeState, instrument: Instrument) -> Fraction:
    """The premium index of the book and index as they stand (FORMULAS.md §2.1), walked in
    integers: prices at 8 decimals, quantities in steps."""
    book = state.books[instrument.symbol]
    imn = impact_margin_notional(instrument.tiers[0].initial_leverage)
    notional = imn * 10**8 * 10**instrument.qty_decimals
    if instrument.inverse:
        bid = impact_price(_usd_levels(book.bids, instrument), Fraction(notional))
        ask = impact_price(_usd_levels(book.asks, instrument), Fraction(notional))
    else:
        bid = impact_price(_levels(book.bids, instrument), notional)
        ask = impact_price(_levels(book.asks, instrument), notional)
    return premium(bid, ask, Fraction(state.index_prices[instrument.pair]))


def _levels(side: BookSide, instrument: Instrument) -> Iterator[tuple[int, int]]:
    for level in side.levels:
        yield price_8(level.price, instrument.price_decimals), level.qty


def _usd_levels(side: BookSide, instrument: Instrument) -> Iterator[tuple[Fraction, Fraction]]:
    """COIN-M: (price, the level's coin = contracts x size / price), so price x coin is the
    level's USD: IMN is walked in USD and the impact price is the harmonic mean a fill of IMN
    USD averages."""
    size = instrument.contract_size
    for level in side.levels:
        price = price_8(level.price, instrument.price_decimals)
        yield Fraction(price), Fraction(level.qty * size * 10**8, price)
