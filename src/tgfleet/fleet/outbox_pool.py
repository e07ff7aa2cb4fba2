"""Which of a pool's unassigned messages a holder of one of its accounts takes (docs/fleet.md, "Scheduler"):

- a message to a peer some account of the pool already talks to (it sent that peer a message, from the pool or on
  its own) goes to that account, while it is healthy (``new`` or ``active``): the peer keeps one sender (an account
  of another pool that talks to the peer does not count: it never takes the pool's messages);
- any other goes to the least-loaded healthy account with budget left: a holder takes them only while no other
  healthy, held account of the pool has fewer open messages than it has (ties: whoever claims first). Whether the
  holder's own account is healthy and has budget left is its sender's to say (``take_pool``).

A message once pinned (its random_id set) never moves: PEER_FLOOD, freezes and bans hold it on its account.
``STICKY`` is a condition on the candidate ``m`` for the claim's SQL; ``least_loaded`` one read.
"""

from __future__ import annotations

from tgfleet.fleet.outbox_records import DUE, OPEN, sql_states
from tgfleet.fleet.store import Tx

_HEALTHY = "('new', 'active')"


def _talked(account: str) -> str:
    """Whether ``account`` (an SQL expression) sent the candidate ``m``'s peer a message, from the pool or on its
    own: two seeks of ``outbox_talked`` (account, chat), whatever the account's history."""
    return (
        f"EXISTS (SELECT 1 FROM outbox_messages s WHERE s.account_id = {account} AND s.state = 'sent'"
        f" AND s.chat IN (m.chat, 'account:' || CAST({account} AS TEXT) || ':' || SUBSTR(m.chat, :peer_at)))"
    )


CHOICE = (  # the other accounts are the pool's (an account of another pool never takes the message), one by one
    f"({_talked(':account')} OR (:least = 1 AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.pool = :pool"
    f" AND a.state IN {_HEALTHY} AND a.id <> :account AND {_talked('a.id')})))"
)


def peer_at(pool: str) -> int:
    """Where the peer starts in a pool message's chat key (``pool:<pool>:<peer>``), for SQL's SUBSTR."""
    return len(f"pool:{pool}:") + 1


WAITING = (
    f"SELECT 1 FROM outbox_messages WHERE account_id IS NULL AND pool = :pool AND state IN ({sql_states(DUE)}) LIMIT 1"
)
"""Whether any of the pool's messages waits unassigned: only then does ``least_loaded``'s answer matter."""


async def least_loaded(tx: Tx, account_id: int, pool: str) -> bool:
    """Whether no other healthy account of ``pool`` with a live lease has fewer open messages than ``account_id``.
    False at the cost of one indexed read (``WAITING``) while none of the pool's messages waits unassigned: the
    comparison (``fewest``), whose work grows with the pool, runs only when there is something to give."""
    return await tx.scalar(WAITING, {"pool": pool}) is not None and await fewest(tx, account_id, pool)


async def fewest(tx: Tx, account_id: int, pool: str) -> bool:
    """Whether no other healthy account of ``pool`` with a live lease has fewer open messages than ``account_id``."""
    open_states = sql_states(OPEN)
    mine = await tx.scalar(
        f"SELECT COUNT(*) FROM outbox_messages WHERE account_id = :account AND state IN ({open_states})",
        {"account": account_id},
    )
    fewer = await tx.scalar(
        f"SELECT 1 FROM accounts a JOIN leases l ON l.account_id = a.id WHERE a.pool = :pool AND a.id <> :account"
        f" AND a.state IN {_HEALTHY} AND l.expires_at > {{now}} AND (SELECT COUNT(*) FROM outbox_messages o"
        f" WHERE o.account_id = a.id AND o.state IN ({open_states})) < :mine LIMIT 1",
        {"pool": pool, "account": account_id, "mine": int(mine or 0)},
    )
    return fewer is None
