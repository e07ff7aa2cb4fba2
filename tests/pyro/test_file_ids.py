"""File ids read back: tgfleet's decoder against the ids Kurigram writes and the other way round, and hostile ones."""

from __future__ import annotations

import base64

import pytest

from tgfleet.types.file_ids import FileType, decode_file_id, document_file_id, photo_file_id

file_id = pytest.importorskip("pyrogram.file_id")


@pytest.mark.parametrize("reference", [b"", b"\x01\x00ref", bytes(range(256)) * 2])
def test_document_ids_agree_with_kurigram(reference: bytes) -> None:
    ours = document_file_id(FileType.VIDEO, 4, -123456789, 987654321, reference)
    theirs = file_id.FileId.decode(ours)
    assert (theirs.file_type, theirs.dc_id, theirs.media_id, theirs.access_hash) == (4, 4, -123456789, 987654321)
    assert theirs.file_reference == reference
    written = file_id.FileId(file_type=file_id.FileType.DOCUMENT, dc_id=2, media_id=5, access_hash=-6,
                             file_reference=reference).encode()  # fmt: skip
    read = decode_file_id(written)
    assert (read.file_type, read.dc_id, read.media_id, read.access_hash) == (FileType.DOCUMENT, 2, 5, -6)
    assert read.file_reference == reference and read.thumbnail_size == ""


def test_photo_ids_agree_with_kurigram() -> None:
    ours = photo_file_id(FileType.PHOTO, 1, 42, -7, b"r" * 300, "y")
    theirs = file_id.FileId.decode(ours)
    assert (theirs.media_id, theirs.access_hash, theirs.thumbnail_size) == (42, -7, "y")
    written = file_id.FileId(
        file_type=file_id.FileType.PHOTO, dc_id=3, media_id=8, access_hash=9, file_reference=b"x",
        thumbnail_source=file_id.ThumbnailSource.THUMBNAIL, thumbnail_file_type=file_id.FileType.PHOTO,
        thumbnail_size="m", volume_id=0, local_id=0,
    ).encode()  # fmt: skip
    read = decode_file_id(written)
    assert (read.file_type, read.dc_id, read.media_id, read.thumbnail_size) == (FileType.PHOTO, 3, 8, "m")


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "!!!",
        "A" * 2000,
        base64.urlsafe_b64encode(b"\x00").decode(),
        document_file_id(FileType.DOCUMENT, 1, 1, 1, b"ref")[:20],
        base64.urlsafe_b64encode(b"\xff\xff\xff\x00\x02\x00\x1e\x04").decode(),
    ],
)
def test_hostile_file_ids_raise_value_error(bad: str) -> None:
    with pytest.raises(ValueError):
        decode_file_id(bad)
