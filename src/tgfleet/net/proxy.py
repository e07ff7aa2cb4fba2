"""Proxy settings in every form users write, parsed once, up front, into one small typed value.

``parse_proxy(value)`` takes any of these and returns a :class:`TunnelProxy` (SOCKS4, SOCKS5, HTTP
CONNECT) or an :class:`MTProxy`; anything malformed raises ``ValueError`` naming the problem (never the
password or the secret):

- a URL: ``socks5://user:pass@host:port``, ``socks4://host:port``, ``http://user:pass@host:port``;
- Pyrogram's dict: ``dict(scheme="socks5", hostname="1.2.3.4", port=1080, username="u", password="p")``
  (``scheme="mtproxy"`` with ``secret=...`` for an MTProxy);
- Telethon's dict (``proxy_type``, ``addr``, ``port``, ``rdns``, ``username``, ``password``) and tuple
  ``(proxy_type, addr, port[, rdns[, username[, password]]])``, the type a name or PySocks' 1/2/3;
- an MTProxy or SOCKS5 link (https://core.telegram.org/api/links#mtproxy-links):
  ``tg://proxy?server=H&port=P&secret=S``, ``https://t.me/proxy?server=...``, ``tg://socks?server=H&port=P&user=U&pass=W``;
- an already parsed :class:`TunnelProxy` or :class:`MTProxy`.

An MTProxy secret (hex or URL-safe/standard base64, as links carry it) is 16 bytes (obfuscated2 with the
secret in the keys, intermediate framing), ``dd`` + 16 bytes (padded intermediate framing) or ``ee`` + 16
bytes + a domain (fake TLS with that domain as SNI; padded intermediate inside):
https://core.telegram.org/mtproto/mtproto-transports#transport-obfuscation.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias
from urllib.parse import SplitResult, quote, unquote, urlsplit

TunnelScheme = Literal["socks5", "socks4", "http"]
SCHEMES: tuple[TunnelScheme, ...] = ("socks5", "socks4", "http")
_PYSOCKS_TYPES: dict[int, TunnelScheme] = {1: "socks4", 2: "socks5", 3: "http"}
_HOST = re.compile(r"[A-Za-z0-9._~:%-]{1,253}")
_DOMAIN = re.compile(r"[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_LINK_HOSTS = ("t.me", "telegram.me", "telegram.dog", "www.t.me")


@dataclass(frozen=True, slots=True)
class TunnelProxy:
    """A SOCKS5, SOCKS4 or HTTP CONNECT proxy that tunnels the TCP connection to the data center."""

    scheme: TunnelScheme
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    rdns: bool | None = None
    """SOCKS: let the proxy resolve host names (None: the proxy library's default)."""

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ValueError(
                f"unknown proxy scheme {self.scheme!r}; use one of {', '.join(SCHEMES)} or an MTProxy link"
            )
        _check_address(self.host, self.port)
        for name, value in (("username", self.username), ("password", self.password)):
            if value is not None and not isinstance(value, str):
                raise ValueError(f"the proxy {name} must be a string, got {type(value).__name__}")
        if self.scheme == "socks4" and self.password is not None:
            raise ValueError("a socks4 proxy takes a user id but no password")

    @property
    def url(self) -> str:
        """``scheme://user:password@host:port`` (percent-encoded), which :func:`parse_proxy` reads back the same
        but for ``rdns``: holds the password, do not log it."""
        user = ""
        if self.username is not None:
            password = f":{quote(self.password, safe='')}" if self.password is not None else ""
            user = f"{quote(self.username, safe='')}{password}@"
        return f"{self.scheme}://{user}{_bracket(self.host)}:{self.port}"

    def __str__(self) -> str:
        """The proxy without its password: safe to log."""
        user = f"{self.username}{':***' if self.password is not None else ''}@" if self.username is not None else ""
        return f"{self.scheme}://{user}{_bracket(self.host)}:{self.port}"


@dataclass(frozen=True, slots=True)
class MTProxy:
    """A Telegram MTProxy: connect to it instead of the data center; the secret picks the transport.

    ``secret`` is the 16-byte key; ``padded`` is set for ``dd`` and ``ee`` secrets; ``domain`` (``ee`` only)
    is the TLS server name the fake-TLS hello carries.
    """

    host: str
    port: int
    secret: bytes = field(repr=False)
    padded: bool = False
    domain: str | None = None

    def __post_init__(self) -> None:
        _check_address(self.host, self.port)
        if not isinstance(self.secret, bytes) or len(self.secret) != 16:
            raise ValueError("an MTProxy key is 16 bytes (give the whole secret to parse_mtproxy_secret)")
        if self.domain is not None:
            if not _DOMAIN.fullmatch(self.domain) or len(self.domain) > 253:
                raise ValueError(f"the fake-TLS domain {self.domain!r} is not a host name")
            if not self.padded:
                raise ValueError("a fake-TLS (ee) MTProxy always uses padded framing")

    @property
    def kind(self) -> Literal["plain", "dd", "ee"]:
        return "ee" if self.domain is not None else "dd" if self.padded else "plain"

    @property
    def full_secret(self) -> bytes:
        """The secret as links carry it: the key, with ``dd`` or ``ee`` + domain around it."""
        if self.domain is not None:
            return b"\xee" + self.secret + self.domain.encode("ascii")
        return b"\xdd" + self.secret if self.padded else self.secret

    @property
    def link(self) -> str:
        """``tg://proxy?server=...&port=...&secret=<hex>``: holds the secret, do not log it."""
        return f"tg://proxy?server={self.host}&port={self.port}&secret={self.full_secret.hex()}"

    def __str__(self) -> str:
        """The proxy without its secret: safe to log."""
        tls = f", fake TLS as {self.domain}" if self.domain is not None else ""
        return f"MTProxy {_bracket(self.host)}:{self.port} ({self.kind} secret{tls})"


ProxyConfig: TypeAlias = TunnelProxy | MTProxy
"""A parsed proxy."""
ProxyLike: TypeAlias = str | Mapping[str, Any] | tuple[Any, ...] | TunnelProxy | MTProxy
"""Every form :func:`parse_proxy` takes."""


def parse_proxy(value: ProxyLike | None) -> ProxyConfig | None:
    """``value`` in any of the module's forms as a typed proxy (None stays None); ``ValueError`` if malformed."""
    if value is None or isinstance(value, TunnelProxy | MTProxy):
        return value
    if isinstance(value, str):
        return _parse_url(value.strip())
    if isinstance(value, Mapping):
        return _parse_mapping(value)
    if isinstance(value, tuple):
        return _parse_tuple(value)
    raise ValueError(f"a proxy is a URL, an MTProxy link, a dict or a tuple, not {type(value).__name__}")


def parse_mtproxy_secret(secret: str | bytes) -> tuple[bytes, bool, str | None]:
    """``(key, padded, domain)`` of an MTProxy secret: raw bytes, hex, or URL-safe/standard base64."""
    raw = secret if isinstance(secret, bytes) else _decode_secret_text(secret.strip())
    if len(raw) == 16:
        return raw, False, None
    if len(raw) == 17 and raw[0] == 0xDD:
        return raw[1:], True, None
    if len(raw) > 17 and raw[0] == 0xEE:
        try:
            domain = raw[17:].decode("ascii")
        except UnicodeDecodeError:
            raise ValueError("the domain of an ee (fake-TLS) MTProxy secret is not ASCII") from None
        return raw[1:17], True, domain
    first = f", starting with {raw[0]:02x}" if raw else ""
    raise ValueError(
        f"an MTProxy secret is 16 bytes, dd + 16 bytes or ee + 16 bytes + a domain; got {len(raw)} bytes{first}"
    )


def make_mtproxy(host: str, port: Any, secret: str | bytes) -> MTProxy:
    """An MTProxy from its parts as links and dicts carry them (the port may be a digit string)."""
    key, padded, domain = parse_mtproxy_secret(secret)
    return MTProxy(host, _port(port), key, padded, domain)


# -- the forms -------------------------------------------------------------------------------------------------------
def _parse_url(url: str) -> ProxyConfig:
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
    except ValueError as e:
        raise ValueError(f"malformed proxy URL: {e}") from None
    if scheme == "tg" and parts.netloc.lower() in ("proxy", "socks"):
        return _parse_link(parts.netloc.lower(), parts.query)
    link_path = parts.path.rstrip("/") in ("/proxy", "/socks")
    if scheme in ("https", "http") and parts.netloc.lower() in _LINK_HOSTS and link_path:
        return _parse_link(parts.path.strip("/"), parts.query)
    if scheme not in SCHEMES:
        shown = repr(scheme) if scheme else "none"
        raise ValueError(f"unknown proxy scheme {shown}; use socks5://, socks4://, http:// or an MTProxy link")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"a {scheme} proxy URL is scheme://[user[:password]@]host:port, with nothing after the port")
    return _tunnel_from_url(scheme, parts)


def _tunnel_from_url(scheme: str, parts: SplitResult) -> TunnelProxy:
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"the {scheme} proxy's port is not a number from 1 to 65535") from None
    if not parts.hostname:
        raise ValueError(f"the {scheme} proxy URL has no host")
    if port is None:
        raise ValueError(f"the {scheme} proxy URL has no port")
    username = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    return TunnelProxy(_scheme(scheme), parts.hostname, port, username, password)


def _parse_link(kind: str, query: str) -> ProxyConfig:
    args: dict[str, str] = {}
    for pair in filter(None, query.split("&")):
        key, _, value = pair.partition("=")
        if key in args:
            raise ValueError(f"the proxy link gives {key!r} twice")
        args[key] = unquote(value)  # not unquote_plus: '+' is a base64 digit here
    wanted = ("server", "port", "secret") if kind == "proxy" else ("server", "port")
    missing = [k for k in wanted if not args.get(k)]
    if missing:
        raise ValueError(f"the {kind} link lacks {', '.join(missing)}")
    if kind == "proxy":
        return make_mtproxy(args["server"], args["port"], args["secret"])
    return TunnelProxy(
        "socks5", args["server"], _port(args["port"]), args.get("user") or None, args.get("pass") or None
    )


def _parse_mapping(value: Mapping[str, Any]) -> ProxyConfig:
    keys = set(value)
    if "proxy_type" in keys:  # Telethon
        return _telethon(value, keys)
    unknown = keys - {"scheme", "hostname", "host", "port", "username", "password", "secret"}
    if unknown:
        raise ValueError(
            f"unknown proxy keys {sorted(unknown)}; Pyrogram's are scheme, hostname, port, username, password"
        )
    scheme = str(value.get("scheme") or "").lower()
    host = value.get("hostname", value.get("host"))
    if scheme == "mtproxy":
        if value.get("secret") is None:
            raise ValueError("an mtproxy proxy needs its secret")
        return make_mtproxy(_host(host), value.get("port"), value["secret"])
    if "secret" in keys:
        raise ValueError(f"a {scheme or 'proxy'} proxy takes no secret (scheme='mtproxy' does)")
    return TunnelProxy(
        _scheme(scheme), _host(host), _port(value.get("port")), value.get("username"), value.get("password")
    )


def _telethon(value: Mapping[str, Any], keys: set[str]) -> TunnelProxy:
    unknown = keys - {"proxy_type", "addr", "port", "rdns", "username", "password"}
    if unknown:
        raise ValueError(
            f"unknown proxy keys {sorted(unknown)}; Telethon's are proxy_type, addr, port, rdns, username, password"
        )
    rdns = value.get("rdns")
    return TunnelProxy(
        _scheme(value["proxy_type"]),
        _host(value.get("addr")),
        _port(value.get("port")),
        value.get("username"),
        value.get("password"),
        None if rdns is None else bool(rdns),
    )


def _parse_tuple(value: tuple[Any, ...]) -> TunnelProxy:
    if not 3 <= len(value) <= 6:
        raise ValueError(f"a proxy tuple is (type, host, port[, rdns[, username[, password]]]), got {len(value)} items")
    names = ("proxy_type", "addr", "port", "rdns", "username", "password")
    return _telethon(dict(zip(names, value, strict=False)), set(names[: len(value)]))


# -- fields ----------------------------------------------------------------------------------------------------------
def _scheme(value: Any) -> TunnelScheme:
    if isinstance(value, int) and not isinstance(value, bool) and value in _PYSOCKS_TYPES:
        return _PYSOCKS_TYPES[value]
    name = str(getattr(value, "name", value) or "").lower()  # a python_socks ProxyType or a string
    for scheme in SCHEMES:
        if name == scheme:
            return scheme
    shown = repr(value) if value not in (None, "") else "none"
    raise ValueError(f"unknown proxy scheme {shown}; use one of {', '.join(SCHEMES)}, or mtproxy with a secret")


def _host(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("the proxy has no host (hostname)")
    return value.strip().strip("[]")


def _port(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"the proxy port must be a number from 1 to 65535, got {value!r}")
    return value


def _check_address(host: str, port: int) -> None:
    if not isinstance(host, str) or not _HOST.fullmatch(host):
        raise ValueError(f"the proxy host {host!r} is not a host name or an IP address")
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise ValueError(f"the proxy port must be a number from 1 to 65535, got {port!r}")


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _decode_secret_text(text: str) -> bytes:
    if _HEX.fullmatch(text):  # base64 of 16+ random bytes is all hex digits with odds below 1e-10
        return bytes.fromhex(text)
    try:
        padded = text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4)
        return base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ValueError("the MTProxy secret is neither hex nor base64") from None
