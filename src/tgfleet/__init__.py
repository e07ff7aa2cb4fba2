"""tgfleet: run Telegram user accounts from Python.

Public surface: ``tgfleet.Client`` (arrives with the client layer), ``tgfleet.errors``,
``tgfleet.sandbox.Sandbox``. Everything else is internal and may change.
"""

__version__ = "0.1.0.dev0"
