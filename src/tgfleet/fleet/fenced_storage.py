"""``FencedStorage``: the session storage (``tgfleet.storage.Storage``) of one leased account at one epoch.

Reads come from memory, filled from the snapshot loaded when the lease was granted. Writes change memory at once
and mark what changed; the changes go to the fleet store as ONE fenced write per flush: on ``save()``, ``flush_delay``
seconds after the first unflushed write, or when the worker awaits ``flush()`` (after the client disconnected, too).
The first refused flush (StaleEpoch: a newer lease owns the account) poisons the storage: ``stale`` holds it,
``on_stale`` is called once (so the worker can fence itself), every later ``flush()`` raises it, and later writes stay
in memory only, never stored. They do not raise: the Client writes to its storage from inside its own machinery
(salts while it closes its connections, update state, peers), and a write that raised there would keep it from
closing the very connections the fence must close. Other
failures (the store unreachable) keep the changes for the next flush and are reported through ``on_error``.

The interface is synchronous, as ``Storage`` is: the store is only touched by the flushes, which are awaited.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from tgfleet.fleet.errors import StaleEpoch
from tgfleet.fleet.snapshot import DcRecord, SessionChanges, SessionSnapshot
from tgfleet.net.flag import Flag
from tgfleet.storage import DONE, DcOption, Done, MemoryStorage, PeerRecord, UpdateState

log = logging.getLogger("tgfleet.fleet")
Writer = Callable[[SessionChanges], Awaitable[None]]
_STATE = ("pts", "qts", "date", "seq")


@dataclass
class _Dirty:
    wipe: bool = False
    scalars: set[str] = field(default_factory=set)
    dcs: set[int] = field(default_factory=set)
    peers: set[int] = field(default_factory=set)
    channels: set[int] = field(default_factory=set)

    def merge(self, other: _Dirty) -> None:
        self.wipe |= other.wipe
        for name in ("scalars", "dcs", "peers", "channels"):
            getattr(self, name).update(getattr(other, name))

    def __bool__(self) -> bool:
        return bool(self.wipe or self.scalars or self.dcs or self.peers or self.channels)


class FencedStorage(MemoryStorage):
    """``write(changes)`` is the fenced write of the lease (``Sessions.write`` with the lease's account and epoch)."""

    def __init__(
        self,
        snapshot: SessionSnapshot,
        write: Writer,
        *,
        epoch: int,
        flush_delay: float = 1.0,
        on_stale: Callable[[StaleEpoch], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(clock=clock)
        self.epoch = epoch
        self.flush_delay = flush_delay
        self.stale: StaleEpoch | None = None
        self.last_error: BaseException | None = None
        self._write, self._on_stale, self._on_error = write, on_stale, on_error
        self._real_clock = clock
        self._replay_at: float | None = None
        self.clock = self._now
        self._dirty = _Dirty()
        self._flushing = asyncio.Lock()
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._settled = Flag()
        self._settled.set()
        self._restore(snapshot)

    def _now(self) -> float:
        return self._real_clock() if self._replay_at is None else self._replay_at

    @property
    def pending(self) -> bool:
        """Whether changes wait for a flush."""
        return bool(self._dirty)

    async def settled(self) -> None:
        """Return once every change so far is in the store, or refused (``stale``): a flush of this storage, in the
        background (``save()``, the timer) or awaited, got there."""
        await self._settled.wait()

    # --- loading the snapshot -------------------------------------------------------------------------------
    def _restore(self, snap: SessionSnapshot) -> None:
        """Fill memory from the snapshot. Peers are replayed at the time their username was confirmed (else when
        they were written), so a username's freshness survives the hand-off between workers."""
        super().open()
        with self.transaction():
            if snap.dc_id is not None:
                super().set_dc_id(snap.dc_id)
            super().set_test_mode(snap.test_mode)
            if snap.api_id is not None:
                super().set_api_id(snap.api_id)
            if snap.user_id is not None:
                super().set_user(snap.user_id, bool(snap.is_bot))
            for dc_id, dc in snap.dcs.items():
                super().set_auth_key(dc_id, dc.auth_key)
                if dc.server_salt is not None:
                    super().set_server_salt(dc_id, dc.server_salt)
                super().set_time_offset(dc_id, dc.time_offset)
            if snap.dc_options or snap.dc_options_at is not None:
                super().set_dc_options(snap.dc_options, fetched_at=snap.dc_options_at)
            for peer in snap.peers:
                self._replay_at = peer.resolved_at if peer.username and peer.resolved_at else peer.updated_at
                super().put_peers([peer])
            self._replay_at = None
            if snap.update_state is not None:
                super().set_update_state(snap.update_state)
            for channel_id, pts in snap.channel_pts.items():
                super().set_channel_pts(channel_id, pts)
        super().close()

    # --- writes: memory now, the store at the next flush ------------------------------------------------------
    @contextmanager
    def _change(self, **marks: Iterable[object]) -> Iterator[None]:
        yield
        if self.stale is not None:
            return  # the lease is gone: memory only, never flushed
        for name, values in marks.items():
            getattr(self._dirty, name).update(values)
        self._settled.clear()
        self._schedule(self.flush_delay)

    def set_dc_id(self, dc_id: int) -> None:
        with self._change(scalars=["dc_id"]):
            super().set_dc_id(dc_id)

    def set_test_mode(self, test_mode: bool) -> None:
        with self._change(scalars=["test_mode"]):
            super().set_test_mode(test_mode)

    def set_api_id(self, api_id: int) -> None:
        with self._change(scalars=["api_id"]):
            super().set_api_id(api_id)

    def set_user(self, user_id: int, is_bot: bool) -> None:
        with self._change(scalars=["user_id", "is_bot"]):
            super().set_user(user_id, is_bot)

    def set_auth_key(self, dc_id: int, key: bytes | None) -> None:
        with self._change(dcs=[dc_id]):
            super().set_auth_key(dc_id, key)

    def set_server_salt(self, dc_id: int, salt: int) -> None:
        with self._change(dcs=[dc_id]):
            super().set_server_salt(dc_id, salt)

    def set_time_offset(self, dc_id: int, offset: float) -> None:
        with self._change(dcs=[dc_id]):
            super().set_time_offset(dc_id, offset)

    def set_dc_options(self, options: Sequence[DcOption], *, fetched_at: float | None = None) -> None:
        with self._change(scalars=["dc_options", "dc_options_at"]):
            super().set_dc_options(options, fetched_at=fetched_at)

    def put_peers(self, peers: Iterable[PeerRecord]) -> None:
        records = list(peers)
        touched = {peer.id for peer in records}  # and the peers a username or phone moves away from
        for peer in records:
            for other in (self.peer_by_username(peer.username, ignore_expiry=True) if peer.username else None,
                          self.peer_by_phone(peer.phone) if peer.phone else None):  # fmt: skip
                if other is not None:
                    touched.add(other.id)
        with self._change(peers=touched):
            super().put_peers(records)

    def set_update_state(self, state: UpdateState) -> None:
        with self._change(scalars=_STATE):
            super().set_update_state(state)

    def set_channel_pts(self, channel_id: int, pts: int | None) -> None:
        with self._change(channels=[channel_id]):
            super().set_channel_pts(channel_id, pts)

    def delete(self) -> Done:
        with self._change():
            super().delete()
            self._dirty = _Dirty(wipe=True)
        return DONE

    def save(self) -> Done:
        super().save()
        self._schedule(0.0)
        return DONE

    # --- flushing -----------------------------------------------------------------------------------------------
    async def flush(self) -> None:
        """Write every pending change to the store in one fenced write; StaleEpoch once the lease is lost."""
        async with self._flushing:
            if self.stale is not None:
                raise self.stale
            taken, self._dirty = self._dirty, _Dirty()
            try:
                if taken:
                    await self._write(self._collect(taken))
            except StaleEpoch as exc:
                self._poison(exc)
                raise
            except BaseException:
                taken.merge(self._dirty)
                self._dirty = taken  # kept for the next flush
                raise
            if not self._dirty:
                self._settled.set()

    def _collect(self, dirty: _Dirty) -> SessionChanges:
        """The current values of what ``dirty`` names (read from memory, also after the client closed it)."""
        with self._opened():
            s: dict[str, object] = {}
            state = self.get_update_state()
            values = {
                "dc_id": self.get_dc_id, "test_mode": self.get_test_mode, "api_id": self.get_api_id,
                "user_id": self.get_user_id, "is_bot": self.get_is_bot, "dc_options": self.get_dc_options,
                "dc_options_at": self.get_dc_options_fetched_at,
            }  # fmt: skip
            for name in dirty.scalars:
                s[name] = getattr(state, name, None) if name in _STATE else values[name]()
            dcs = {dc: DcRecord(self.get_auth_key(dc), self.get_server_salt(dc), self.get_time_offset(dc))
                   for dc in dirty.dcs}  # fmt: skip
            peers = [p for p in map(self.peer_by_id, sorted(dirty.peers)) if p is not None]
            channels = {c: self.get_channel_pts(c) for c in dirty.channels}
        return SessionChanges(wipe=dirty.wipe, scalars=s, dcs=dcs, peers=peers, channels=channels)

    @contextmanager
    def _opened(self) -> Iterator[None]:
        was_open = self.is_open
        super().open()
        try:
            yield
        finally:
            if not was_open:
                super().close()

    def _poison(self, exc: StaleEpoch) -> None:
        self._settled.set()  # nothing more will be written
        if self.stale is None:
            self.stale = exc
            log.warning("fenced session storage refused: %s", exc)
            if self._on_stale is not None:
                self._on_stale(exc)

    def _schedule(self, delay: float) -> None:
        """Flush ``delay`` seconds from now (sooner if asked), when an event loop runs."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop: the owner flushes by awaiting flush()
        if self._timer is not None:
            if delay > 0:
                return
            self._timer.cancel()
        self._timer = loop.call_later(delay, self._start_flush)

    def _start_flush(self) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(self._background_flush())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _background_flush(self) -> None:
        try:
            await self.flush()
        except StaleEpoch:
            pass  # reported through stale / on_stale
        except Exception as exc:
            self.last_error = exc
            log.warning("flushing the fenced session failed (kept for the next flush): %s", exc)
            if self._on_error is not None:
                self._on_error(exc)
            self._schedule(self.flush_delay)

    def __repr__(self) -> str:
        return f"<FencedStorage epoch {self.epoch}{' STALE' if self.stale else ''}>"
