"""Byte-exact vectors: the req_pq_multi and resPQ packets of the published auth-key example
(docs/test-vectors.md §1, core.telegram.org/mtproto/samples-auth_key)."""

from __future__ import annotations

from tgfleet.mtproto.plain import pack_plain, unpack_plain
from tgfleet.tl import decode
from tgfleet.tl import mtproto as mt

REQ_PQ_MULTI = bytes.fromhex("0000000000000000D4720600503DC56514000000F18E7EBE406709F612FADFBEC3F0289D0AA67EEF")
RES_PQ = bytes.fromhex(
    "000000000000000001D83175503DC565A800000063241605406709F612FADFBE"
    "C3F0289D0AA67EEFE11DBC3BC97D91A26154F932AF01994308256595EDB77667"
    "9700000015C4B51C03000000A5B7F709355FC30B216BE86C022BB4C385FD64DE"
    "851D9DD0"
)
NONCE = bytes.fromhex("406709F612FADFBEC3F0289D0AA67EEF")


def test_req_pq_multi_decodes_and_reencodes() -> None:
    msg_id, body = unpack_plain(REQ_PQ_MULTI)
    assert msg_id == 0x65C53D50000672D4
    req = decode(body)
    assert req == mt.ReqPqMulti(nonce=NONCE)
    assert pack_plain(msg_id, req.to_bytes()) == REQ_PQ_MULTI


def test_res_pq_decodes_to_the_documented_fields_and_reencodes() -> None:
    # The published length field says 0xA8 but the body shown is 80 bytes (erratum noted in the spec).
    body = RES_PQ[20:]
    res = decode(body)
    assert isinstance(res, mt.ResPQ)
    assert res.nonce == NONCE
    assert res.server_nonce == bytes.fromhex("E11DBC3BC97D91A26154F932AF019943")
    assert int.from_bytes(res.pq, "big") == 2694724800268887959
    fingerprints = [f & 0xFFFFFFFFFFFFFFFF for f in res.server_public_key_fingerprints]
    assert fingerprints == [0x0BC35F3509F7B7A5, 0xC3B42B026CE86B21, 0xD09D1D85DE64FD85]
    assert res.to_bytes() == body
    assert mt.ReqPqMulti(nonce=NONCE).read_result(body) == res
