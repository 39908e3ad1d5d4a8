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
    sheet.append(["scan.tif", "024089001234", dt.datetime(2021, 4, 8), "08/04/2022"])
    book.save(tmp_path / "manifest.xlsx")
    values = read_manifest(tmp_path).values_for("scan.tif")
    assert values == {"subject_id": "024089001234", "issued_date": dt.date(2021, 4, 8),
                      "valid_until": dt.date(2022, 4, 8)}


# -- identifiers (archive/identifiers.py, docs/identifiers.md) ------------------------------


def test_identifiers_typed_in_groups_are_stored_in_their_one_form(tmp_path):
    (tmp_path / "manifest.csv").write_text(
        "file,subject_id,subject_type,dossier_code\n"
        "a.pdf,001 085 012 345,citizen,000.00.12.h06-210408-0012\n"
        "b.pdf,001.085.012.345,,\n"
        "c.pdf,0101234567 - 001,organization,\n"
        "d.pdf,０１０１２３４５６７,,\n", encoding="utf-8")
    m = read_manifest(tmp_path)
    assert m.values_for("a.pdf")["subject_id"] == m.values_for("b.pdf")["subject_id"] == "001085012345"
    assert m.values_for("a.pdf")["dossier_code"] == "000.00.12.H06-210408-0012"
    assert m.values_for("c.pdf")["subject_id"] == "0101234567-001"
    assert m.values_for("d.pdf")["subject_id"] == "0101234567"
    assert m.errors == []


def test_document_numbers_are_kept_as_the_clerk_typed_them(tmp_path):
    """Only NFC and trimming: not the text normalizer's look-alike letters, tones or spaces."""
    numbers = ["123/QĐ-UBND", "45/2020/NĐ-CP", "123/QÐ-UBND", "45  / 2020/NĐ-CP", "12/SGDĐT-CTrTT"]
    rows = "".join(f"{i}.pdf,{unicodedata.normalize('NFD', n)} \n" for i, n in enumerate(numbers))
    (tmp_path / "manifest.csv").write_text("file,doc_number\n" + rows, encoding="utf-8")
    m = read_manifest(tmp_path)
    assert [m.values_for(f"{i}.pdf")["doc_number"] for i in range(len(numbers))] == numbers


def _xlsx(tmp_path, *rows, formats: dict[str, str] | None = None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["file", "subject_id", "subject_name", "subject_type", "doc_number"])
    for row in rows:
        sheet.append(row)
    for cell, shown in (formats or {}).items():
        sheet[cell].number_format = shown
    book.save(tmp_path / "manifest.xlsx")
    return read_manifest(tmp_path)


def test_a_numeric_xlsx_cell_in_an_identifier_column_is_reported_not_stored(tmp_path):
    """Excel keeps 001085012345 typed in a General cell as the number 1085012345: ten digits,
    the shape of an enterprise code. The cell is left out and reported by row and column
    (not by value); the rest of the row is kept."""
    m = _xlsx(tmp_path, ["a.pdf", 1085012345, "Nguyễn Văn An", "citizen", "45/GP-UBND"],
              ["b.pdf", 24089001234, "Trần Thị Bình", None, None],
              ["c.pdf", 101234567, "Công ty TNHH Minh Phát", "organization", 123])
    assert m.values_for("a.pdf") == {"subject_name": "Nguyễn Văn An", "subject_type": "citizen",
                                     "doc_number": "45/GP-UBND"}
    assert m.values_for("b.pdf") == {"subject_name": "Trần Thị Bình"}
    assert set(m.values_for("c.pdf")) == {"subject_name", "subject_type"}
    errors = dict(m.errors)
    assert set(errors) == {2, 3, 4}
    assert all("'subject_id'" in errors[row] and "Văn bản (Text)" in errors[row] for row in (2, 3))
    assert "'doc_number'" in m.errors[-1][1]
    assert not any(n in reason for _, reason in m.errors for n in ("1085012345", "24089001234", "101234567"))


def test_a_numeric_cell_shown_with_zeros_is_what_the_clerk_saw(tmp_path):
    """A column formatted '000000000000' shows 001085012345: those are the digits checked."""
    m = _xlsx(tmp_path, ["a.pdf", 1085012345, "Nguyễn Văn An", "citizen", None],
              ["b.pdf", "001085012345", "Lê Văn Cường", None, None], formats={"B2": "000000000000"})
    assert m.values_for("a.pdf")["subject_id"] == m.values_for("b.pdf")["subject_id"] == "001085012345"
    assert m.errors == []


@pytest.mark.parametrize("shown", ["0", "General"])
def test_a_number_format_that_pads_nothing_does_not_vouch_for_the_digits(tmp_path, shown):
    """'0' ("Number, no decimals") is how clerks stop 1.08501E+11: it shows 1085012345, a
    CCCD that lost two zeros, which was stored as an enterprise code."""
    m = _xlsx(tmp_path, ["a.pdf", 1085012345, "Nguyễn Văn An", None, None], formats={"B2": shown})
    assert "subject_id" not in m.values_for("a.pdf")
    assert [row for row, reason in m.errors] == [2]


def test_a_citizens_number_cut_by_excel_in_a_csv_is_reported(tmp_path):
    """Saved as CSV, the number is text already: ten digits for a citizen cannot be a CCCD."""
    (tmp_path / "manifest.csv").write_text("file,subject_id,subject_type,subject_name\n"
                                           "a.pdf,1085012345,citizen,An\n", encoding="utf-8")
    m = read_manifest(tmp_path)
    assert m.values_for("a.pdf") == {"subject_type": "citizen", "subject_name": "An"}
    assert [(row, "'subject_id'" in reason and "CCCD" in reason) for row, reason in m.errors] == [(2, True)]


def test_manifest_without_file_column_is_refused_clearly(tmp_path):
    (tmp_path / "manifest.csv").write_text("ten,ngay\nA,B\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="'file'"):
        read_manifest(tmp_path)
