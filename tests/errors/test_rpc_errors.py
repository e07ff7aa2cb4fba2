"""rpc_error(code, message) builds the typed error Pyrogram users expect."""

from __future__ import annotations

import pickle

import pytest

from tgfleet import errors
from tgfleet.errors import (
    BadRequest,
    Flood,
    Forbidden,
    InternalServerError,
    RPCError,
    SeeOther,
    Unauthorized,
    rpc_error,
)


def test_flood_wait_carries_seconds() -> None:
    e = rpc_error(420, "FLOOD_WAIT_31")
    assert type(e) is errors.FloodWait and isinstance(e, Flood)
    assert (e.value, e.code, e.ID, e.error_message) == (31, 420, "FLOOD_WAIT_X", "FLOOD_WAIT_31")
    assert "A wait of 31 seconds is required" in str(e)


def test_phone_migrate_carries_dc() -> None:
    e = rpc_error(303, "PHONE_MIGRATE_4")
    assert type(e) is errors.PhoneMigrate and isinstance(e, SeeOther) and e.value == 4


def test_session_password_needed_is_a_401() -> None:
    e = rpc_error(401, "SESSION_PASSWORD_NEEDED")
    assert type(e) is errors.SessionPasswordNeeded and isinstance(e, Unauthorized)
    assert e.value is None and e.code == 401


def test_unknown_400_name_is_a_bad_request_keeping_its_id() -> None:
    e = rpc_error(400, "SOMETHING_NEW_HAPPENED")
    assert type(e) is BadRequest and e.ID == "SOMETHING_NEW_HAPPENED" and e.code == 400


def test_unknown_code_is_treated_like_500() -> None:
    e = rpc_error(-503, "WHATEVER")
    assert type(e) is errors.ServiceUnavailable and isinstance(e, InternalServerError) and e.code == -503
    other = rpc_error(-429, "WHATEVER")
    assert type(other) is errors.UnknownError and isinstance(other, InternalServerError) and other.code == -429


@pytest.mark.parametrize(("code", "parent"), [(400, BadRequest), (403, Forbidden)])
def test_a_name_under_several_codes_resolves_by_code(code: int, parent: type[RPCError]) -> None:
    e = rpc_error(code, "CHAT_WRITE_FORBIDDEN")
    assert isinstance(e, errors.ChatWriteForbidden) and isinstance(e, parent) and e.code == code


@pytest.mark.parametrize(
    ("message", "cls", "value"),
    [
        ("FILE_PART_7_MISSING", "FilePartMissing", 7),
        ("2FA_CONFIRM_WAIT_3600", "TwoFaConfirmWait", 3600),
        ("SLOWMODE_WAIT_10", "SlowmodeWait", 10),
        ("FLOOD_PREMIUM_WAIT_5", "FloodPremiumWait", 5),
        ("USER_MIGRATE_2", "UserMigrate", 2),
        ("NETWORK_MIGRATE_5", "NetworkMigrate", 5),
        ("PREVIOUS_CHAT_IMPORT_ACTIVE_WAIT_5MIN", "PreviousChatImportActiveWaitMin", 5),
    ],
)
def test_numbered_names(message: str, cls: str, value: int) -> None:
    code = {"USER_MIGRATE_2": 303, "NETWORK_MIGRATE_5": 303}.get(message, 400)
    e = rpc_error(code, message)
    assert type(e).__name__ == cls and e.value == value and message == e.error_message


@pytest.mark.parametrize(
    "name",
    [
        "BadRequest",
        "FloodWait",
        "PhoneCodeExpired",
        "PhoneCodeInvalid",
        "PhoneNumberInvalid",
        "SessionPasswordNeeded",
        "AuthKeyUnregistered",
        "PasswordHashInvalid",
        "AuthKeyDuplicated",
        "UserDeactivatedBan",
        "SessionRevoked",
        "PhoneMigrate",
        "UserMigrate",
        "NetworkMigrate",
        "SlowmodeWait",
    ],
)
def test_pyrogram_names_exist(name: str) -> None:
    assert issubclass(getattr(errors, name), RPCError)


def test_raising_by_hand_fills_the_id_and_keeps_the_request() -> None:
    request = object()
    e = errors.FloodWait(12, request=request)
    assert (e.error_message, e.value, e.code, e.request) == ("FLOOD_WAIT_12", 12, 420, request)
    assert "caused by" not in str(e)  # a request without a QUALNAME is not named
    assert 'caused by "messages.getHistory"' in str(errors.FloodWait(1, request=errors_request()))


def errors_request() -> object:
    from tgfleet.tl.functions.messages import GetHistory

    return GetHistory(peer=None, offset_id=0, offset_date=0, add_offset=0, limit=1, max_id=0, min_id=0, hash=0)


def test_errors_pickle() -> None:
    e = pickle.loads(pickle.dumps(rpc_error(420, "FLOOD_WAIT_3")))
    assert type(e) is errors.FloodWait and e.value == 3


def test_every_table_row_maps_to_a_class_of_its_code() -> None:
    from pathlib import Path

    from tools.tlgen.parser import parse_errors

    rows = parse_errors((Path(__file__).resolve().parents[2] / "schema/errors.tsv").read_text())
    for row in rows:
        message = row.name.replace("_X_", "_7_").replace("_XMIN", "_7MIN")
        message = message[:-1] + "7" if message.endswith("_X") else message
        e = rpc_error(row.code, message)
        if row.name == "FILE_PART_0_MISSING":  # read as FILE_PART_X_MISSING with 0, as Pyrogram reads it
            assert (type(e), e.value) == (errors.FilePartMissing, 0)
            continue
        assert row.name == e.ID and e.code == row.code, row
        assert isinstance(e, rpc_error(row.code, "UNLISTED_NAME").__class__)


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError):
        errors.NoSuchErrorClass  # noqa: B018
