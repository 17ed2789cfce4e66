"""The pytest plugin used as a user's project uses it: `tests/plugin_user_project` (its own
pytest.ini, nothing loading the plugin but the installed entry point), run in a pytest of its
own, in one process and under pytest-xdist with two workers."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1] / "plugin_user_project"
TESTS = 9  # test functions (with parameters) in the project


def run_project(tmp_path: Path, *args: str) -> str:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    command += ["--basetemp", str(tmp_path / "base"), str(PROJECT)]
    done = subprocess.run(
        command, cwd=PROJECT, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist-2-workers"])
def test_a_users_project_passes(tmp_path: Path, workers: list[str]) -> None:
    output = run_project(tmp_path, *workers)
    assert re.search(rf"\b{TESTS} passed\b", output), output
    servers = {path.resolve() for path in (tmp_path / "base").rglob("data.toml")}
    assert len(servers) == (2 if workers else 1), servers  # one sandbox per worker
