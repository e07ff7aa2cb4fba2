"""The fleet's schema, one for both engines, as numbered migrations (docs/fleet.md).

``MIGRATIONS[i]`` brings a store from version ``i`` to ``i + 1`` (version 0: no tables). Opening a store applies the
missing ones in one transaction (PostgreSQL takes a transaction-scoped lock first, so two hosts opening a new store
at once migrate it once); a store at a higher version than ``len(MIGRATIONS)`` was written by a newer tgfleet and is
refused. To change the schema, append a migration; never edit a released one.

Version 1 holds accounts (with their session scalars and update state), their per-DC auth keys (sealed, with a
fleet-wide unique ``auth_key_id``), peers and channel pts, one lease row per resource (``account:<id>``; later
``login:<id>``), workers, events, and counters. Version 2 adds ``accounts.state_until`` (health), version 3 the
outbox (``outbox_messages``, ``outbox_attempts``), version 4 the flood ledger (``flood_waits``), version 5 the
inbox (``inbox_messages``, ``inbox_handled``), ``V_POOLS`` the pools' policies (``pools``: a row only for a pool
that has one; accounts name their pool as before), ``V_LOGINS`` the login flows (``logins``, fenced by their own
``fence_epoch``), future auth tokens (``login_tokens``, sealed) and waits per phone (``phone_waits``), then the
service's tokens (``api_tokens``), the change journal (``changes``, fed by triggers on accounts, outbox messages and
logins), the workers' counters, the login state ``sign_up_needed`` (``V_LOGIN_SIGNUP``) and each account's last probe
(``V_PROBES``: ``account_probes``), indexes for the outbox's reads (``V_OUTBOX_SEEKS``, ``V_OUTBOX_TALKED``) and
the name of each worker's store sessions (``V_WORKER_SESSIONS``). Each is new tables, columns or indexes
that point at ``accounts.id`` and are fenced by ``accounts.fence_epoch``, as these tables are; none of them needs
these reshaped. Times are unix seconds (DOUBLE PRECISION); flags are 0/1 integers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tgfleet.fleet.errors import SchemaTooNewError, StoreMissingError
from tgfleet.fleet.outbox_records import OPEN, OutboxState, sql_states
from tgfleet.fleet.records import AccountState
from tgfleet.fleet.store.base import Store, Tx

Migration = Sequence["str | Mapping[str, str]"]
"""A migration's statements; one spelled differently per engine is a mapping of dialect name to statement (an engine
the mapping does not name skips it)."""
_STATES = ", ".join(f"'{state.value}'" for state in AccountState)
_T = "DOUBLE PRECISION"

V1: Migration = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
    "INSERT INTO counters (name, value) VALUES ('ready_accounts', 0)",
    f"""CREATE TABLE accounts (
        id {{id}},
        label TEXT NOT NULL UNIQUE,
        pool TEXT NOT NULL,
        phone TEXT,
        state TEXT NOT NULL CHECK (state IN ({_STATES})),
        state_since {_T} NOT NULL,
        policy TEXT NOT NULL,
        origin_format TEXT NOT NULL,
        origin_at {_T} NOT NULL,
        origin_detail TEXT NOT NULL,
        fence_epoch BIGINT NOT NULL DEFAULT 0,
        exported_at {_T},
        exported_format TEXT,
        created_at {_T} NOT NULL,
        updated_at {_T} NOT NULL,
        dc_id INTEGER,
        test_mode INTEGER NOT NULL DEFAULT 0,
        api_id BIGINT,
        user_id BIGINT,
        is_bot INTEGER,
        dc_options TEXT,
        dc_options_at {_T},
        pts INTEGER, qts INTEGER, date INTEGER, seq INTEGER
    )""",
    "CREATE INDEX accounts_pool_state ON accounts (pool, state)",
    "CREATE INDEX accounts_user ON accounts (user_id)",
    f"""CREATE TABLE session_dcs (
        account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        dc_id INTEGER NOT NULL,
        auth_key_id BIGINT UNIQUE,
        sealed_key {{blob}},
        server_salt BIGINT,
        time_offset {_T} NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, dc_id)
    )""",
    f"""CREATE TABLE session_peers (
        account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        peer_id BIGINT NOT NULL,
        type TEXT NOT NULL,
        access_hash BIGINT,
        username TEXT,
        phone TEXT,
        is_min INTEGER NOT NULL,
        updated_at {_T} NOT NULL,
        resolved_at {_T},
        PRIMARY KEY (account_id, peer_id)
    )""",
    """CREATE TABLE session_channels (
        account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        channel_id BIGINT NOT NULL,
        pts INTEGER NOT NULL,
        PRIMARY KEY (account_id, channel_id)
    )""",
    f"""CREATE TABLE leases (
        resource TEXT PRIMARY KEY,
        account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
        ready INTEGER NOT NULL DEFAULT 0,
        holder TEXT,
        host TEXT,
        pid INTEGER,
        epoch BIGINT NOT NULL DEFAULT 0,
        acquired_at {_T},
        renewed_at {_T},
        expires_at {_T} NOT NULL DEFAULT 0
    ){{hot_table}}""",
    "CREATE INDEX leases_holder ON leases (holder)",
    "CREATE INDEX leases_claim ON leases (expires_at) WHERE ready = 1",
    "CREATE INDEX leases_account ON leases (account_id)",
    f"""CREATE TABLE workers (
        id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        capacity INTEGER NOT NULL,
        state TEXT NOT NULL,
        started_at {_T} NOT NULL,
        heartbeat {_T} NOT NULL
    )""",
    "CREATE INDEX workers_heartbeat ON workers (heartbeat)",
    f"""CREATE TABLE events (
        id {{id}},
        account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        at {_T} NOT NULL,
        kind TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT,
        error_code INTEGER,
        error_name TEXT,
        error_message TEXT,
        worker TEXT,
        epoch BIGINT,
        detail TEXT NOT NULL
    )""",
    "CREATE INDEX events_account ON events (account_id, id)",
)

V2: Migration = (
    # health (docs/fleet.md, "Account health"): until when the account's state holds, when known (a flood wait's
    # end for ``limited``, the freeze's end for ``frozen``); the evidence itself is in the state's event
    f"ALTER TABLE accounts ADD COLUMN state_until {_T}",
)

_OUTBOX_STATES = ", ".join(f"'{state.value}'" for state in OutboxState)

V3: Migration = (  # the outbox (tgfleet.fleet.outbox): messages and every attempt to send them
    f"""CREATE TABLE outbox_messages (
        id {{id}},
        idempotency_key TEXT UNIQUE,
        body_hash TEXT NOT NULL,
        peer TEXT NOT NULL,
        text TEXT NOT NULL,
        pool TEXT,
        account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
        chat TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ({_OUTBOX_STATES})),
        random_id BIGINT,
        tg_message_id BIGINT,
        attempts INTEGER NOT NULL DEFAULT 0,
        error_code INTEGER,
        error_name TEXT,
        error_message TEXT,
        not_before {_T},
        deadline {_T},
        epoch BIGINT,
        worker TEXT,
        created_at {_T} NOT NULL,
        updated_at {_T} NOT NULL,
        CHECK (account_id IS NOT NULL OR pool IS NOT NULL),
        CHECK (random_id IS NULL OR account_id IS NOT NULL)
    )""",
    "CREATE INDEX outbox_account ON outbox_messages (account_id, state, id)",
    "CREATE INDEX outbox_pool ON outbox_messages (pool, state, id) WHERE account_id IS NULL",
    "CREATE INDEX outbox_chat ON outbox_messages (chat, id)",
    "CREATE INDEX outbox_state ON outbox_messages (state, id)",
    # at most one message of a chat in flight, whatever races: the store itself refuses a second one
    "CREATE UNIQUE INDEX outbox_one_in_flight ON outbox_messages (chat) WHERE state IN ('claimed', 'sending')",
    f"""CREATE TABLE outbox_attempts (
        id {{id}},
        message_id BIGINT NOT NULL REFERENCES outbox_messages (id) ON DELETE CASCADE,
        at {_T} NOT NULL,
        worker TEXT NOT NULL,
        epoch BIGINT NOT NULL,
        account_id BIGINT NOT NULL,
        random_id BIGINT NOT NULL,
        outcome TEXT NOT NULL,
        error_code INTEGER,
        error_name TEXT,
        error_message TEXT,
        finished_at {_T}
    )""",
    "CREATE INDEX outbox_attempts_message ON outbox_attempts (message_id, id)",
)

V4: Migration = (  # the flood ledger (tgfleet.fleet.flood_ledger): one wait per account, method and chat ('' = any)
    f"""CREATE TABLE flood_waits (
        account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        method TEXT NOT NULL,
        chat TEXT NOT NULL DEFAULT '',
        until {_T} NOT NULL,
        error_code INTEGER,
        error_name TEXT,
        error_message TEXT,
        recorded_at {_T} NOT NULL,
        epoch BIGINT NOT NULL,
        worker TEXT,
        PRIMARY KEY (account_id, method, chat)
    )""",
    "CREATE INDEX flood_waits_until ON flood_waits (until)",
)

V5: Migration = (  # the inbox (tgfleet.fleet.inbox): incoming messages, stored once, and who handled each
    f"""CREATE TABLE inbox_messages (
        id {{id}},
        account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        chat_id BIGINT NOT NULL,
        message_id BIGINT NOT NULL,
        sender_id BIGINT,
        date BIGINT NOT NULL,
        text TEXT NOT NULL,
        raw {{blob}} NOT NULL,
        epoch BIGINT NOT NULL,
        worker TEXT NOT NULL,
        received_at {_T} NOT NULL,
        UNIQUE (account_id, chat_id, message_id)
    )""",
    "CREATE INDEX inbox_account ON inbox_messages (account_id, id)",
    "CREATE INDEX inbox_chat ON inbox_messages (chat_id, id)",
    f"""CREATE TABLE inbox_handled (
        message_id BIGINT NOT NULL REFERENCES inbox_messages (id) ON DELETE CASCADE,
        handler TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('done', 'skipped')),
        attempts INTEGER NOT NULL,
        epoch BIGINT NOT NULL,
        worker TEXT NOT NULL,
        handled_at {_T} NOT NULL,
        PRIMARY KEY (message_id, handler)
    )""",
)

V_POOLS: Migration = (  # pools' own policies (tgfleet.fleet.pools), which their accounts inherit
    f"""CREATE TABLE pools (
        name TEXT PRIMARY KEY,
        policy TEXT NOT NULL,
        created_at {_T} NOT NULL,
        updated_at {_T} NOT NULL
    )""",
)


def _states(*states: str) -> str:
    return ", ".join(f"'{state}'" for state in states)


_LOGINS_V1 = _states("starting", "code_sent", "password_needed", "qr_waiting", "authorized", "failed", "expired")
"""The login states of ``V_LOGINS`` (spelled out: a released migration never changes with ``LoginState``)."""


def _logins_table(name: str, states: str) -> str:
    return f"""CREATE TABLE {name} (
        id {{id}},
        phone TEXT NOT NULL,
        method TEXT NOT NULL CHECK (method IN ('code', 'qr')),
        label TEXT NOT NULL,
        pool TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ({states})),
        fence_epoch BIGINT NOT NULL DEFAULT 0,
        sealed_session {{blob}},
        info TEXT NOT NULL,
        input_kind TEXT,
        input {{blob}},
        error TEXT,
        account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
        worker TEXT,
        created_at {_T} NOT NULL,
        updated_at {_T} NOT NULL,
        expires_at {_T} NOT NULL
    )"""


_LOGINS_INDEXES = (
    "CREATE INDEX logins_phone ON logins (phone, created_at)",
    "CREATE INDEX logins_open ON logins (state, id)",
)

V_LOGINS: Migration = (  # login flows (tgfleet.fleet.logins), future auth tokens and waits per phone
    _logins_table("logins", _LOGINS_V1),
    *_LOGINS_INDEXES,
    f"""CREATE TABLE login_tokens (
        id {{id}},
        phone TEXT NOT NULL,
        sealed_token {{blob}} NOT NULL,
        created_at {_T} NOT NULL
    )""",
    "CREATE INDEX login_tokens_phone ON login_tokens (phone, id)",
    f"""CREATE TABLE phone_waits (
        phone TEXT PRIMARY KEY,
        until {_T} NOT NULL,
        error_code INTEGER,
        error_name TEXT,
        error_message TEXT,
        recorded_at {_T} NOT NULL
    )""",
)


V_TOKENS: Migration = (  # the HTTP service's bearer tokens (tgfleet.fleet.tokens): only their SHA-256 is kept
    f"""CREATE TABLE api_tokens (
        id {{id}},
        name TEXT NOT NULL,
        scope TEXT NOT NULL CHECK (scope IN ('read', 'send', 'operate', 'admin')),
        token_hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at {_T} NOT NULL,
        last_used_at {_T},
        revoked_at {_T}
    )""",
)

_JOURNAL = "INSERT INTO changes (at, kind, subject_id, account_id, state, from_state) VALUES"
_PG_JOURNAL = (
    "CREATE FUNCTION tgfleet_journal_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF TG_OP = 'UPDATE' AND NEW.state = OLD.state{same} THEN RETURN NULL; END IF;"
    f" {_JOURNAL} (extract(epoch FROM statement_timestamp()), '{{kind}}', NEW.id, {{account}}, NEW.state,"
    " CASE WHEN TG_OP = 'UPDATE' THEN OLD.state END); RETURN NULL; END $$"
)
_PG_TRIGGER = (
    "CREATE TRIGGER changes_{name} AFTER INSERT OR UPDATE OF {columns} ON {table} FOR EACH ROW"
    " EXECUTE FUNCTION tgfleet_journal_{name}()"
)


def _journal(
    name: str, table: str, kind: str, account: str, at_insert: str, at_update: str, also: tuple[str, ...] = ()
) -> tuple[dict[str, str], dict[str, str]]:
    """The triggers that journal every new row of ``table`` and every change of its ``state`` into ``changes`` (and
    of its columns ``also``: a row whose state stays, ``state`` = ``from_state``)."""
    columns = ", ".join(("state", *also))
    changed = "".join(f" OR NEW.{column} IS NOT OLD.{column}" for column in also)
    same = "".join(f" AND NEW.{column} IS NOT DISTINCT FROM OLD.{column}" for column in also)
    sqlite = (
        f"CREATE TRIGGER changes_{name}_insert AFTER INSERT ON {table} BEGIN {_JOURNAL} (NEW.{at_insert}, '{kind}',"
        f" NEW.id, {account}, NEW.state, NULL); END",
        f"CREATE TRIGGER changes_{name}_update AFTER UPDATE OF {columns} ON {table} WHEN NEW.state <> OLD.state"
        f"{changed} BEGIN {_JOURNAL} (NEW.{at_update}, '{kind}', NEW.id, {account}, NEW.state, OLD.state); END",
    )
    postgres = (
        _PG_JOURNAL.replace("{name}", name)
        .replace("{kind}", kind)
        .replace("{account}", account)
        .replace("{same}", same),
        _PG_TRIGGER.replace("{name}", name).replace("{table}", table).replace("{columns}", columns),
    )
    return (
        {"sqlite": sqlite[0], "postgresql": postgres[0]},
        {"sqlite": sqlite[1], "postgresql": postgres[1]},
    )


V_CHANGES: Migration = (
    # the change journal (tgfleet.fleet.changes, the service's event stream): one row per state change of an account,
    # an outbox message or a login flow, written by triggers in the transaction that made the change, so no writer
    # can forget one
    f"""CREATE TABLE changes (
        id {{id}},
        at {_T} NOT NULL,
        kind TEXT NOT NULL,
        subject_id BIGINT NOT NULL,
        account_id BIGINT,
        state TEXT NOT NULL,
        from_state TEXT
    )""",
    "CREATE INDEX changes_at ON changes (at)",
    *_journal("accounts", "accounts", "account", "NEW.id", "created_at", "state_since"),
    *_journal("outbox", "outbox_messages", "outbox", "NEW.account_id", "created_at", "updated_at"),
    *_journal("logins", "logins", "login", "NEW.account_id", "created_at", "updated_at"),
)

V_WORKER_COUNTERS: Migration = (  # each worker's Counters.snapshot(), written with its heartbeat (the metrics)
    "ALTER TABLE workers ADD COLUMN counters TEXT",
)

_LOGINS_V2 = _states("starting", "code_sent", "password_needed", "sign_up_needed", "qr_waiting", "authorized", "failed",
                     "expired")  # fmt: skip

_SIGNUP_CHECK = f"logins_state_check CHECK (state IN ({_LOGINS_V2}))"
_LOGINS_JOURNAL = _journal("logins", "logins", "login", "NEW.account_id", "created_at", "updated_at")

V_LOGIN_SIGNUP: Migration = (
    # the login state sign_up_needed (a number with no account waits for a name: fleet.logins.submit_name).
    # PostgreSQL changes the CHECK in place; SQLite cannot alter a CHECK, so the table is copied into one with the
    # new CHECK (https://www.sqlite.org/lang_altertable.html#otheralter), its indexes and journal triggers made again
    {"postgresql": f"ALTER TABLE logins DROP CONSTRAINT logins_state_check, ADD CONSTRAINT {_SIGNUP_CHECK}"},
    {"sqlite": _logins_table("logins_new", _LOGINS_V2)},
    {"sqlite": "INSERT INTO logins_new SELECT * FROM logins"},
    {"sqlite": "DROP TABLE logins"},  # with its indexes and triggers
    {"sqlite": "ALTER TABLE logins_new RENAME TO logins"},
    *({"sqlite": index} for index in _LOGINS_INDEXES),
    *({"sqlite": trigger["sqlite"]} for trigger in _LOGINS_JOURNAL if not isinstance(trigger, str)),
)

V_PROBES: Migration = (
    # each account's last probe (tgfleet.fleet.probe_results): when, its outcome (ok or the error's name), and the
    # sessions the last account.getAuthorizations listed (a bounded JSON summary) with when they were listed
    f"""CREATE TABLE account_probes (
        account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
        at {_T} NOT NULL,
        result TEXT NOT NULL,
        listed_at {_T},
        authorizations TEXT
    )""",
)

_LOGINS_SHOWN = _journal(
    "logins", "logins", "login", "NEW.account_id", "created_at", "updated_at", also=("info", "error")
)

V_LOGIN_CHANGES: Migration = (
    # the journal also takes a login flow's change of what it shows in the same state (its info, its error: a code
    # sent again another way, a new QR code, Telegram's refusal), so the event stream and the dashboard's live reload
    # show it too; an operator's input alone (input, updated_at) shows nothing new
    {"sqlite": "DROP TRIGGER changes_logins_update", "postgresql": "DROP TRIGGER changes_logins ON logins"},
    {"postgresql": "DROP FUNCTION tgfleet_journal_logins()"},
    {"postgresql": _LOGINS_SHOWN[0]["postgresql"]},  # its new function (the insert trigger of SQLite stays)
    _LOGINS_SHOWN[1],
)

V_OUTBOX_SEEKS: Migration = (
    # what a holder's step reads, as index seeks whatever the account's and the chat's history: the open messages of
    # each chat ("is an earlier message of this chat still open?", the due heads; ``outbox_chat`` walked every
    # message the chat ever sent) and the account's messages with a deadline (the sweep for expired ones)
    f"CREATE INDEX outbox_open_chat ON outbox_messages (chat, id) WHERE state IN ({sql_states(OPEN)})",
    "CREATE INDEX outbox_deadline ON outbox_messages (account_id, deadline) WHERE deadline IS NOT NULL",
)

V_OUTBOX_TALKED: Migration = (
    # who already talks to a peer (``outbox_pool``: a pool message goes to the account that sent its peer a message):
    # a seek per account and chat, where ``outbox_account`` walked every message the account ever sent (``state``
    # too, though constant here: the index then covers the read, which SQLite's planner prefers with or without
    # statistics over the (account_id, state) prefix of ``outbox_account``)
    "CREATE INDEX outbox_talked ON outbox_messages (account_id, chat, state) WHERE state = 'sent'",
)

V_WORKER_SESSIONS: Migration = (
    # the name of the registering process's store sessions (store.base.session_name, PostgreSQL's application_name):
    # a lease taker recognises a stale holder's sessions by it (tgfleet.fleet.takeover)
    "ALTER TABLE workers ADD COLUMN session TEXT",
)

MIGRATIONS: tuple[Migration, ...] = (V1, V2, V3, V4, V5, V_POOLS, V_LOGINS, V_TOKENS, V_CHANGES, V_WORKER_COUNTERS,
                                     V_LOGIN_SIGNUP, V_PROBES, V_LOGIN_CHANGES, V_OUTBOX_SEEKS,
                                     V_OUTBOX_TALKED, V_WORKER_SESSIONS)  # fmt: skip
SCHEMA_VERSION = len(MIGRATIONS)


async def read_version(tx: Tx) -> int:
    """The store's schema version (0 when it has no fleet tables)."""
    return int(await tx.scalar("SELECT version FROM schema_version") or 0)


async def migrate(store: Store, *, create: bool, migrations: Sequence[Migration] = MIGRATIONS) -> tuple[int, int]:
    """Apply the missing migrations in one transaction; ``(version before, version after)``.

    StoreMissingError when the store has no fleet schema and ``create`` is false; SchemaTooNewError when it is newer.
    """
    fresh = not await store.exists()
    if fresh and not create:
        raise StoreMissingError(f"no fleet store at {store.where}; create it with `tgfleet fleet init --store URL`")
    async with store.transaction() as tx:
        if tx.dialect.name == "postgresql":
            await tx.execute("SELECT pg_advisory_xact_lock(7411001)")  # one migrator at a time (released at commit)
        await tx.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        if await tx.fetchone("SELECT version FROM schema_version") is None:
            await tx.execute("INSERT INTO schema_version (version) VALUES (0)")
        before = await read_version(tx)
        if before > len(migrations):
            raise SchemaTooNewError(store.where, before, len(migrations))
        for migration in migrations[before:]:
            for statement in migration:
                sql = statement if isinstance(statement, str) else statement.get(tx.dialect.name)
                if sql is not None:
                    await tx.execute(sql)
        if before != len(migrations):
            await tx.execute("UPDATE schema_version SET version = :v", {"v": len(migrations)})
    return before, len(migrations)
