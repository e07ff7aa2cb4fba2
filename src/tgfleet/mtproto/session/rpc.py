"""Building ``rpc_result`` on the server (https://core.telegram.org/mtproto/service_messages).

``rpc_result#f35c6d01 req_msg_id:long result:Object``; ``result`` is the boxed answer, an
``rpc_error#2144ca19 error_code:int error_message:string``, or a ``gzip_packed`` holding either
(the server "gzip-compresses responses at will": here when the answer is >= 512 bytes and shrinks).
"""

from __future__ import annotations

import struct

from tgfleet.errors import RPCError
from tgfleet.mtproto.session.body import gzip_pack
from tgfleet.mtproto.session.limits import GZIP_MIN_BYTES, RPC_RESULT
from tgfleet.tl import TLObject
from tgfleet.tl import mtproto as mt

_Iq = struct.Struct("<Iq")

Answer = TLObject | bytes | RPCError | tuple[int, str]
"""What ``ServerSession.reply`` accepts: a result object, a pre-serialized boxed result (Vector<long>,
Bool, ...), a typed RPC error, or ``(error_code, error_message)``."""


def rpc_result(req_msg_id: int, result: Answer) -> bytes:
    """``rpc_result#f35c6d01 req_msg_id:long result:Object``; result gzip-packed when that helps."""
    buf = bytearray(_Iq.pack(RPC_RESULT, req_msg_id))
    if isinstance(result, RPCError):
        result = mt.RpcError(error_code=result.code, error_message=result.error_message)
    elif isinstance(result, tuple):
        result = mt.RpcError(error_code=result[0], error_message=result[1])
    if isinstance(result, bytes | bytearray):
        buf += result
    else:
        result.write_to(buf)  # EncodeError naming the result's class
    if len(buf) - 12 >= GZIP_MIN_BYTES:
        raw = bytes(buf[12:])
        packed = gzip_pack(raw)
        if packed is not raw:
            del buf[12:]
            buf += packed
    return bytes(buf)
