"""Plugins (Pyrogram's ``plugins=dict(root="plugins", include=[...], exclude=[...])``): handler modules in a
folder, loaded by ``start()``.

``root`` is a package path from the working directory (``"plugins"``, ``"bot/plugins"`` or
``"bot.plugins"``). Without ``include`` every ``*.py`` under it is imported, in sorted order; ``include``
names modules (``"handlers"``, ``"admin.ban"``), optionally followed by the functions to take
(``"handlers echo start"``); ``exclude`` takes handlers out again in the same form. A module's handlers are
the functions decorated on the class (``@Client.on_message(...)``): each carries ``handlers``, a list of
``(handler, group)``. A module that cannot be imported is logged and skipped, as in Pyrogram; one that
raises while importing raises (it is a bug in the plugin).
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from tgfleet.handlers import Handler

log = logging.getLogger("tgfleet.plugins")
Entry = tuple[Handler, int]


def plugin_handlers(plugins: dict[str, Any], cwd: Path) -> tuple[list[Entry], list[Entry]]:
    """``(handlers to add, handlers to remove)`` of a ``plugins`` setting, each ``(handler, group)``."""
    if not plugins.get("enabled", True):
        return [], []
    root = plugins["root"].replace("/", ".").strip(".")
    include = [_split(x) for x in plugins.get("include", [])]
    if include:
        added = [e for module, names in include for e in _of_module(f"{root}.{module}", names)]
    else:
        folder = cwd / Path(*root.split("."))
        modules = [
            ".".join((*p.relative_to(cwd).parent.parts, p.stem))
            for p in sorted(folder.rglob("*.py"))
            if p.stem != "__init__"
        ]
        added = [e for module in modules for e in _of_module(module, None, strict=True)]
    removed = [
        e for module, names in map(_split, plugins.get("exclude", [])) for e in _of_module(f"{root}.{module}", names)
    ]
    return added, removed


def _split(entry: str) -> tuple[str, list[str] | None]:
    module, *names = entry.split()
    return module, names or None


def _of_module(path: str, names: list[str] | None, *, strict: bool = False) -> list[Entry]:
    try:
        module = importlib.import_module(path)
    except ModuleNotFoundError as e:
        if strict or e.name is None or not path.startswith(e.name):
            raise
        log.warning("plugins: no module %r; ignored", path)
        return []
    found: list[Entry] = []
    for name in names if names is not None else list(vars(module)):
        handlers = getattr(getattr(module, name, None), "handlers", None)
        if not isinstance(handlers, list | tuple):
            if names is not None:
                log.warning("plugins: %s has no handler %r; ignored", path, name)
            continue
        found.extend((h, g) for h, g in handlers if isinstance(h, Handler) and isinstance(g, int))
    return found
