"""Media a message carries: photos, files of every kind, places, contacts, polls, dice, link previews.

One module per type, each built lazily from its TL object. May import ``tgfleet.types.object``,
``convert``, ``file_ids``, ``tgfleet.enums`` and ``tgfleet.tl``.
"""
