"""Configuration: the built-in default, the four layers and their precedence, errors, `to_toml`."""

from pathlib import Path

import pytest

from binance_sandbox.config.loader import (
    ConfigError,
    default_tree,
    env_tree,
    find_config_file,
    load_config,
    validate,
)
from binance_sandbox.config.model import SandboxConfig
from binance_sandbox.config.render import to_toml

PERPETUALS = ("BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT")
QUARTERLY = "BTCUSDT_261225"
COINM_PERPETUALS = ("BTCUSD_PERP", "ETHUSD_PERP")
COINM_QUARTERS = {"BTCUSD_261225": "CURRENT_QUARTER", "BTCUSD_270326": "NEXT_QUARTER"}


@pytest.fixture(autouse=True)
def _no_local_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs where no ./binance-sandbox.toml exists unless it writes one."""
    monkeypatch.chdir(tmp_path)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def defaults() -> SandboxConfig:
    return load_config(environ={})


# The built-in default


def test_default_validates_with_the_six_usdm_and_four_coinm_instruments() -> None:
    config = defaults()
    assert set(config.instruments) == {*PERPETUALS, QUARTERLY, *COINM_PERPETUALS, *COINM_QUARTERS}
    for symbol in PERPETUALS:
        assert config.instruments[symbol].contract_type == "PERPETUAL"
    assert config.instruments[QUARTERLY].contract_type == "CURRENT_QUARTER"
    assert config.instruments[QUARTERLY].pair == "BTCUSDT"
    coinm = {s for s, i in config.instruments.items() if i.product == "coinm"}
    assert coinm == {*COINM_PERPETUALS, *COINM_QUARTERS}
    for symbol, contract_type in COINM_QUARTERS.items():
        assert config.instruments[symbol].contract_type == contract_type
        assert config.instruments[symbol].pair == "BTCUSD"
    assert set(config.prices.pairs) >= {"BTCUSD", "ETHUSD"}


def test_default_btcusd_perp_is_the_formulas_row() -> None:
    """FORMULAS.md §7: contract size 100, tick 0.1, whole contracts, margin in BTC."""
    btc = defaults().instruments["BTCUSD_PERP"]
    assert (btc.contract_size, btc.tick_size, btc.step_size) == (100, "0.1", "1")
    assert (btc.min_price, btc.max_price, btc.market_max_qty) == ("1000", "4520958", "60000")
    assert (btc.margin_asset, btc.quote_asset, btc.inverse) == ("BTC", "USD", True)
    assert defaults().instruments["ETHUSD_PERP"].contract_size == 10


def test_instruments_get_their_symbol_from_the_table_name() -> None:
    config = defaults()
    for symbol, instrument in config.instruments.items():
        assert instrument.symbol == symbol


def test_default_btcusdt_filters() -> None:
    btc = defaults().instruments["BTCUSDT"]
    assert btc.min_notional == "50"
    assert btc.position_control_side == "NONE"
    assert btc.tick_size == "0.10"
    # order prices are on pricePrecision's scale (2), where the 0.10 tick is 10 units
    assert btc.price_decimals == 2
    assert btc.tick == 10
    assert btc.qty_decimals == 3


def test_default_demo_account() -> None:
    accounts = defaults().accounts
    assert set(accounts) == {"demo"}
    demo = accounts["demo"]
    assert demo.balances == {"USDT": "10000"}
    assert len(demo.keys) == 1
    assert demo.keys[0].type == "hmac"


def test_default_sections() -> None:
    config = defaults()
    assert config.server.port == 8080
    assert config.server.host == "127.0.0.1"
    assert config.clock.mode == "real"
    assert config.clock.speed == 1.0
    assert config.journal.compact is True
    assert set(config.prices.pairs) == {*PERPETUALS, "BTCUSD", "ETHUSD"}  # one index per pair
    assert config.prices.pairs["BTCUSDT"].price == "77000"


# Precedence: default < file < env < flags


def test_file_overrides_default(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", "[server]\nport = 9100\n")
    config = load_config(file, environ={})
    assert config.server.port == 9100
    assert config.server.host == "127.0.0.1"  # the rest of the table keeps its defaults


def test_file_overrides_nested_table_key_by_key(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", '[prices.pairs.BTCUSDT]\nprice = "50000"\n')
    config = load_config(file, environ={})
    btc = config.prices.pairs["BTCUSDT"]
    assert btc.price == "50000"
    assert btc.source == "gbm"
    assert btc.volatility == 0.5
    assert config.prices.pairs["ETHUSDT"].price == "2900"
    assert config.prices.interval_ms == 1000


def test_file_adds_an_account_next_to_demo(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", '[accounts.bot]\nbalances = { USDC = "5" }\n')
    accounts = load_config(file, environ={}).accounts
    assert set(accounts) == {"demo", "bot"}
    assert accounts["bot"].balances == {"USDC": "5"}
    assert accounts["bot"].keys == []


def test_env_overrides_file(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", "[server]\nport = 9100\nhost = '0.0.0.0'\n")
    config = load_config(file, environ={"BINANCE_SANDBOX_SERVER_PORT": "9200"})
    assert config.server.port == 9200
    assert config.server.host == "0.0.0.0"  # from the file, untouched by env


def test_env_overrides_default() -> None:
    config = load_config(environ={"BINANCE_SANDBOX_LIMITS_ENABLED": "false"})
    assert config.limits.enabled is False
    assert config.limits.orders_per_minute == 1200


def test_flags_override_env_and_file(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", "[server]\nport = 9100\n[exchange]\nseed = 5\n")
    config = load_config(
        file,
        environ={"BINANCE_SANDBOX_SERVER_PORT": "9200"},
        flags={"server.port": 9300, "clock.mode": "manual"},
    )
    assert config.server.port == 9300
    assert config.clock.mode == "manual"
    assert config.exchange.seed == 5


def test_flag_set_to_none_leaves_lower_layers_alone(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", "[server]\nport = 9100\n")
    config = load_config(file, environ={}, flags={"server.port": None, "server.host": None})
    assert config.server.port == 9100
    assert config.server.host == "127.0.0.1"


def test_flag_overrides_default() -> None:
    config = load_config(environ={}, flags={"exchange.seed": 42})
    assert config.exchange.seed == 42


# Environment variables


def test_env_int_value() -> None:
    config = load_config(environ={"BINANCE_SANDBOX_SERVER_PORT": "9000"})
    assert config.server.port == 9000
    assert isinstance(config.server.port, int)


def test_env_number_value() -> None:
    config = load_config(environ={"BINANCE_SANDBOX_CLOCK_SPEED": "60"})
    assert config.clock.speed == 60.0
    assert env_tree({"BINANCE_SANDBOX_CLOCK_SPEED": "2.5"}, default_tree()) == {
        "clock": {"speed": 2.5}
    }


def test_env_bool_value() -> None:
    config = load_config(environ={"BINANCE_SANDBOX_JOURNAL_COMPACT": "false"})
    assert config.journal.compact is False


def test_env_string_value_stays_string() -> None:
    config = load_config(
        environ={
            "BINANCE_SANDBOX_SERVER_HOST": "0.0.0.0",
            "BINANCE_SANDBOX_SERVER_LOG_LEVEL": "debug",
            "BINANCE_SANDBOX_SERVER_DATA_DIR": "/var/lib/sandbox",
        }
    )
    assert config.server.host == "0.0.0.0"
    assert config.server.log_level == "debug"
    assert config.server.data_dir == "/var/lib/sandbox"


@pytest.mark.parametrize(
    "raw", ["1767225600000", "2026-01-01T00:00:00Z", "2026-01-01", "true", "123"]
)
def test_env_for_a_string_key_keeps_the_text_even_if_it_looks_typed(raw: str) -> None:
    """clock.start is documented as ISO-8601 or epoch ms: both must arrive as text."""
    config = load_config(
        environ={"BINANCE_SANDBOX_CLOCK_START": raw, "BINANCE_SANDBOX_SERVER_DATA_DIR": raw}
    )
    assert config.clock.start == raw
    assert config.server.data_dir == raw


def test_env_list_value() -> None:
    config = load_config(environ={"BINANCE_SANDBOX_EXCHANGE_ASSETS": '["USDT", "BTC"]'})
    assert config.exchange.assets == ["USDT", "BTC"]


def test_env_multi_word_key() -> None:
    config = load_config(environ={"BINANCE_SANDBOX_LIMITS_ORDERS_PER_10S": "7"})
    assert config.limits.orders_per_10s == 7


def test_env_unknown_section_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="BINANCE_SANDBOX_NOPE_PORT"):
        load_config(environ={"BINANCE_SANDBOX_NOPE_PORT": "1"})


def test_env_unknown_key_in_known_section_is_refused() -> None:
    with pytest.raises(ConfigError, match="nope"):
        load_config(environ={"BINANCE_SANDBOX_SERVER_NOPE": "1"})


def test_env_wrong_type_is_refused() -> None:
    with pytest.raises(ConfigError, match="port"):
        load_config(environ={"BINANCE_SANDBOX_SERVER_PORT": "eighty"})


def test_env_ignores_other_variables() -> None:
    config = load_config(environ={"HOME": "/root", "SANDBOX_SERVER_PORT": "1"})
    assert config == defaults()


# Finding the file


def test_config_env_var_points_at_the_file(tmp_path: Path) -> None:
    file = write(tmp_path / "elsewhere.toml", "[server]\nport = 9400\n")
    config = load_config(environ={"BINANCE_SANDBOX_CONFIG": str(file)})
    assert config.server.port == 9400


def test_explicit_path_beats_config_env_var(tmp_path: Path) -> None:
    chosen = write(tmp_path / "chosen.toml", "[server]\nport = 9500\n")
    other = write(tmp_path / "other.toml", "[server]\nport = 9600\n")
    config = load_config(chosen, environ={"BINANCE_SANDBOX_CONFIG": str(other)})
    assert config.server.port == 9500


def test_local_file_is_found_in_the_working_directory(tmp_path: Path) -> None:
    write(tmp_path / "binance-sandbox.toml", "[server]\nport = 9700\n")
    assert find_config_file(None, {}) == Path("binance-sandbox.toml")
    assert load_config(environ={}).server.port == 9700


def test_config_env_var_beats_local_file(tmp_path: Path) -> None:
    write(tmp_path / "binance-sandbox.toml", "[server]\nport = 9700\n")
    other = write(tmp_path / "other.toml", "[server]\nport = 9800\n")
    assert load_config(environ={"BINANCE_SANDBOX_CONFIG": str(other)}).server.port == 9800


def test_no_file_anywhere_means_defaults() -> None:
    assert find_config_file(None, {}) is None
    assert find_config_file(None, {"BINANCE_SANDBOX_CONFIG": ""}) is None


# File errors


def test_unknown_key_in_file_is_refused(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", "[server]\nprot = 9000\n")
    with pytest.raises(ConfigError, match="prot"):
        load_config(file, environ={})


def test_unknown_section_in_file_is_refused(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", "[sever]\nport = 9000\n")
    with pytest.raises(ConfigError, match="sever"):
        load_config(file, environ={})


def test_unknown_key_in_a_price_source_is_refused(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", "[prices.pairs.BTCUSDT]\nvolatilty = 0.1\n")
    with pytest.raises(ConfigError, match="volatilty"):
        load_config(file, environ={})


def test_bad_value_in_file_is_refused(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", '[clock]\nmode = "warp"\n')
    with pytest.raises(ConfigError, match="mode"):
        load_config(file, environ={})


def test_bad_toml_is_refused(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", "[server\nport = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(file, environ={})


def test_missing_file_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(missing, environ={})


def test_missing_file_named_by_env_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(environ={"BINANCE_SANDBOX_CONFIG": str(tmp_path / "missing.toml")})


def test_directory_as_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path, environ={})


def test_validate_refuses_incomplete_instrument() -> None:
    tree = default_tree()
    del tree["instruments"]["BTCUSDT"]["tick_size"]
    with pytest.raises(ConfigError, match="tick_size"):
        validate(tree)


# to_toml


def test_to_toml_shows_sections_without_instrument_symbols() -> None:
    text = to_toml(defaults())
    assert "[server]" in text
    assert "port = 8080" in text
    assert "[instruments.BTCUSDT_261225]" in text
    assert "symbol =" not in text


def test_to_toml_round_trips_the_default(tmp_path: Path) -> None:
    config = defaults()
    file = write(tmp_path / "out.toml", to_toml(config))
    assert load_config(file, environ={}) == config


def test_to_toml_round_trips_a_changed_config(tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.toml",
        '[clock]\nmode = "accelerated"\nspeed = 60.0\nstart = "2026-01-01T00:00:00Z"\n'
        '[prices.pairs.BTCUSDT]\nsource = "fixed"\nprice = "50000.5"\n'
        '[accounts.bot]\nbalances = { USDC = "5", BTC = "0.1" }\n'
        'keys = [{ type = "ed25519", read_only = true, label = "r" }]\n',
    )
    config = load_config(source, environ={"BINANCE_SANDBOX_SERVER_PORT": "9000"})
    file = write(tmp_path / "out.toml", to_toml(config))
    again = load_config(file, environ={})
    assert again == config
    assert again.server.port == 9000
    assert again.accounts["bot"].keys[0].read_only is True
