"""The CLI without a server: help, `config show`, and the errors management commands give."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from binance_sandbox.cli.admin_client import CliError
from binance_sandbox.cli.main import app

COMMANDS = {
    "serve",
    "config",
    "accounts",
    "keys",
    "deposit",
    "withdraw",
    "price",
    "clock",
    "snapshot",
}


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No BINANCE_SANDBOX_* from the real environment, no ./binance-sandbox.toml."""
    for name in list(os.environ):
        if name.startswith("BINANCE_SANDBOX_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def flat(text: str) -> str:
    """Rich wraps long lines; compare with all whitespace runs folded to one space."""
    return " ".join(text.split())


def test_help_lists_every_command(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    listed = set(re.findall(r"^\W*([a-z]+)\s{2,}\S", result.output, re.MULTILINE))
    assert listed >= COMMANDS


def test_config_show_prints_the_default_toml(runner: CliRunner) -> None:
    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 0, result.output
    assert "[server]" in result.output
    assert "port = 8080" in result.output.splitlines()
    assert "[instruments.BTCUSDT]" in result.output


def test_config_show_honours_the_environment(runner: CliRunner) -> None:
    result = runner.invoke(app, ["config", "show"], env={"BINANCE_SANDBOX_SERVER_PORT": "9000"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "port = 9000" in lines
    assert "port = 8080" not in lines


def test_config_show_reads_the_local_file(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "binance-sandbox.toml").write_text("[server]\nport = 9100\n", encoding="utf-8")
    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 0, result.output
    assert "port = 9100" in result.output.splitlines()


def test_config_show_with_explicit_file(runner: CliRunner, tmp_path: Path) -> None:
    file = tmp_path / "mine.toml"
    file.write_text('[clock]\nmode = "manual"\n', encoding="utf-8")
    result = runner.invoke(app, ["config", "show", "--config", str(file)])
    assert result.exit_code == 0, result.output
    assert 'mode = "manual"' in result.output.splitlines()


def test_config_show_refuses_a_bad_file_with_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text("[server]\nprot = 1\n", encoding="utf-8")
    result = runner.invoke(app, ["config", "show", "--config", str(file)])
    assert result.exit_code == 2
    assert "prot" in result.output


@pytest.mark.parametrize("args", [["--by", "1s", "--to", "1767225600000"], []])
def test_clock_advance_needs_exactly_one_of_by_and_to(
    runner: CliRunner, tmp_path: Path, args: list[str]
) -> None:
    result = runner.invoke(app, ["clock", "advance", *args, "--data-dir", str(tmp_path)])
    assert isinstance(result.exception, CliError)
    assert "exactly one of --by and --to" in str(result.exception)


def test_stale_server_info_counts_as_no_server(runner: CliRunner, tmp_path: Path) -> None:
    """A server.json left behind by a dead process is ignored."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "server.json").write_text(
        f'{{"url": "http://127.0.0.1:1", "pid": {dead.pid}}}', encoding="utf-8"
    )
    result = runner.invoke(app, ["snapshot", "--data-dir", str(tmp_path)])
    assert isinstance(result.exception, CliError)
    assert "No running binance-sandbox server found" in str(result.exception)


def test_management_command_without_a_server_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "data"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_SANDBOX_")}
    completed = subprocess.run(
        [sys.executable, "-m", "binance_sandbox", "accounts", "list", "--data-dir", str(empty)],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=False,
    )
    assert completed.returncode == 1
    message = flat(completed.stdout + completed.stderr)
    assert "No running binance-sandbox server found" in message
    assert "binance-sandbox serve" in message
    assert "Traceback" not in message
