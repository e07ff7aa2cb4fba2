"""Every constructor and function of both schemas round-trips: object -> bytes -> object, equal.

Values come from the schema itself (schema_values.py). Each combinator is checked with every flag set,
with none set, and with hypothesis-chosen mixes. The bytes are also walked by the independent
diagnostic decoder, which must agree on where the object ends. Functions also read their result.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.tl.schema_values import obj, schema, serialize, value
from tgfleet.tl import decode
from tgfleet.tl.core.diagnose import _Walker
from tools.tlgen.parser import Combinator

COMBINATORS = schema().all


def check_roundtrip(c: Combinator, o: Any) -> None:
    data = o.to_bytes()
    assert data[:4] == c.id.to_bytes(4, "little")
    if (c.source, c.name) in schema().bare_used and c.explicit_id is None:
        back = type(o)._read(__import__("tgfleet.tl.core", fromlist=["Reader"]).Reader(data, 4))
    else:
        back = decode(data)
    assert back == o, f"{c.name}: {back!r} != {o!r}"
    assert back.to_bytes() == data
    walker = _Walker(data)
    walker.object(None)
    assert walker.pos == len(data)


def _chunks(items: list[Combinator], size: int = 400) -> list[list[Combinator]]:
    # Hypothesis chains one settings object per parametrized case (pytest plugin); chunks keep that chain
    # far from the recursion limit.
    return [items[i : i + size] for i in range(0, len(items), size)]


# One example per combinator (three objects: every flag set, none, a hypothesis mix) keeps the full-schema
# sweep to about a minute; TGFLEET_TL_EXAMPLES raises it for a deeper run.
_FAST = settings(
    max_examples=int(os.environ.get("TGFLEET_TL_EXAMPLES", "1")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
)


def _roundtrip_test(chunk: list[Combinator]) -> Any:
    @pytest.mark.parametrize("c", chunk, ids=[f"{c.source}:{c.name}" for c in chunk])
    @_FAST
    @given(data=st.data())
    def test(c: Combinator, data: st.DataObject) -> None:
        for flags in ("all", "none", "any"):
            check_roundtrip(c, data.draw(obj(c, flags=flags), label=flags))

    return test


for _i, _chunk in enumerate(_chunks(COMBINATORS)):
    globals()[f"test_roundtrip_{_i}"] = _roundtrip_test(_chunk)


FUNCTIONS = [c for c in COMBINATORS if c.is_function and c.result.kind != "object"]


def _result_test(chunk: list[Combinator]) -> Any:
    @pytest.mark.parametrize("c", chunk, ids=[f"{c.source}:{c.name}" for c in chunk])
    @_FAST
    @given(data=st.data())
    def test(c: Combinator, data: st.DataObject) -> None:
        fn = data.draw(obj(c, flags="none"))
        result = data.draw(value(c.source, c.result))
        assert fn.read_result(serialize(c.source, c.result, result)) == result

    return test


for _i, _chunk in enumerate(_chunks(FUNCTIONS)):
    globals()[f"test_function_reads_its_result_{_i}"] = _result_test(_chunk)


def test_generic_wrappers_read_the_inner_result() -> None:
    from tgfleet.tl import functions, types

    inner = functions.users.GetUsers(id=[types.InputUserSelf()])
    call = functions.InvokeWithLayer(
        layer=229,
        query=functions.InitConnection(
            api_id=1,
            device_model="d",
            system_version="s",
            app_version="a",
            system_lang_code="en",
            lang_pack="",
            lang_code="en",
            query=inner,
        ),
    )
    user = types.User(id=7, first_name="A")
    assert call.read_result(serialize("api", schema().by_name[("api", "users.getUsers")].result, [user])) == [user]
    assert decode(call.to_bytes()) == call


def test_every_schema_id_is_registered() -> None:
    from tgfleet.tl.core.registry import lookup

    for c in COMBINATORS:
        assert c.name == lookup(c.id).QUALNAME
