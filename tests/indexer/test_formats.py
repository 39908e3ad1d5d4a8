import io

import pytest
from PIL import Image

from indexer.errors import CorruptFile, EmptyFile, UnsupportedFile
from indexer.formats import sniff


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(buf, "JPEG")
    return buf.getvalue()


def test_a_jpeg_named_pdf_is_a_jpeg(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(_jpeg())
    assert sniff(path).mime == "image/jpeg"


def test_empty_file_is_reported_as_empty(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(EmptyFile, match="empty.pdf"):
        sniff(path)


def test_binary_junk_is_unsupported(tmp_path):
    path = tmp_path / "junk.doc"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnsupportedFile):
        sniff(path)


def test_broken_zip_is_corrupt(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    with pytest.raises(CorruptFile):
        sniff(path)
