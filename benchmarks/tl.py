"""TL layer: tgfleet vs Telethon vs Pyrogram (Kurigram), all three on layer 229.

1. Cold import time, in fresh interpreters (bytecode caches warm for all three).
2. Resident memory after the same imports, minus a bare interpreter's.
3. Serialize / deserialize operations per second of the same objects, built with each library's own TL
   classes; the three serializations are checked byte-for-byte equal before anything is timed.

Run: ``.venv/bin/python benchmarks/tl.py [--quick] [--json out.json] [--profile]``
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import timeit
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import _common as c

LIBS = ("tgfleet", "Telethon", "Pyrogram")
PEERS = LIBS[1:]

# -- 1 + 2: imports -------------------------------------------------------------------------------------------------
_TL = {
    "tgfleet": ("import tgfleet\nfrom tgfleet.tl import types, functions\nimport tgfleet.tl.functions.messages"),
    "Telethon": "import telethon\nfrom telethon.tl import types, functions\nimport telethon.tl.functions.messages",
    "Pyrogram": "import pyrogram\nfrom pyrogram.raw import types, functions\nimport pyrogram.raw.functions.messages",
}
_ERRORS = {
    "tgfleet": "import tgfleet.errors\nimport tgfleet.errors._gen",
    "Telethon": "import telethon.errors",
    "Pyrogram": "import pyrogram.errors",
}
IMPORT_ROWS: dict[str, dict[str, str]] = {
    "import <library>": {"tgfleet": "import tgfleet", "Telethon": "import telethon", "Pyrogram": "import pyrogram"},
    "+ TL types & functions ready": _TL,
    "+ RPC error classes ready": {lib: f"{_TL[lib]}\n{_ERRORS[lib]}" for lib in LIBS},
}
BARE = "pass"

# What a peer's plain ``import`` already loads (checked, so the three rows are the same work for the peers).
_PEER_PRELOADED = {
    "Telethon": ("import telethon", ["telethon.tl.alltlobjects", "telethon.tl.types", "telethon.errors.rpcerrorlist"]),
    "Pyrogram": ("import pyrogram", ["pyrogram.raw.all", "pyrogram.raw.types", "pyrogram.errors.exceptions.all"]),
}


def check_peer_imports() -> dict[str, bool]:
    out = {}
    for lib, (code, modules) in _PEER_PRELOADED.items():
        found = c.run_python(f"import sys\n{code}\nprint(all(m in sys.modules for m in {modules!r}))").strip()
        out[lib] = found == "True"
    return out


def warm_bytecode() -> dict[str, int]:
    """Compile tgfleet's tree (this environment may disable writing bytecode) and count the peers' gaps."""
    c.compile_tree(c.SRC / "tgfleet")
    return {lib: len(c.missing_bytecode(pkg)) for lib, pkg in (("Telethon", "telethon"), ("Pyrogram", "pyrogram"))}


def measure_imports(runs: int) -> tuple[dict[str, dict[str, list[float]]], dict[str, dict[str, list[float]]]]:
    """Seconds and RSS-above-bare (bytes) of every import row, per library."""
    snippets: dict[tuple[str, str], str] = {("bare", "-"): BARE}
    for row, codes in IMPORT_ROWS.items():
        for lib in LIBS:
            snippets[(row, lib)] = codes[lib]
    samples = c.sample_fresh(snippets, runs)
    bare_rss = c.median(s["rss"] for s in samples[("bare", "-")])
    seconds = {row: {lib: [s["seconds"] for s in samples[(row, lib)]] for lib in LIBS} for row in IMPORT_ROWS}
    rss = {row: {lib: [s["rss"] - bare_rss for s in samples[(row, lib)]] for lib in LIBS} for row in IMPORT_ROWS}
    return seconds, rss


# -- 3: serialization -----------------------------------------------------------------------------------------------
@dataclass
class Lib:
    """One library's TL classes and its own serialize / deserialize expressions (``obj`` / ``data``)."""

    name: str
    types: Any
    function_class: Callable[[str, str], Any]
    serialize_expr: str
    deserialize_expr: str
    env: dict[str, Any] = field(default_factory=dict)

    def t(self, name: str, **kw: Any) -> Any:
        return getattr(self.types, name)(**kw)

    def fn(self, namespace: str, name: str, **kw: Any) -> Any:
        return self.function_class(namespace, name)(**kw)

    def serialize(self, obj: Any) -> bytes:
        return bytes(eval(self.serialize_expr, self.env, {"obj": obj}))

    def deserialize(self, data: bytes) -> Any:
        return eval(self.deserialize_expr, self.env, {"data": data})

    def timer(self, expr: str, **names: Any) -> timeit.Timer:
        return timeit.Timer(expr, globals={**self.env, **names})


def load_libs() -> dict[str, Lib]:
    import importlib

    import pyrogram.raw
    import telethon.tl.functions
    import telethon.tl.types
    from pyrogram.raw.core import TLObject as PyroTLObject
    from telethon.extensions import BinaryReader

    import tgfleet.tl
    from tgfleet.tl import types as tgtypes

    def tgfleet_fn(ns: str, name: str) -> Any:
        return getattr(importlib.import_module(f"tgfleet.tl.functions.{ns}"), name)

    return {
        "tgfleet": Lib("tgfleet", tgtypes, tgfleet_fn, "obj.to_bytes()", "decode(data)", {"decode": tgfleet.tl.decode}),
        "Telethon": Lib(
            "Telethon",
            telethon.tl.types,
            lambda ns, name: getattr(getattr(telethon.tl.functions, ns), name + "Request"),
            "bytes(obj)",
            "BinaryReader(data).tgread_object()",
            {"BinaryReader": BinaryReader},
        ),
        "Pyrogram": Lib(
            "Pyrogram",
            pyrogram.raw.types,
            lambda ns, name: getattr(getattr(pyrogram.raw.functions, ns), name),
            "obj.write()",
            "read(BytesIO(data))",
            {"read": PyroTLObject.read, "BytesIO": io.BytesIO},
        ),
    }


TEXT = "Hello @alice, check https://example.com/docs for the release notes and read the changelog here today!"
CHAT_ID = 4_012_345_678
DATE = 1_760_000_000


def entities(lib: Lib) -> list[Any]:
    return [
        lib.t("MessageEntityBold", offset=0, length=5),
        lib.t("MessageEntityMention", offset=6, length=6),
        lib.t("MessageEntityUrl", offset=20, length=24),
        lib.t("MessageEntityTextUrl", offset=80, length=9, url="https://example.com/changelog"),
    ]


def user(lib: Lib, uid: int = 777_000_123) -> Any:
    return lib.t(
        "User",
        id=uid,
        contact=True,
        access_hash=-8_212_345_678_901_234_567,
        first_name="Alice",
        last_name="Liddell",
        username=f"alice_{uid % 1000}",
        phone="447700900123",
        photo=lib.t("UserProfilePhoto", photo_id=5_123_456_789_012_345_678, stripped_thumb=bytes(range(40)), dc_id=2),
        status=lib.t("UserStatusOnline", expires=DATE + 300),
        lang_code="en",
    )


def message(lib: Lib, mid: int = 4242) -> Any:
    return lib.t(
        "Message",
        id=mid,
        out=True,
        from_id=lib.t("PeerUser", user_id=777_000_123),
        peer_id=lib.t("PeerChat", chat_id=CHAT_ID),
        reply_to=lib.t("MessageReplyHeader", reply_to_msg_id=mid - 1),
        date=DATE + mid,
        message=TEXT,
        entities=entities(lib),
    )


def send_message(lib: Lib) -> Any:
    return lib.fn(
        "messages",
        "SendMessage",
        no_webpage=True,
        peer=lib.t("InputPeerUser", user_id=777_000_123, access_hash=-8_212_345_678_901_234_567),
        message=TEXT,
        random_id=-6_917_529_027_641_081_856,
        entities=entities(lib),
    )


def updates(lib: Lib) -> Any:
    return lib.t(
        "Updates",
        updates=[
            lib.t("UpdateNewMessage", message=message(lib, 5000 + i), pts=90_000 + i, pts_count=1) for i in range(5)
        ],
        users=[user(lib, 777_000_123 + i) for i in range(3)],
        chats=[
            lib.t(
                "Chat",
                id=CHAT_ID,
                title="Release team",
                photo=lib.t("ChatPhotoEmpty"),
                participants_count=12,
                date=DATE - 86_400,
                version=3,
            )
        ],
        date=DATE + 6000,
        seq=17,
    )


CASES: dict[str, Callable[[Lib], Any]] = {
    "User": user,
    "Message (4 entities, reply)": message,
    "messages.sendMessage": send_message,
    "Updates (5 new messages, 3 users, 1 chat)": updates,
}


def _first_difference(a: bytes, b: bytes) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def build_and_check(libs: dict[str, Lib]) -> tuple[dict[str, dict[str, Any]], dict[str, bytes]]:
    """Each case's object in every library, after proving the three serializations are identical and that
    each library reads the bytes back into an object that serializes to the same bytes again."""
    objects: dict[str, dict[str, Any]] = {}
    payloads: dict[str, bytes] = {}
    for case, build in CASES.items():
        objects[case] = {name: build(lib) for name, lib in libs.items()}
        reference = libs["tgfleet"].serialize(objects[case]["tgfleet"])
        for name, lib in libs.items():
            data = lib.serialize(objects[case][name])
            if data != reference:
                at = _first_difference(data, reference)
                raise AssertionError(f"{case}: {name} serializes differently from tgfleet at byte {at}")
            again = lib.serialize(lib.deserialize(data))
            if again != reference:
                raise AssertionError(f"{case}: {name} does not round-trip its own bytes")
        payloads[case] = reference
    return objects, payloads


def measure_tl(
    libs: dict[str, Lib], objects: dict[str, dict[str, Any]], payloads: dict[str, bytes], repeats: int, min_time: float
) -> dict[str, dict[str, dict[str, list[float]]]]:
    """ops/s samples: ``[case][op][lib]``."""
    out: dict[str, dict[str, dict[str, list[float]]]] = {}
    for case in CASES:
        print(f"  timing {case} ...", file=sys.stderr)
        ser = {n: lib.timer(lib.serialize_expr, obj=objects[case][n]) for n, lib in libs.items()}
        de = {n: lib.timer(lib.deserialize_expr, data=payloads[case]) for n, lib in libs.items()}
        out[case] = {
            "serialize": c.ops_per_second(ser, repeats=repeats, min_time=min_time),
            "deserialize": c.ops_per_second(de, repeats=repeats, min_time=min_time),
        }
    return out


def profile_tgfleet(libs: dict[str, Lib], objects: dict[str, dict[str, Any]], payloads: dict[str, bytes]) -> str:
    """cProfile of tgfleet's serialize and deserialize loops (top functions by own time)."""
    lib = libs["tgfleet"]
    report = io.StringIO()
    for case in CASES:
        for op, expr, names in (
            ("serialize", lib.serialize_expr, {"obj": objects[case]["tgfleet"]}),
            ("deserialize", lib.deserialize_expr, {"data": payloads[case]}),
        ):
            prof = cProfile.Profile()
            prof.runctx(f"for _ in range(20000):\n    {expr}", {**lib.env, **names}, {})
            print(f"\n### tgfleet {op}: {case}\n", file=report)
            pstats.Stats(prof, stream=report).sort_stats("tottime").print_stats(8)
    return report.getvalue()


# -- main -----------------------------------------------------------------------------------------------------------
def main() -> int:
    args = c.parse_args(
        __doc__.splitlines()[0],
        extra=lambda p: p.add_argument(
            "--profile", action="store_true", help="also print a cProfile of tgfleet's TL loops"
        ),
    )
    runs, repeats, min_time = (3, 3, 0.05) if args.quick else (7, 7, 0.2)

    print("warming bytecode caches ...", file=sys.stderr)
    missing = warm_bytecode()
    preloaded = check_peer_imports()
    print(f"importing in {runs} rounds of fresh interpreters (+1 warm-up) ...", file=sys.stderr)
    seconds, rss = measure_imports(runs)

    print("building objects and checking byte-for-byte equality ...", file=sys.stderr)
    libs = load_libs()
    objects, payloads = build_and_check(libs)
    rates = measure_tl(libs, objects, payloads, repeats, min_time)

    header = ["", *LIBS, "tgfleet vs best peer"]
    print(f"# TL layer benchmark (layer 229; Python {sys.version.split()[0]})\n")
    print(c.NOISE_NOTE)
    print(
        f"Imports: median of {runs} fresh interpreters each, after one warm-up round; bytecode caches warm for all"
        f" (tgfleet compiled with compileall; peer modules without a current .pyc before warm-up: {missing})."
    )
    print(
        "Peers load all their TL classes and errors on a plain import (checked: "
        + ", ".join(f"{lib}={ok}" for lib, ok in preloaded.items())
        + "), so their three rows measure the same work.\n"
    )

    print("## Cold import time (lower is better; ratio = best peer / tgfleet)\n")
    rows = []
    for row, per_lib in seconds.items():
        med = {lib: c.median(v) for lib, v in per_lib.items()}
        adv = c.advantage(med["tgfleet"], [med[p] for p in PEERS], higher_is_better=False)
        rows.append([row, *(c.fmt_seconds(med[lib]) for lib in LIBS), c.fmt_ratio(adv)])
    print(c.table(header, rows))

    print("\n## Resident memory above a bare interpreter (lower is better; ratio = best peer / tgfleet)\n")
    rows = []
    for row, per_lib in rss.items():
        med = {lib: c.median(v) for lib, v in per_lib.items()}
        adv = c.advantage(med["tgfleet"], [med[p] for p in PEERS], higher_is_better=False)
        rows.append([row, *(c.fmt_bytes(med[lib]) for lib in LIBS), c.fmt_ratio(adv)])
    print(c.table(header, rows))

    print(
        f"\n## Serialize / deserialize (ops/s, higher is better; ratio = tgfleet / best peer)\n\n"
        f"Median of {repeats} samples of ~{min_time:g} s each, interleaved; gc off inside samples (timeit)."
        " Serializations verified byte-identical across the three libraries before timing.\n"
    )
    rows = []
    for case, ops in rates.items():
        for op, per_lib in ops.items():
            med = {lib: c.median(v) for lib, v in per_lib.items()}
            adv = c.advantage(med["tgfleet"], [med[p] for p in PEERS], higher_is_better=True)
            label = f"{case} [{len(payloads[case])} B] {op}"
            rows.append([label, *(c.fmt_rate(med[lib]) for lib in LIBS), c.fmt_ratio(adv)])
    print(c.table(header, rows))

    goals = goal_checks(seconds, rates)
    print("\n## Goals\n")
    for text, ok in goals.items():
        print(f"- [{'x' if ok else ' '}] {text}")

    if args.profile:
        print("\n## Profile of tgfleet loops (cProfile, 20000 iterations, top by own time)")
        print(profile_tgfleet(libs, objects, payloads))

    if args.json:
        c.write_json(
            args.json,
            {
                "benchmark": "tl",
                "settings": {"import_runs": runs, "repeats": repeats, "min_time_s": min_time},
                "bytecode_missing_before_warmup": missing,
                "peer_import_preloads_tl_and_errors": preloaded,
                "import_seconds": seconds,
                "import_rss_bytes": rss,
                "payload_bytes": {case: len(b) for case, b in payloads.items()},
                "ops_per_second": rates,
                "medians": {
                    "import_seconds": {r: {lib: c.median(v) for lib, v in d.items()} for r, d in seconds.items()},
                    "import_rss_bytes": {r: {lib: c.median(v) for lib, v in d.items()} for r, d in rss.items()},
                    "ops_per_second": {
                        case: {op: {lib: c.median(v) for lib, v in d.items()} for op, d in ops.items()}
                        for case, ops in rates.items()
                    },
                },
                "goals": goals,
            },
        )
    return 0


def goal_checks(
    seconds: dict[str, dict[str, list[float]]], rates: dict[str, dict[str, dict[str, list[float]]]]
) -> dict[str, bool]:
    goals = {}
    for row, per_lib in seconds.items():
        med = {lib: c.median(v) for lib, v in per_lib.items()}
        goals[f"import at least 3x faster than both peers: {row}"] = all(med[p] >= 3 * med["tgfleet"] for p in PEERS)
    for op in ("serialize", "deserialize"):
        goals[f"{op} at least as fast as the faster peer, every case"] = all(
            c.median(ops[op]["tgfleet"]) >= max(c.median(ops[op][p]) for p in PEERS) for ops in rates.values()
        )
    return goals


if __name__ == "__main__":
    sys.exit(main())
