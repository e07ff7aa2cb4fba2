"""Every proxy form users write parses into the same typed value; malformed ones raise ValueError naming the
problem, from ``Client(...)`` itself, and never show a password or a secret."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tgfleet import Client
from tgfleet.net.proxy import MTProxy, TunnelProxy, parse_mtproxy_secret, parse_proxy

KEY = bytes(range(0x10, 0x20))
API_HASH = "0123456789abcdef" * 2
DOMAIN = "cdn.example.com"
EE = b"\xee" + KEY + DOMAIN.encode()
SOCKS = TunnelProxy("socks5", "10.0.0.1", 1080, "alice", "p@ss:w/rd")


@pytest.mark.parametrize(
    "form",
    [
        "socks5://alice:p%40ss%3Aw%2Frd@10.0.0.1:1080",
        " socks5://alice:p%40ss%3Aw%2Frd@10.0.0.1:1080/ ",
        dict(scheme="socks5", hostname="10.0.0.1", port=1080, username="alice", password="p@ss:w/rd"),
        dict(scheme="SOCKS5", hostname="10.0.0.1", port="1080", username="alice", password="p@ss:w/rd"),
        {"proxy_type": "socks5", "addr": "10.0.0.1", "port": 1080, "username": "alice", "password": "p@ss:w/rd"},
        (2, "10.0.0.1", 1080, None, "alice", "p@ss:w/rd"),  # Telethon's tuple with PySocks' SOCKS5 = 2
        "tg://socks?server=10.0.0.1&port=1080&user=alice&pass=p%40ss%3Aw%2Frd",
        "https://t.me/socks?server=10.0.0.1&port=1080&user=alice&pass=p%40ss%3Aw%2Frd",
        SOCKS,
    ],
)
def test_socks5_forms(form: Any) -> None:
    assert parse_proxy(form) == SOCKS


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("socks4://10.0.0.2:1081", TunnelProxy("socks4", "10.0.0.2", 1081)),
        ("http://bob:pw@proxy.local:3128", TunnelProxy("http", "proxy.local", 3128, "bob", "pw")),
        ("socks5://[::1]:1080", TunnelProxy("socks5", "::1", 1080)),
        (dict(scheme="http", hostname="proxy.local", port=3128), TunnelProxy("http", "proxy.local", 3128)),
        (("socks4", "10.0.0.2", 1081), TunnelProxy("socks4", "10.0.0.2", 1081)),
        ((3, "proxy.local", 3128, True), TunnelProxy("http", "proxy.local", 3128, rdns=True)),
        (None, None),
    ],
)
def test_other_tunnel_forms(form: Any, expected: TunnelProxy | None) -> None:
    assert parse_proxy(form) == expected


def _b64(raw: bytes, *, urlsafe: bool = True, padded: bool = False) -> str:
    text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode()
    return text if padded else text.rstrip("=")


@pytest.mark.parametrize(
    ("secret", "kind", "domain"),
    [
        (KEY.hex(), "plain", None),
        (KEY.hex().upper(), "plain", None),
        ("dd" + KEY.hex(), "dd", None),
        (EE.hex(), "ee", DOMAIN),
        (_b64(KEY), "plain", None),
        (_b64(b"\xdd" + KEY, padded=True), "dd", None),
        (_b64(EE), "ee", DOMAIN),
        (_b64(EE, urlsafe=False, padded=True), "ee", DOMAIN),
    ],
)
@pytest.mark.parametrize(
    "link", ["tg://proxy?server={h}&port={p}&secret={s}", "https://t.me/proxy?server={h}&port={p}&secret={s}"]
)
def test_mtproxy_links(link: str, secret: str, kind: str, domain: str | None) -> None:
    proxy = parse_proxy(link.format(h="proxy.example.org", p=443, s=secret))
    assert isinstance(proxy, MTProxy)
    assert (proxy.host, proxy.port, proxy.secret, proxy.kind, proxy.domain) == (
        "proxy.example.org",
        443,
        KEY,
        kind,
        domain,
    )
    assert proxy.padded is (kind != "plain")
    assert parse_proxy(proxy.link) == proxy  # its own link reads back the same


def test_a_standard_base64_secret_keeps_its_plus_signs() -> None:
    raw = b"\xee" + bytes([0xFB]) * 16 + b"a.io"  # base64 with '+' and '/' in it
    text = base64.b64encode(raw).decode()
    assert "+" in text or "/" in text
    proxy = parse_proxy(f"tg://proxy?server=h&port=1&secret={text}")
    assert isinstance(proxy, MTProxy) and proxy.full_secret == raw


def test_mtproxy_from_pyrogram_style_dict_and_raw_bytes() -> None:
    via_dict = parse_proxy(dict(scheme="mtproxy", hostname="h", port=443, secret="dd" + KEY.hex()))
    assert via_dict == MTProxy("h", 443, KEY, padded=True)
    assert parse_mtproxy_secret(EE) == (KEY, True, DOMAIN)


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ("socks6://h:1080", "unknown proxy scheme 'socks6'"),
        ("h:1080", "unknown proxy scheme"),
        ("socks5://:1080", "has no host"),
        ("socks5://h", "has no port"),
        ("socks5://h:70000", "port is not a number from 1 to 65535"),
        ("socks5://h:0", "port must be a number from 1 to 65535"),
        ("socks5://h:1080/path", "nothing after the port"),
        ("socks4://u:pw@h:1080", "no password"),
        (dict(scheme="socks5", port=1080), "no host"),
        (dict(scheme="socks5", hostname="h", port=True), "port must be a number"),
        (dict(scheme="socks5", hostname="h", port=1080, passwrod="x"), "unknown proxy keys ['passwrod']"),
        (dict(scheme="ftp", hostname="h", port=21), "unknown proxy scheme 'ftp'"),
        (dict(scheme="socks5", hostname="h", port=1, secret="00"), "takes no secret"),
        (dict(scheme="mtproxy", hostname="h", port=1), "needs its secret"),
        ((9, "h", 1080), "unknown proxy scheme 9"),
        (("socks5", "h"), "got 2 items"),
        (1080, "not int"),
        ("tg://proxy?server=h&port=443", "lacks secret"),
        ("tg://proxy?server=h&secret=" + KEY.hex(), "lacks port"),
        ("tg://proxy?server=h&port=1&port=2&secret=" + KEY.hex(), "'port' twice"),
        ("tg://proxy?server=h&port=99999&secret=" + KEY.hex(), "port must be a number from 1 to 65535"),
        ("tg://proxy?server=h&port=1&secret=" + KEY.hex()[:-2], "got 15 bytes"),
        ("tg://proxy?server=h&port=1&secret=ff" + KEY.hex(), "got 17 bytes, starting with ff"),
        ("tg://proxy?server=h&port=1&secret=dd" + KEY.hex() + "00", "got 18 bytes, starting with dd"),
        ("tg://proxy?server=h&port=1&secret=ee" + KEY.hex() + "2f2f", "is not a host name"),
        ("tg://proxy?server=h&port=1&secret=ee" + KEY.hex() + "ff", "not ASCII"),
        ("tg://proxy?server=h&port=1&secret=not*a*secret", "neither hex nor base64"),
        ("tg://proxy?server=bad host&port=1&secret=" + KEY.hex(), "is not a host name"),
    ],
)
def test_malformed_proxies_name_the_problem(form: Any, problem: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_proxy(form)
    assert problem in str(raised.value)


def test_client_rejects_a_malformed_proxy_at_once() -> None:
    with pytest.raises(ValueError, match="port"):
        Client("c", api_id=1, api_hash=API_HASH, in_memory=True, proxy="socks5://h:99999")
    with pytest.raises(ValueError, match="16 bytes"):
        Client("c", api_id=1, api_hash=API_HASH, in_memory=True, proxy="tg://proxy?server=h&port=1&secret=abcd")


def test_client_takes_every_form() -> None:
    for form in (
        "socks5://h:1",
        dict(scheme="http", hostname="h", port=1),
        "tg://proxy?server=h&port=1&secret=" + KEY.hex(),
    ):
        client = Client("c", api_id=1, api_hash=API_HASH, in_memory=True, proxy=form)
        assert client.sender_config.proxy == parse_proxy(form)


def test_neither_password_nor_secret_is_shown() -> None:
    mt = parse_proxy("tg://proxy?server=h&port=443&secret=" + EE.hex())
    assert mt is not None
    for text in (str(SOCKS), repr(SOCKS), str(mt), repr(mt)):
        assert "p@ss" not in text and KEY.hex() not in text and "16171819" not in text
    assert str(SOCKS) == "socks5://alice:***@10.0.0.1:1080"
    assert str(mt) == "MTProxy h:443 (ee secret, fake TLS as cdn.example.com)"
    with pytest.raises(ValueError) as raised:
        parse_proxy("tg://proxy?server=h&port=1&secret=" + KEY.hex() + "ab")
    assert KEY.hex() not in str(raised.value)
