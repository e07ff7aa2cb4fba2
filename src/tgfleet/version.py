"""tgfleet's version, the one ``pyproject.toml`` declares (a test keeps them equal); imports nothing."""

__version__ = "0.1.0.dev0"
