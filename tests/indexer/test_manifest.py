import datetime as dt
import unicodedata

import openpyxl
import pytest

from indexer.errors import ManifestError
from indexer.manifest import read_manifest

TONES = "\u0300\u0301\u0303\u0309\u0323"
HEADER = "file,subject_name,issued_date,doc_number,status\n"


def _windows_1258(text: str) -> bytes:
    """As Excel on a Vietnamese Windows saves it: base letters precomposed (ê, ơ, ư…),
    tone marks as separate combining characters."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and ch not in TONES and out:
            out[-1] = unicodedata.normalize("NFC", out[-1] + ch)
        else:
            out.append(ch)
    return "".join(out).encode("cp1258")


def test_windows_1258_manifest_is_converted_with_a_notice(tmp_path):
    text = HEADER + "a.pdf,Nguyễn Thị Hoà,08/04/2021,45/GP-UBND,revoked\n"
    (tmp_path / "manifest.csv").write_bytes(_windows_1258(text))
    m = read_manifest(tmp_path)
    values = m.values_for("a.pdf")
    assert values["subject_name"] == "Nguyễn Thị Hòa"
    assert values["issued_date"] == dt.date(2021, 4, 8)
    assert any("1258" in reason for _, reason in m.errors)


def test_bad_rows_are_reported_with_row_number_and_the_rest_kept(tmp_path):
    (tmp_path / "manifest.csv").write_text(
        HEADER + "a.pdf,An,2021-04-08,1/QĐ,\n,Bình,,,\nc.pdf,Chi,31/02/2021,,\nd.pdf,Dũng,,,unknown\n",
        encoding="utf-8")
    m = read_manifest(tmp_path)
    assert set(m.rows) == {"a.pdf"}
    errors = dict(m.errors)
    assert "file" in errors[3]
    assert "issued_date" in errors[4] and "31/02/2021" in errors[4]
    assert "status" in errors[5]


def test_xlsx_manifest_with_real_dates(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["file", "subject_id", "issued_date", "valid_until"])
    sheet.append(["scan.tif", 24089001234, dt.datetime(2021, 4, 8), "08/04/2022"])
    book.save(tmp_path / "manifest.xlsx")
    values = read_manifest(tmp_path).values_for("scan.tif")
    assert values == {"subject_id": "24089001234", "issued_date": dt.date(2021, 4, 8),
                      "valid_until": dt.date(2022, 4, 8)}


def test_manifest_without_file_column_is_refused_clearly(tmp_path):
    (tmp_path / "manifest.csv").write_text("ten,ngay\nA,B\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="'file'"):
        read_manifest(tmp_path)
