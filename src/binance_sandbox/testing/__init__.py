"""For tests of code that trades through the sandbox: a server process on a free port and the
pytest plugin (`binance_sandbox` fixture) built on it."""

from binance_sandbox.testing.admin import SandboxAdmin
from binance_sandbox.testing.process import SandboxProcess
from binance_sandbox.testing.sandbox import Sandbox

__all__ = ["Sandbox", "SandboxAdmin", "SandboxProcess"]
