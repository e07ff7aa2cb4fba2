"""``tgfleet session convert``: Pyrogram <-> Telethon round trips and the errors for missing data."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from tgfleet.cli import main
from tgfleet.client.session_strings import SessionData, decode_session_string, export_pyrogram, export_telethon

KEY = os.urandom(256)
PYROGRAM = export_pyrogram(SessionData("pyrogram-362", 2, KEY, False, 12345, 777001234, False))


def convert(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["session", "convert", *args])
    return result.exit_code, result.stdout.strip(), result.stderr


@pytest.mark.parametrize("server", ["149.154.167.51:443", "[2001:67c:4e8:f002::a]:443"])
def test_pyrogram_to_telethon_and_back(server: str) -> None:
    code, telethon, err = convert(PYROGRAM, "--to", "telethon", "--server", server)
    assert code == 0, err
    assert "pyrogram-362 (DC 2) -> telethon" in err
    data = decode_session_string(telethon)
    assert (data.format, data.dc_id, data.auth_key) == ("telethon", 2, KEY)
    assert len(telethon) == (353 if "." in server else 369)
    code, back, err = convert(telethon, "--to", "pyrogram", "--api-id", "12345", "--user-id", "777001234")
    assert code == 0, err
    assert back == PYROGRAM


def test_telethon_to_pyrogram_to_telethon_keeps_the_server() -> None:
    telethon = export_telethon(SessionData("telethon", 4, KEY, server=("127.0.0.1", 40004)))
    code, pyrogram, _ = convert(telethon, "--to", "pyrogram", "--api-id", "1", "--user-id", "42")
    assert code == 0 and len(pyrogram) == 362
    code, again, _ = convert(pyrogram, "--to", "telethon", "--server", "127.0.0.1:40004")
    assert code == 0 and again == telethon


def test_old_pyrogram_formats_are_read() -> None:
    import base64
    import struct

    old = base64.urlsafe_b64encode(struct.pack(">B?256sQ?", 2, False, KEY, 777001234, False)).decode().rstrip("=")
    assert len(old) == 356
    code, new, _ = convert(old, "--to", "pyrogram", "--api-id", "12345")
    assert code == 0 and new == PYROGRAM


def test_string_from_stdin() -> None:
    result = CliRunner().invoke(main, ["session", "convert", "-", "--to", "telethon", "--server", "1.2.3.4:443"],
                                input=PYROGRAM + "\n")  # fmt: skip
    assert result.exit_code == 0 and decode_session_string(result.stdout.strip()).server == ("1.2.3.4", 443)


def test_telethon_target_needs_the_server_address() -> None:
    code, _, err = convert(PYROGRAM, "--to", "telethon")
    assert code == 2
    assert "a Telethon string stores the server address" in err and "--server HOST:PORT of DC 2" in err
    assert "production DC 2 is 149.154.167.51:443" in err


def test_pyrogram_target_needs_api_id_and_user_id() -> None:
    telethon = export_telethon(SessionData("telethon", 2, KEY, server=("127.0.0.1", 1)))
    code, _, err = convert(telethon, "--to", "pyrogram")
    assert code == 2
    assert "carry the api_id and user_id, which this telethon string lacks" in err
    assert "--api-id N" in err and "--user-id N" in err
    code, _, err = convert(telethon, "--to", "pyrogram", "--user-id", "5")
    assert code == 2 and "--api-id N" in err and "--user-id" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not-a-session", "--to", "pyrogram"], "not a session string"),
        ([PYROGRAM, "--to", "telethon", "--server", "example.org:443"], "is not an IP address"),
        ([PYROGRAM, "--to", "telethon", "--server", "1.2.3.4"], "is not HOST:PORT"),
        ([PYROGRAM, "--to", "nothing"], "'nothing' is not one of"),
    ],
)
def test_bad_input_is_a_usage_error(args: list[str], message: str) -> None:
    code, out, err = convert(*args)
    assert code == 2 and out == "" and message in err
