"""``Leniency``: constructors a decoder takes where the schema expects another type, and ``LenientReader``, the
``Reader`` that applies it (``decode(data, leniency=...)``).

Telegram's servers read some parameters more loosely than the schema says: Pyrogram and Kurigram send
``inputPeerUser`` / ``inputPeerSelf`` where a method's parameter is an ``InputUser`` (``users.getUsers``,
``contacts.addContact``, ``contacts.deleteContacts``, ``inputPrivacyValueAllowUsers``), and Telegram answers them.
A server that models Telegram (the sandbox) decodes its requests with such a leniency; clients decode strictly.
The object read is what was sent (an ``InputPeerUser``), so the code that takes it accepts both forms.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tgfleet.tl.core.reader import Reader


class Leniency:
    """``extra``: TL type name (``"InputUser"``) -> the classes of other types accepted in its place."""

    def __init__(self, extra: Mapping[str, Iterable[type]]) -> None:
        from tgfleet.tl._gen.index import TYPE_IDS

        self.widen: dict[frozenset[int], frozenset[int]] = {}
        for name, classes in extra.items():
            strict = TYPE_IDS[name]
            self.widen[strict] = strict | {int(getattr(cls, "CONSTRUCTOR_ID")) for cls in classes}  # noqa: B009


class LenientReader(Reader):
    """A ``Reader`` whose typed reads also accept what its ``Leniency`` adds to a type."""

    __slots__ = ("_widen",)

    def __init__(self, data: bytes | bytearray | memoryview, leniency: Leniency, pos: int = 0) -> None:
        super().__init__(data, pos)
        self._widen = leniency.widen

    def read_typed(self, ids: frozenset[int]) -> object:
        return super().read_typed(self._widen.get(ids, ids))
