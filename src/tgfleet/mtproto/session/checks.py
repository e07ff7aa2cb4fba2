"""Server role: the verdict on a client message's msg_id and seqno (docs/protocol.md §14), pure functions.

https://core.telegram.org/mtproto/description, /mtproto/service_messages_about_messages. Each returns 0 when
the message may be processed, else the :class:`BadMsgCode` to refuse it with (``check_msg_id`` also returns
:data:`DUPLICATE` for a message to drop silently). ``ServerSession.receive_envelope`` applies them in order.
"""

from __future__ import annotations

from collections.abc import Iterable

from tgfleet.errors import DecodeError
from tgfleet.mtproto.msgid import msg_id_time
from tgfleet.mtproto.session.body import Item
from tgfleet.mtproto.session.codes import BadMsgCode
from tgfleet.mtproto.session.limits import NOT_CONTENT_RELATED, PINGS, TIME_FUTURE, TIME_PAST
from tgfleet.mtproto.session.window import MsgIdWindow
from tgfleet.tl import TLFunction
from tgfleet.tl.core.registry import lookup

DUPLICATE = -1
"""A message received already: dropped without an answer."""
UNTIMELY = frozenset({BadMsgCode.MSG_ID_TOO_LOW, BadMsgCode.MSG_ID_TOO_HIGH, BadMsgCode.MSG_ID_LOW_BITS})
"""Refused for the msg_id itself (its time or its low bits): not an id the client stands by."""
_is_call: dict[int, bool] = {}


def check_msg_id(msg_id: int, now: float, window: MsgIdWindow, replay_floor: int, *, container: bool) -> int:
    """Low bits (18), time (16 too old, 17 too new), duplicates (19 for a container, else DUPLICATE), then
    too old to tell: below the whole replay window or at most ``replay_floor`` (20)."""
    if msg_id & 3:
        return BadMsgCode.MSG_ID_LOW_BITS
    age = now - msg_id_time(msg_id)
    if age > TIME_PAST:
        return BadMsgCode.MSG_ID_TOO_LOW
    if age < -TIME_FUTURE:
        return BadMsgCode.MSG_ID_TOO_HIGH
    if msg_id in window:
        return BadMsgCode.CONTAINER_ID_REUSED if container else DUPLICATE
    if window.too_old(msg_id) or msg_id <= replay_floor:
        return BadMsgCode.TOO_OLD
    return 0


def check_container(seqno: int, items: Iterable[Item]) -> int:
    """A container is not content-related (an odd seqno: 34) and its seqno is at least its items' (64)."""
    if seqno & 1:
        return BadMsgCode.SEQNO_NOT_EVEN
    if any(item.seqno > seqno for item in items):
        return BadMsgCode.BAD_CONTAINER
    return 0


def check_seqno(cid: int, msg_id: int, seqno: int, last_content: tuple[int, int]) -> int:
    """Parity (34/35) and order against ``last_content``, the (msg_id, seqno) of the newest content-related
    message (32 too low / 33 too high). Pings with an even seqno pass, as they do on Telegram."""
    odd = seqno & 1
    if odd and cid in NOT_CONTENT_RELATED:
        return BadMsgCode.SEQNO_NOT_EVEN
    if not odd and is_call(cid) and cid not in PINGS:
        return BadMsgCode.SEQNO_NOT_ODD
    last_id, last_seqno = last_content
    if msg_id > last_id and (seqno <= last_seqno if odd else seqno < last_seqno):
        return BadMsgCode.SEQNO_TOO_LOW
    if msg_id < last_id and (seqno >= last_seqno if odd else seqno > last_seqno):
        return BadMsgCode.SEQNO_TOO_HIGH
    return 0


def is_call(cid: int) -> bool:
    """Whether a constructor id is a TL function (an RPC call: content-related)."""
    known = _is_call.get(cid)
    if known is None:
        try:
            known = issubclass(lookup(cid), TLFunction)
        except DecodeError:
            return False  # unknown ids are not cached (hostile input must not grow the table)
        _is_call[cid] = known
    return known
