"""``UpdatesManager``: updates that never silently stop.

One task applies updates in pts order (``sequence.py``; each channel's in its own pts, ``channel_pts.py``),
persists the state (the channels' pts too) and catches up with ``updates.getDifference`` (and
``updates.getChannelDifference`` for every channel it follows) on start, after ``new_session_created``, after every
reconnect and after ``silence`` seconds without any update, and for one sequence on a gap in it, so no message is
missed across reconnects and restarts. What can be applied goes to one ``dispatch`` callback (``delivery.py``), in
order, one delivery at a time, with the full users its messages name (``senders.py``: remembered from earlier
answers, or fetched with getDifference for a short update from a user never seen, so ``message.from_user`` has a
name as in Pyrogram).

Its inputs are narrow: ``invoke`` (the client's call path, for getState and the differences), the session storage
(the update state and the channels' pts, the account's id, the channels' access hashes), ``remember_peers`` (the
peer cache, for the users and chats pushed updates carry), the home DC's state feed (a reconnect means catching up)
and ``dispatch``. It is fed by the client: ``feed(result, query)`` for every call's result (updates it carries,
and the pts of the call's own change, keep pts in step) and ``on_event(event)`` for the home sender's session
events (pushed updates, new sessions).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from tgfleet.client.peers import wrapped_updates
from tgfleet.client.updates.affected import affected
from tgfleet.client.updates.channel_pts import ChannelPts, channel_of
from tgfleet.client.updates.delivery import Delivery, Dispatch
from tgfleet.client.updates.senders import Senders
from tgfleet.client.updates.sequence import Sequencer
from tgfleet.errors import TgfleetError
from tgfleet.mtproto.session import Event, NewSession, SessionChanged, Update, UpdateUndecodable
from tgfleet.net.state import ConnectionState, StateChange, StateFeed
from tgfleet.net.timeouts import within
from tgfleet.storage import Storage, UpdateState
from tgfleet.tl import TLFunction, functions, types

log = logging.getLogger("tgfleet.updates")
SILENCE = 15 * 60.0
"""Without any update for this long, ask for the difference anyway."""
MAX_PENDING = 10_000
"""Updates waiting to be applied at most. Past it (the handlers are behind, so ``dispatch`` waits) they are
dropped for one catch-up: nothing was applied, so getDifference brings back every one with a pts (updates
without one, such as statuses, are gone; they are momentary anyway)."""
CHANNEL_LIMIT = 100
"""Updates per updates.getChannelDifference (Telegram allows up to 100 for users)."""
CHANNEL_ZERO = -1_000_000_000_000
"""A channel's id in the peer cache is ``CHANNEL_ZERO - channel_id`` (``peers.CHANNEL_OFFSET``)."""
_DIFFERENCE = object()
Invoke = Callable[[TLFunction[Any]], Awaitable[Any]]


class UpdatesManager:
    """``start()`` / ``stop()``; fed by ``feed(obj)``, ``on_event(event)`` and ``need_difference()``."""

    __slots__ = (
        "_arrived",
        "_pending",
        "_senders",
        "_sequencer",
        "_task",
        "_unlisten",
        "dispatch",
        "invoke",
        "login_token_accepted",
        "name",
        "remember_peers",
        "silence",
        "states",
        "storage",
    )

    def __init__(
        self,
        *,
        invoke: Invoke,
        storage: Storage,
        remember_peers: Callable[[Any], None],
        states: StateFeed,
        dispatch: Dispatch,
        silence: float = SILENCE,
        name: str = "",
    ) -> None:
        self.invoke = invoke
        self.storage = storage
        self.remember_peers = remember_peers
        self.states = states
        self.dispatch = dispatch
        self.silence = silence
        self.name = name
        self._pending: list[Any] = []  # updates and catch-up requests, in arrival order
        self._arrived: asyncio.Future[None] | None = None  # set while the task waits for the next one
        self._task: asyncio.Task[None] | None = None
        self._sequencer: Sequencer | None = None
        self._senders = Senders()
        self._unlisten: Callable[[], None] | None = None
        self.login_token_accepted: Callable[[], None] | None = None
        """Called when ``updateLoginToken`` arrives (a QR login waits for it; it comes before any login, so
        whether the task runs or not)."""

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Load (or fetch) the update state and catch up with getDifference; then follow the updates.
        Nothing happens before the session is logged in, or when already running."""
        self_id = self.storage.get_user_id()
        if self_id is None or self.running:
            return
        state = self.storage.get_update_state()
        if state is None:
            raw = await self.invoke(functions.updates.GetState())
            state = UpdateState(raw.pts, raw.qts, raw.date, raw.seq)
            self.storage.set_update_state(state)
        self._sequencer = Sequencer(state, self_id, ChannelPts(self.storage.get_all_channel_pts()))
        self._task = asyncio.create_task(self._run(), name=f"tgfleet updates {self.name}")
        self._unlisten = self.states.add_listener(self._on_state)
        self.need_difference()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    # -- inputs ----------------------------------------------------------------------------------------
    def feed(self, obj: Any, query: TLFunction[Any] | None = None) -> None:
        """An object from the server: a call's result (the answer to ``query``) or a pushed update; ``Updates``
        of any form are applied in order with the pushed ones (also those an answer wraps:
        ``peers.wrapped_updates``), so is the pts of a call's change (``affected.py``); anything else is no
        update and ignored (its users are remembered)."""
        obj = wrapped_updates(obj)
        self._senders.learn(obj)
        if self._task is None:
            return
        if isinstance(obj, types.TypeUpdates):
            self._put(obj)
        elif (change := affected(obj, query)) is not None:
            self._put(change)

    def on_event(self, event: Event) -> None:
        """A session event of the home DC that is not a call's result."""
        if isinstance(event, Update):
            if self.login_token_accepted is not None and _carries_login_token(event.obj):
                self.login_token_accepted()
            self.feed(event.obj)
        elif isinstance(event, NewSession | SessionChanged | UpdateUndecodable):
            self.need_difference()  # the server may have dropped updates meant for the old session
        else:
            log.debug("session event %r", event)

    def need_difference(self) -> None:
        if self._task is not None:
            self._put(_DIFFERENCE)

    def _on_state(self, change: StateChange) -> None:
        if change.state is ConnectionState.CONNECTED:
            self.need_difference()  # whatever happened while we were away

    # -- the task --------------------------------------------------------------------------------------
    def _put(self, item: Any) -> None:
        if len(self._pending) >= MAX_PENDING:
            log.warning("updates: %d waiting to be applied; dropped for a catch-up later", len(self._pending))
            self._pending.clear()
            item = _DIFFERENCE
        self._pending.append(item)
        if self._arrived is not None and not self._arrived.done():
            self._arrived.set_result(None)

    async def _next(self) -> Any:
        """The next item, or a catch-up after ``silence`` seconds without one. (A list and one future while
        waiting: an idle client holds no queue, task or deque for it.)"""
        if not self._pending:
            self._arrived = asyncio.get_running_loop().create_future()
            try:
                await within(self._arrived, self.silence)
            except asyncio.TimeoutError:
                return _DIFFERENCE
            finally:
                self._arrived = None
        return self._pending.pop(0)

    async def _run(self) -> None:
        while True:
            item = await self._next()
            try:
                if item is _DIFFERENCE:
                    await self._difference()
                    await self._channel_differences()
                else:
                    await self._apply(item)
            except (TgfleetError, OSError) as e:  # a failed getDifference is retried on the next signal
                log.warning("updates: %s; will catch up on the next signal", e)
            except Exception:  # a bug must not end the updates for good: log it and go on
                log.exception("updates: applying %r failed", item)

    async def _apply(self, obj: Any) -> None:
        assert self._sequencer is not None
        batch = self._sequencer.feed(obj)
        self.remember_peers(batch)
        if batch.updates:
            seq = self._sequencer
            users = await self._with_senders(batch.updates, list(batch.users))
            channels = {c: pts for c in {channel_of(u) for u in batch.updates} if c is not None
                        and (pts := seq.channels.get(c)) is not None}  # fmt: skip
            await self.dispatch(Delivery(batch.updates, users, batch.chats, seq.self_id, seq.state, channels))
        self._save()
        if batch.gap:
            await self._difference()
        for channel_id in sorted(batch.channel_gaps):
            await self._channel_difference(channel_id)

    async def _with_senders(self, updates: list[Any], users: list[Any]) -> list[Any]:
        """``users`` and the full users the updates' messages name: remembered ones, and for those never seen
        one getDifference from just before the first update naming them (its answer carries them). If that
        fails, the updates go on with the users known (a sender then has its id alone)."""
        missing = self._senders.missing(updates, users)
        state = self._sequencer.state if self._sequencer is not None else None
        if missing and state is not None:
            first = missing[0]
            before = first.pts - first.pts_count if first.pts else state.pts
            try:
                diff = await self.invoke(functions.updates.GetDifference(pts=before, date=state.date, qts=state.qts))
            except (TgfleetError, OSError) as e:
                log.warning("updates: the senders of %d updates stay unnamed: %s", len(missing), e)
            else:
                self._senders.learn(diff)
                self.remember_peers(diff)
        return users + self._senders.known(updates, users)

    async def _difference(self) -> None:
        """updates.getDifference until the state is current (slices are applied one after the other)."""
        seq = self._sequencer
        assert seq is not None and seq.state is not None
        while True:
            state = seq.state
            diff = await self.invoke(functions.updates.GetDifference(pts=state.pts, date=state.date, qts=state.qts))
            if isinstance(diff, types.updates.DifferenceEmpty):
                seq.state = UpdateState(state.pts, state.qts, diff.date, diff.seq)
            elif isinstance(diff, types.updates.DifferenceTooLong):
                seq.state = UpdateState(diff.pts, state.qts, state.date, state.seq)
            elif isinstance(diff, types.updates.Difference | types.updates.DifferenceSlice):
                news = [types.UpdateNewMessage(message=m, pts=0, pts_count=0) for m in diff.new_messages]
                final = diff.state if isinstance(diff, types.updates.Difference) else diff.intermediate_state
                after = UpdateState(final.pts, final.qts, final.date, final.seq)
                self._senders.learn(diff)
                if updates := news + list(diff.other_updates):
                    await self.dispatch(Delivery(updates, list(diff.users), list(diff.chats), seq.self_id, after))
                seq.state = after
            self._save()
            if not isinstance(diff, types.updates.DifferenceSlice):
                return

    async def _channel_differences(self) -> None:
        """Every known channel's difference (a catch-up: what came while away, or was never pushed)."""
        assert self._sequencer is not None
        for channel_id in self._sequencer.channels.channels():
            await self._channel_difference(channel_id)

    async def _channel_difference(self, channel_id: int) -> None:
        """updates.getChannelDifference from the channel's local pts until ``final``; what it brings is dispatched
        in order. ``channelDifferenceTooLong`` (the gap is beyond what the server replays) restarts the channel
        from its current pts: the messages in between are not delivered (they are in its history)."""
        seq = self._sequencer
        assert seq is not None
        record = self.storage.peer_by_id(CHANNEL_ZERO - channel_id) if self.storage.is_open else None
        if record is None or record.access_hash is None:
            log.warning("updates: channel %d has no access hash; its gap stays", channel_id)
            return
        channel = types.InputChannel(channel_id=channel_id, access_hash=record.access_hash)
        while (pts := seq.channels.get(channel_id)) is not None:
            diff = await self.invoke(functions.updates.GetChannelDifference(
                channel=channel, filter=types.ChannelMessagesFilterEmpty(), pts=pts, limit=CHANNEL_LIMIT,
            ))  # fmt: skip
            if isinstance(diff, types.updates.ChannelDifferenceTooLong):
                log.warning("updates: channel %d is too far behind; restarting it from now", channel_id)
                seq.channels.set(channel_id, diff.dialog.pts or pts)  # type: ignore[attr-defined]
            elif isinstance(diff, types.updates.ChannelDifference):
                self.remember_peers(diff)
                self._senders.learn(diff)
                news = [types.UpdateNewChannelMessage(message=m, pts=0, pts_count=0) for m in diff.new_messages]
                if updates := news + list(diff.other_updates):
                    state = seq.state
                    await self.dispatch(Delivery(updates, list(diff.users), list(diff.chats), seq.self_id, state,
                                                 {channel_id: diff.pts}))  # fmt: skip
                seq.channels.set(channel_id, diff.pts)
            else:
                seq.channels.set(channel_id, diff.pts)
            self._save()
            if diff.final:
                return

    def _save(self) -> None:
        if self._sequencer is not None and self._sequencer.state is not None and self.storage.is_open:
            self.storage.set_update_state(self._sequencer.state)
            changed = self._sequencer.channels.changed
            for channel_id, pts in changed.items():
                self.storage.set_channel_pts(channel_id, pts)
            changed.clear()


def _carries_login_token(obj: Any) -> bool:
    """Whether pushed ``Updates`` hold ``updateLoginToken`` (https://core.telegram.org/api/qr-login)."""
    if isinstance(obj, types.UpdateShort):
        return isinstance(obj.update, types.UpdateLoginToken)
    return isinstance(obj, types.Updates | types.UpdatesCombined) and any(
        isinstance(u, types.UpdateLoginToken) for u in obj.updates
    )
