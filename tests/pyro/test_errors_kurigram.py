"""tgfleet's RPC errors are Kurigram's: every class of ``pyrogram.errors`` under the same name, in the same module
(``pyrogram`` -> ``tgfleet``), with the same ID, CODE, NAME and bases, and the same class and value for every
error the server can send."""

from __future__ import annotations

import importlib
import pickle
from typing import Any

import pyrogram.errors as kerrors
import pytest
from pyrogram import raw as kraw
from pyrogram.errors.exceptions.all import exceptions as KURIGRAM_TABLE

from tgfleet import errors
from tgfleet.errors import rpc_error

CLASSES = sorted({(code, name) for code, table in KURIGRAM_TABLE.items() for name in table.values()})


def ours_of(kurigram_class: type[Any]) -> type[Any]:
    """The tgfleet class Kurigram's is: found by its Pyrogram module and name, which must be importable."""
    module = importlib.import_module(kurigram_class.__module__.replace("pyrogram", "tgfleet", 1))
    ours: type[Any] = getattr(module, kurigram_class.__name__)
    assert getattr(errors, kurigram_class.__name__) is ours, "also importable from tgfleet.errors"
    return ours


@pytest.mark.parametrize(("code", "name"), CLASSES)
def test_every_kurigram_class_is_ours_with_its_module_id_code_and_name(code: int, name: str) -> None:
    theirs = getattr(kerrors, name)
    ours = ours_of(theirs)
    assert (ours.ID, ours.CODE, ours.NAME) == (theirs.ID, theirs.CODE, theirs.NAME)
    # the same bases (tgfleet's ServiceUnavailable is also an InternalServerError: an unknown code is a 500)
    assert all(issubclass(ours, ours_of(base)) for base in theirs.__bases__ if base is not kerrors.RPCError)
    assert issubclass(ours, errors.RPCError)


def _sent(error_id: str) -> str:
    """What a server sends for a table name: its parameter filled in."""
    return error_id.replace("_X_", "_7_").replace("_XMIN", "_7MIN").removesuffix("_X") + (
        "_7" if error_id.endswith("_X") else ""
    )


ROWS = [(code, i) for code, table in KURIGRAM_TABLE.items() for i in table if i != "_"]


@pytest.mark.parametrize(("code", "error_id"), ROWS)
@pytest.mark.parametrize("signed", [False, True])
def test_every_error_the_server_sends_is_kurigrams_class_and_value(code: int, error_id: str, signed: bool) -> None:
    sent = _sent(error_id)
    sent_code = -code if signed else code
    with pytest.raises(kerrors.RPCError) as kurigram:
        kerrors.RPCError.raise_it(kraw.types.RpcError(error_code=sent_code, error_message=sent), kraw.functions.Ping)
    ours = rpc_error(sent_code, sent)
    assert type(ours).__name__ == type(kurigram.value).__name__
    if not any(error_id.startswith(p) for p in ("APNS_", "INTEGRITY_", "RECAPTCHA_")):  # string parameters
        assert (ours.ID, ours.value) == (type(kurigram.value).ID, kurigram.value.value)
    assert ours.error_message == sent and ours.code == sent_code


def test_flood_wait_as_pyrogram_raises_it() -> None:
    e = rpc_error(420, "FLOOD_WAIT_31")
    assert isinstance(e, errors.exceptions.flood_420.Flood) and isinstance(e, errors.RPCError)
    assert (errors.FloodWait.ID, e.ID, e.value, e.CODE, e.NAME) == ("FLOOD_WAIT_X", "FLOOD_WAIT_X", 31, 420, "Flood")
    assert e.error_message == "FLOOD_WAIT_31"
    assert str(e).startswith("[420 FLOOD_WAIT_31] A wait of 31 seconds is required")


def test_a_name_of_several_codes_is_one_family_as_in_pyrogram() -> None:
    e = rpc_error(403, "CHAT_WRITE_FORBIDDEN")
    assert type(e) is errors.ChatWriteForbidden403 and isinstance(e, errors.ChatWriteForbidden)
    assert isinstance(e, errors.Forbidden) and e.CODE == 403


def test_unknown_names_and_codes() -> None:
    e = rpc_error(400, "SOMETHING_NEW_HAPPENED")
    assert type(e) is errors.BadRequest and e.ID == e.error_message == "SOMETHING_NEW_HAPPENED"
    odd = rpc_error(-429, "WHATEVER")
    assert type(odd) is errors.UnknownError and isinstance(odd, errors.InternalServerError) and odd.code == -429


def test_raised_by_hand_and_pickled() -> None:
    e = errors.FloodWait(12)
    assert (e.ID, e.error_message, e.value) == ("FLOOD_WAIT_X", "FLOOD_WAIT_12", 12)
    back = pickle.loads(pickle.dumps(rpc_error(400, "USERNAME_NOT_OCCUPIED")))
    assert type(back) is errors.UsernameNotOccupied and back.error_message == "USERNAME_NOT_OCCUPIED"
