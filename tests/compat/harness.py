"""Running one compatibility script with Kurigram and with tgfleet against the same sandbox, and what is compared.

A script (``scripts/*.py``) is written as Pyrogram's documentation and userbots write it, reading what it must
know from the environment (``API_ID``, ``API_HASH``, ``SESSION_STRING``, ``PHONE``, ``PASSWORD``, ``PEER``: the
username of another account, ``PEER_ID``, ``PEER_PHONE``). Directives in ``# compat:`` comments say how the harness
drives it:

- ``# compat: send TEXT`` — the other account sends TEXT to it: the first once the script prints ``READY``, each
  next one once the script printed ``seen <the previous TEXT>`` (a handler in the last group logs every message),
  so a message is never sent while the one before is still being handled (handlers run on several workers, and
  Kurigram reads a short update by asking for the difference since it, so it would also see a message sent, or an
  answer stored, meanwhile);
- ``# compat: sigint-after REGEX`` — SIGINT (what Ctrl-C sends to ``idle()``) once a printed line matches;
- ``# compat: login file|string|phone|bot`` — a session file ``my_account.session`` in the working directory (the
  default; Kurigram's format, which tgfleet converts), only ``SESSION_STRING``, nothing: the script logs in with
  ``phone_number=`` and the harness types the login code the sandbox sends into its stdin, or a bot: the script's
  account is a bot (``World.add_bot``) and logs in with ``bot_token=`` (``BOT_TOKEN``);
- ``# compat: password`` — the account has a 2FA password (``PASSWORD``);
- ``# compat: flood METHOD SECONDS`` — the sandbox answers the run's first ``messages.METHOD`` with FLOOD_WAIT
  (such scripts run one library after the other: the forced error is the sandbox's, not an account's);
- ``# compat: send-out TEXT`` — like ``send`` (in the same order), but the account itself sends TEXT to the other
  one from another device (an outgoing message, as a userbot's commands are);
- ``# compat: peer-chats`` — before the run the other account makes two supergroups with a post in each: a public
  one (its username in ``PEER_PUBLIC``) and a private one (its invite link in ``PEER_INVITE``), for the script to
  join as any member would.

Each run gets fresh accounts and its own directory, and is a process of its own (``boot.py``: the library pointed at
the sandbox, then the script). The text for tgfleet is the script with its import lines rewritten ``pyrogram`` ->
``tgfleet``, nothing else. The outcome compared: the printed lines (ids, phones, dates, hashes normalised), the exit
status, and the messages of the account's chat with the other account as the sandbox stored them.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

from tgfleet import Client
from tgfleet.client.session_strings import decode_session_string
from tgfleet.errors import SessionPasswordNeeded
from tgfleet.sandbox import Sandbox
from tgfleet.tl import functions

from .sandbox_thread import SandboxThread

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = Path(__file__).resolve().parent / "scripts"
RUN_TIMEOUT = 60.0
"""Generous: a run is a few seconds, but CI machines are loaded and Kurigram's AES is pure Python here."""
SERVICE_USER = 777000
"""Telegram's service account: the login codes' chat, left out of the compared messages."""
OUTGOING = "\0out:"
_IMPORT = re.compile(r"^(\s*)(from|import)\s+pyrogram\b", re.M)
_phones = count(1)


@dataclass(frozen=True)
class Script:
    path: Path
    sends: tuple[str, ...] = ()
    sigint_after: re.Pattern[str] | None = None
    login: str = "file"
    password: bool = False
    flood: tuple[str, int] | None = None
    peer_chats: bool = False

    @classmethod
    def load(cls, path: Path) -> Script:
        sends: list[str] = []
        options: dict[str, Any] = {}
        for line in path.read_text().splitlines():
            directive = re.match(r"#\s*compat:\s*(\S+)\s*(.*)$", line.strip())
            if directive is None:
                continue
            name, value = directive[1], directive[2]
            if name == "send":
                sends.append(value)
            elif name == "send-out":
                sends.append(OUTGOING + value)
            elif name == "flood":
                method, seconds = value.split()
                options["flood"] = (method, int(seconds))
            elif name == "sigint-after":
                options["sigint_after"] = re.compile(value)
            elif name == "login":
                options["login"] = value
            elif name == "password":
                options["password"] = True
            elif name == "peer-chats":
                options["peer_chats"] = True
            else:
                raise ValueError(f"{path.name}: unknown directive {name!r}")
        return cls(path, tuple(sends), **options)

    def text_for(self, lib: str) -> str:
        text = self.path.read_text()
        return _IMPORT.sub(r"\1\2 tgfleet", text) if lib == "tgfleet" else text


@dataclass
class Outcome:
    """What one run showed, normalised (``lines``: stdout; ``messages``: the chat with the other account)."""

    returncode: int
    lines: list[str]
    messages: list[str]
    stderr: str = field(default="", compare=False)

    def explain(self) -> str:
        return f"exit {self.returncode}; stdout {self.lines}; messages {self.messages}\nstderr:\n{self.stderr[-3000:]}"


@dataclass(frozen=True)
class Accounts:
    me: Any  # SandboxUser
    peer: Any
    session_string: str
    password: str | None
    bot_token: str = ""


def sandbox_info(tg: Sandbox) -> str:
    dcs = [{"dc_id": a.dc_id, "host": a.host, "port": a.port, "media": a.media} for a in tg.network.dcs]
    return json.dumps({"dcs": dcs, "public_key_pem": tg.public_key_pem, "default_dc": tg.network.default_dc})


def provision(box: SandboxThread, script: Script) -> Accounts:
    """Two fresh accounts on DC 2 (where Pyrogram starts); the script's one logged in unless it logs in itself."""
    n = next(_phones)
    pid = os.getpid() % 10_000
    if script.login == "bot":
        token = box.call(box.tg.add_bot, f"me{pid}x{n}bot", f"Me{n}", dc=2)
        me = box.call(box.tg.world.user, int(token.split(":")[0]))
        peer = box.call(box.tg.add_user, f"+1555{pid:04d}{n:03d}2", f"Peer{n}", username=f"peer{pid}x{n}", dc=2)
        return Accounts(me, peer, "", None, token)
    password = "compat-secret" if script.password else None
    me = box.call(box.tg.add_user, f"+1555{pid:04d}{n:03d}1", f"Me{n}", username=f"me{pid}x{n}", password=password,
                  dc=2)  # fmt: skip
    peer = box.call(box.tg.add_user, f"+1555{pid:04d}{n:03d}2", f"Peer{n}", username=f"peer{pid}x{n}", dc=2)
    session = "" if script.login == "phone" else box.run(_login(box.tg, me.phone, password))
    return Accounts(me, peer, session, password)


@asynccontextmanager
async def _signed_in(tg: Sandbox, phone: str, password: str | None = None) -> AsyncIterator[Client]:
    client = Client("provision", api_id=tg.api_id, api_hash=tg.api_hash, in_memory=True, network=tg.network)
    await client.connect()
    try:
        sent = await client.send_code(phone)
        try:
            await client.sign_in(phone, sent.phone_code_hash, tg.login_code(phone))
        except SessionPasswordNeeded:
            assert password is not None
            await client.check_password(password)
        yield client
    finally:
        await client.disconnect()


async def _login(tg: Sandbox, phone: str, password: str | None) -> str:
    async with _signed_in(tg, phone, password) as client:
        return await client.export_session_string()


async def _peer_chats(tg: Sandbox, peer: Any) -> dict[str, str]:
    """The other account's public and private supergroups (``# compat: peer-chats``), a post in each."""
    async with _signed_in(tg, peer.phone) as client:
        public = await client.create_supergroup(f"{peer.first_name}'s public")
        await client.set_chat_username(public.id, f"{peer.username}pub")
        await client.send_message(public.id, "hello, public")
        private = await client.create_supergroup(f"{peer.first_name}'s private")
        link = await client.export_chat_invite_link(private.id)
        await client.send_message(private.id, "hello, private")
    return {"PEER_PUBLIC": f"{peer.username}pub", "PEER_INVITE": link}


def write_kurigram_file(workdir: Path, session_string: str) -> None:
    """``my_account.session`` as Kurigram writes it, holding the login of ``session_string``."""
    from pyrogram.storage import SQLiteStorage as KurigramStorage

    data = decode_session_string(session_string)

    async def write() -> None:
        storage = KurigramStorage("my_account", workdir)
        await storage.open()
        fields = {"dc_id": data.dc_id, "api_id": data.api_id, "test_mode": data.test_mode, "auth_key": data.auth_key,
                  "user_id": data.user_id, "is_bot": data.is_bot}  # fmt: skip
        for name, value in fields.items():
            await getattr(storage, name)(value)
        await storage.save()
        await storage.close()

    asyncio.run(write())


def run(box: SandboxThread, script: Script, lib: str, workdir: Path) -> Outcome:
    """One run of ``script`` with ``lib`` (``kurigram`` / ``tgfleet``) in ``workdir``, on fresh accounts."""
    accounts = provision(box, script)
    workdir.mkdir(parents=True)
    if script.login == "file":
        write_kurigram_file(workdir, accounts.session_string)
    source = workdir / script.path.name
    source.write_text(script.text_for(lib))
    if script.flood is not None:
        method, seconds = script.flood
        box.call(box.tg.force_flood, getattr(functions.messages, method), seconds)
    env = _environment(box, accounts)
    if script.peer_chats:
        env.update(box.run(_peer_chats(box.tg, accounts.peer)))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.compat.boot", lib, str(source)], cwd=workdir, env=env, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    lines, stderr = _drive(box, script, accounts, child)
    messages = [m for m in box.call(box.tg.messages_of, accounts.me.id) if m.peer_id != SERVICE_USER]
    return Outcome(child.returncode, normalise(lines, accounts), [_message(m, accounts) for m in messages], stderr)


def _environment(box: SandboxThread, accounts: Accounts) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        PYTHONUNBUFFERED="1",
        COMPAT_SANDBOX=sandbox_info(box.tg),
        API_ID=str(box.tg.api_id),
        API_HASH=box.tg.api_hash,
        SESSION_STRING=accounts.session_string,
        PHONE=accounts.me.phone,
        PASSWORD=accounts.password or "",
        PEER=accounts.peer.username,
        PEER_ID=str(accounts.peer.id),
        BOT_TOKEN=accounts.bot_token,
        PEER_PHONE=accounts.peer.phone,
    )
    return env


def _drive(
    box: SandboxThread, script: Script, accounts: Accounts, child: subprocess.Popen[str]
) -> tuple[list[str], str]:
    """Feed the child what its directives say while collecting its output; bounded by RUN_TIMEOUT."""
    assert child.stdout is not None and child.stdin is not None and child.stderr is not None
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(child.stdout, lines), daemon=True).start()
    errors: list[str] = []
    threading.Thread(target=lambda: errors.append(child.stderr.read()), daemon=True).start()  # type: ignore[union-attr]
    if script.login == "phone":
        _type_codes(box, accounts.me.phone, child)
    seen: list[str] = []
    pending, sent = list(script.sends), ""
    deadline = _Deadline(RUN_TIMEOUT)
    try:
        while (line := lines.get(timeout=deadline.left())) is not None:
            seen.append(line)
            if pending and line in (("READY",) if len(pending) == len(script.sends) else (f"seen {sent}",)):
                sent = _send(box, accounts, pending.pop(0))
            if script.sigint_after is not None and script.sigint_after.search(line):
                child.send_signal(signal.SIGINT)
        child.wait(deadline.left())
    except (queue.Empty, subprocess.TimeoutExpired):
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        seen.append(f"<killed after {RUN_TIMEOUT:.0f} s>")
    finally:
        box.code_listeners.pop(accounts.me.phone.lstrip("+"), None)
    child.stdin.close()
    return seen, "".join(errors)


def _send(box: SandboxThread, accounts: Accounts, text: str) -> str:
    """One ``send`` directive: from the other account, or (``OUTGOING`` prefix) from the account's other device."""
    if text.startswith(OUTGOING):
        text = text[len(OUTGOING) :]
        box.call(box.tg.world.send_message, accounts.me.id, accounts.peer.id, text)
    else:
        box.call(box.tg.world.send_message, accounts.peer.id, accounts.me.id, text)
    return text


def _type_codes(box: SandboxThread, phone: str, child: subprocess.Popen[str]) -> None:
    """Type every login code the sandbox issues for ``phone`` into the child's stdin, as its user would."""
    stdin = child.stdin
    assert stdin is not None

    def typed(code: str) -> None:
        stdin.write(code + "\n")
        stdin.flush()

    box.code_listeners[phone.lstrip("+")] = typed


def _pump(stream: Any, out: queue.Queue[str | None]) -> None:
    for line in stream:
        out.put(line.rstrip("\n"))
    out.put(None)


class _Deadline:
    def __init__(self, seconds: float) -> None:
        import time

        self._end = time.monotonic() + seconds
        self._now = time.monotonic

    def left(self) -> float:
        return max(0.01, self._end - self._now())


#: What the libraries themselves print when they ask for something interactively (Kurigram's banner and prompts,
#: tgfleet's prompts): the user's terminal, not the script's output, so left out of the comparison.
_PROMPTS = re.compile(
    r"Enter confirmation code: |Login code \(\w+\): |Enter password \(empty to recover\): |2FA password: "
)
_UI_LINES = re.compile(
    r"Welcome to Pyrogram \(version .*\)|Pyrogram is free software .*|under the terms of the GNU .*|"
    r"The confirmation code has been sent via .*|The two-step verification is enabled.*|Password hint: .*|$"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00)?")
_NUMBER = re.compile(r"(?<![\w.])-?\d{5,}(?!\w|\.\d)")
"""Ids, hashes, login codes: 5 digits or more, not part of a word or a decimal (a sentence's full stop may follow)."""


def normalise(lines: list[str], accounts: Accounts) -> list[str]:
    """Printed lines with what differs between runs replaced: the accounts' ids, names and phones, dates, other
    long numbers (message ids stay: they are the same in both runs, both accounts being fresh)."""
    me, peer = accounts.me, accounts.peer
    names = {
        str(me.id): "<ME_ID>", str(peer.id): "<PEER_ID>", me.phone: "<PHONE>", me.phone.lstrip("+"): "<PHONE>",
        peer.phone: "<PEER_PHONE>", peer.phone.lstrip("+"): "<PEER_PHONE>",
        me.username: "<ME>", peer.username: "<PEER>", me.first_name: "<ME_NAME>", peer.first_name: "<PEER_NAME>",
    }  # fmt: skip
    if accounts.session_string:
        names[accounts.session_string] = "<SESSION_STRING>"
    names.pop("", None)  # a bot has no phone
    pattern = re.compile("|".join(re.escape(k) for k in sorted(names, key=len, reverse=True)))
    out = []
    for raw in lines:
        line = _PROMPTS.sub("", raw)
        if _UI_LINES.fullmatch(line):
            continue
        line = pattern.sub(lambda m: names[m[0]], line)
        out.append(_NUMBER.sub("<N>", _DATE.sub("<DATE>", line)))
    return out


def _message(m: Any, accounts: Accounts) -> str:
    chat = "saved" if m.peer_id == accounts.me.id else "peer" if m.peer_id == accounts.peer.id else "other"
    who = "out" if m.out else "in"
    entities = "".join(f" [{type(e).__name__} {e.offset}+{e.length}]" for e in m.entities)
    return f"{chat} {who}: {m.text}{entities}"
