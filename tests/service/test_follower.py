"""``changes.Follower``: a change whose transaction committed after a later-numbered one (PostgreSQL) is still
delivered, once; the resume position never passes it while it may come; a number that never comes (a rollback) is
given up after ``gap_wait``."""

from __future__ import annotations

from collections.abc import Sequence

from tgfleet.fleet.changes import Change, Changes, Follower


class Journal(Changes):
    """The journal as committed so far (the store's reads, without a store)."""

    def __init__(self) -> None:
        self.rows: dict[int, Change] = {}

    def commit(self, *numbers: int) -> None:
        for n in numbers:
            self.rows[n] = Change(n, 0.0, "outbox", n, None, None, "queued", None)

    async def read(self, after: int, *, also: Sequence[int] = (), limit: int = 1000) -> list[Change]:
        return [self.rows[n] for n in sorted(self.rows) if n > after or n in also][:limit]


async def test_late_commits_are_delivered_once_and_gaps_given_up() -> None:
    journal, now = Journal(), [0.0]
    follower = Follower(journal, 0, gap_wait=10.0, clock=lambda: now[0])
    journal.commit(1, 3)  # 2 is taken by a transaction still open
    assert [c.id for c in await follower.poll()] == [1, 3]
    assert follower.position == 1  # a reader resuming here gets 2 when it commits
    journal.commit(2, 4)
    assert [c.id for c in await follower.poll()] == [2, 4]
    assert follower.position == 4 and await follower.poll() == []
    journal.commit(6)  # 5 rolled back: never comes
    assert [c.id for c in await follower.poll()] == [6] and follower.position == 4
    now[0] = 11.0
    assert await follower.poll() == [] and follower.position == 6
