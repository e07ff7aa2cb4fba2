"""``tgfleet.raw`` answers to Pyrogram's raw import paths with tgfleet's own TL classes, without loading
anything at ``import tgfleet``."""

from __future__ import annotations

import importlib
import subprocess
import sys
import types as pytypes
from typing import Any

import pyrogram.raw.base as kbase
from pyrogram.raw.all import objects

from tgfleet.tl.core.registry import module_of

# The one field name that differs: TL's ``from`` (a Python keyword) is ``from_`` in tgfleet's generated
# classes and ``from_peer`` in Pyrogram's (storyFwdHeader, and one more constructor).
RENAMED = {"from_": "from_peer"}


def _ours(path: str) -> Any:
    """``tgfleet.raw.x.y.Name`` for Kurigram's ``pyrogram.raw.x.y.Name``."""
    module, _, name = ("tgfleet" + path[len("pyrogram") :]).rpartition(".")
    return getattr(importlib.import_module(module), name)


def test_every_api_constructor_and_function_has_pyrograms_path_and_fields() -> None:
    checked = 0
    for cid, found in objects.items():
        path = found if isinstance(found, str) else f"pyrogram.raw.{found.QUALNAME}"  # Kurigram swaps in classes
        where = module_of(cid)
        if where is None or where.endswith(".mtproto") or path.startswith("pyrogram.raw.core"):
            continue  # the MTProto service schema lives in tgfleet.tl.mtproto
        ours, theirs = _ours(path), _ours_and_theirs(path)
        assert cid == ours.CONSTRUCTOR_ID, path
        fields = {RENAMED.get(f, f) for f in ours.__slots__}
        assert fields == set(theirs.__slots__), path  # the same keyword arguments
        checked += 1
    assert checked > 2000


def _ours_and_theirs(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def test_every_base_type_has_pyrograms_name() -> None:
    from tgfleet import raw

    for namespace, module in [
        ("", kbase),
        *((n, m) for n, m in vars(kbase).items() if isinstance(m, pytypes.ModuleType) and hasattr(m, "__path__")),
    ]:
        ours_ns = getattr(raw.base, namespace) if namespace else raw.base
        for name in dir(module):
            if name[:1].isupper() and isinstance(getattr(module, name), type) and not _service(namespace, name):
                assert isinstance(getattr(ours_ns, name), type), f"{namespace}.{name}"
    assert isinstance(raw.types.User(id=1), raw.base.User)
    assert isinstance(
        raw.types.messages.Messages(messages=[], topics=[], chats=[], users=[]), raw.base.messages.Messages
    )


def _service(namespace: str, name: str) -> bool:
    """A base type of the MTProto service schema (in tgfleet.tl.mtproto, not under raw)."""
    from tgfleet.tl import mtproto

    return not namespace and hasattr(mtproto, f"Type{name}")


def test_import_forms() -> None:
    from tgfleet.raw.base.auth import SentCode
    from tgfleet.raw.functions.messages import SendMessage

    from tgfleet.raw import functions, types
    from tgfleet.tl import functions as tl_functions
    from tgfleet.tl import types as tl_types

    assert functions is tl_functions and types is tl_types and SendMessage is tl_functions.messages.SendMessage
    assert SentCode is tl_types.auth.TypeSentCode
    assert tl_types.__spec__.name == "tgfleet.tl.types"  # the alias leaves the module's own spec


def test_import_tgfleet_loads_none_of_it_until_used() -> None:
    code = (
        "import sys, tgfleet\n"
        "before = sorted(m for m in sys.modules if m.startswith('tgfleet.') and m != 'tgfleet')\n"
        "from tgfleet import raw, enums, types, filters\n"
        "print(before, 'tgfleet.filters' in sys.modules, 'tgfleet.tl.functions' in sys.modules)\n"
        "raw.functions\n"
        "print('tgfleet.tl.functions' in sys.modules, tgfleet.types.Message.__name__, tgfleet.filters.text)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "[] True False" and out[1].startswith("True Message <tgfleet.filters.")
