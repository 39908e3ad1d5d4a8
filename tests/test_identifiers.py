"""One form per kind of identifier (archive/identifiers.py), and every place that takes one
from outside or asks for one using it: the text of a result, the query, a correction. The
manifest is in tests/indexer/test_manifest.py; the API and the citizen form,
end to end, in tests/web/test_api.py and tests/web/test_citizen.py."""

from __future__ import annotations

import json
import unicodedata

import pytest

from archive.corrections import correct, corrected
from archive.identifiers import (
    canonical_branch_code, canonical_cccd, canonical_cmnd, canonical_doc_number, canonical_dossier_code,
    canonical_enterprise_code, canonical_subject_id, canonical_subject_id_of, canonical_tax_code, doc_number_key,
    subject_ids_in,
)
from archive.bags import write_bag
from archive.layout import read_record
from archive.records import Record
from archive.reuse import ReuseEvent
from indexer.metadata.subject import subject_fields
from search.errors import InvalidQuery
from search.lookup import lookup_body, own_records_body
from search.query import SearchRequest, build_body

CCCD = "001085012345"

#: How clerks and citizens type one CCCD: grouped as printed on the card, with dots, dashes,
#: a no-break space, full-width digits (a Japanese/Chinese IME), spaces around it.
CCCD_AS_TYPED = ["001085012345", "001 085 012 345", "001.085.012.345", "001-085-012-345", "001\u00a0085\u00a0012\u00a0345",
                 "００１０８５０１２３４５", " 001085012345 ", "0010 8501 2345"]
#: A branch's code as printed (Decree 01/2021), as Word's autocorrect prints it, with spaces,
#: and as the tax systems keep it (13 digits in a row).
BRANCH_AS_TYPED = ["0101234567-001", "0101234567 - 001", "0101234567–001", "0101234567 — 001", "0101234567001",
                   "0101234567\u2011001"]


@pytest.mark.parametrize("typed", CCCD_AS_TYPED)
def test_a_cccd_typed_any_way_has_one_form(typed):
    assert canonical_cccd(typed) == canonical_subject_id(typed) == CCCD


@pytest.mark.parametrize("typed", BRANCH_AS_TYPED)
def test_a_branch_code_typed_any_way_has_one_form(typed):
    assert canonical_branch_code(typed) == canonical_tax_code(typed) == canonical_subject_id(typed) == "0101234567-001"


def test_each_kind_takes_its_own_shapes_only():
    assert canonical_cmnd("012 345 678") == "012345678" and canonical_cmnd(CCCD) == CCCD
    assert canonical_enterprise_code("0101.234.567") == canonical_tax_code("0101234567") == "0101234567"
    for kind, wrong in ((canonical_cccd, "012345678"), (canonical_cmnd, "0101234567"),
                        (canonical_enterprise_code, "0101234567-001"), (canonical_branch_code, "0101234567"),
                        (canonical_tax_code, CCCD)):
        with pytest.raises(InvalidQuery):
            kind(wrong)


@pytest.mark.parametrize("typed", ["", "   ", "12345", "00108501234", "0010850123456789", "001085012345a",
                                   "Nguyễn Văn An", "001/085/012/345", "45/2020/NĐ-CP", "1,085,012,345", "0" * 500])
def test_what_is_no_subject_id_is_refused_in_vietnamese_without_repeating_it(typed):
    with pytest.raises(InvalidQuery) as e:
        canonical_subject_id(typed)
    assert "CCCD" in e.value.message and "12 chữ số" in e.value.message
    assert not any(run in e.value.message for run in ("00108", "12345", "Nguyễn"))


def test_a_citizens_cccd_that_excel_cut_is_not_taken_for_an_enterprise_code():
    assert canonical_subject_id("1085012345") == "1085012345"  # alone, ten digits are an enterprise code
    for cut in ("1085012345", "24089001234"):
        with pytest.raises(InvalidQuery, match="số 0"):
            canonical_subject_id_of(cut, "citizen")
    assert canonical_subject_id_of("001 085 012 345", "citizen") == CCCD
    assert canonical_subject_id_of("0101234567 - 001", "organization") == "0101234567-001"


def test_dossier_codes_have_one_form():
    for typed in ("000.00.12.H06-210408-0012", " 000.00.12.h06-210408-0012 ", "000.00.12.H06 – 210408 – 0012",
                  "０００.００.１２.Ｈ０６-210408-0012"):
        assert canonical_dossier_code(typed) == "000.00.12.H06-210408-0012"
    for bad in ("x", "<script>", "000 00 12 H06 210408 0012 ?", ""):
        with pytest.raises(InvalidQuery, match="Mã hồ sơ"):
            canonical_dossier_code(bad)


def test_a_reuse_typed_in_lower_case_is_the_same_reuse():
    record = Record(id="ab" * 12)
    events = [ReuseEvent.of(record, code, "x") for code in ("000.00.12.H06-261121-0042", "000.00.12.h06-261121-0042 ")]
    assert events[0].dossier_code == events[1].dossier_code == "000.00.12.H06-261121-0042"
    assert events[0].key == events[1].key


# -- document numbers: never altered, compared by one key -----------------------------------

DOC_NUMBERS = ["123/QĐ-UBND", "45/2020/NĐ-CP", "12/2021/TT-BLĐTBXH", "01/2021/NĐ-CP", "BXG-00000281",
               "45/GP-UBND", "123/QÐ-UBND", "12/SGDĐT-CTrTT", "5-TB/TU", "0101234567-001", "45 / 2020 / NĐ-CP",
               "12/QĐ_UBND", "Số 07/HD"]


@pytest.mark.parametrize("number", DOC_NUMBERS)
def test_a_document_number_is_never_altered_beyond_nfc_and_trimming(number):
    assert canonical_doc_number(number) == number
    assert canonical_doc_number(f"  {unicodedata.normalize('NFD', number)}\t") == number


def test_document_numbers_written_differently_have_one_key():
    assert (doc_number_key("123/QĐ-UBND") == doc_number_key("123 qđ ubnd") == doc_number_key("123/qd-ubnd")
            == doc_number_key(" 123/QÐ-UBND. ") == "123 qd ubnd")
    assert doc_number_key("45/2020/NĐ-CP") != doc_number_key("45/2021/NĐ-CP")


@pytest.mark.opensearch
def test_the_document_number_key_is_the_one_the_index_compares_by(record_index):
    """doc_number_key() is the ``identifier`` normalizer of mappings/records.json in Python:
    asked of the real OpenSearch, both give every number the same key."""
    for number in DOC_NUMBERS + ["Quyết định 1.000/QĐ-TTg", "ｑđ–ＵＢＮＤ", "hoà/hòa"]:
        got = record_index.client.indices.analyze(index=record_index.alias,
                                                  body={"normalizer": "identifier", "text": number})
        assert doc_number_key(number) == " ".join(t["token"] for t in got["tokens"]), number


# -- the text of a result -------------------------------------------------------------------


@pytest.mark.parametrize("printed", BRANCH_AS_TYPED)
def test_a_branch_code_read_off_the_text_is_the_branchs_not_its_enterprises(printed):
    """'0101234567 – 001' used to be stored as 0101234567: the enterprise, not its branch."""
    assert subject_fields([f"Mã số chi nhánh: {printed}"])["subject_id"] == "0101234567-001"


def test_an_identifier_read_off_the_text_has_the_shape_its_label_promises():
    assert subject_fields(["Số CCCD: 001.085.012.345 cấp ngày 01/02/2021"])["subject_id"] == CCCD
    assert subject_fields(["Số CMND: 012345678. Ngày cấp: 01/02/2010"])["subject_id"] == "012345678"
    assert subject_fields(["CMND số 012345678-Ngày cấp 01/02/2010"])["subject_id"] == "012345678"
    assert subject_fields(["Mã số doanh nghiệp: 0101 234 567"])["subject_id"] == "0101234567"
    # A CCCD read with a digit too many is not a branch code; a branch without its suffix not its enterprise.
    assert "subject_id" not in subject_fields(["Số CCCD: 0010850123456"])
    assert "subject_id" not in subject_fields(["Mã số chi nhánh: 0101234567"])


# -- the query side ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", CCCD_AS_TYPED)
def test_lookups_ask_for_the_stored_form(typed):
    assert lookup_body(typed, None, None, 20)["query"]["bool"]["filter"][0] == {"term": {"subject_id": CCCD}}
    assert own_records_body(typed, "000.00.12.h06-210408-0012")["query"]["bool"]["filter"][0] == {
        "term": {"subject_id": CCCD}}
    assert own_records_body(typed, "000.00.12.h06-210408-0012")["query"]["bool"]["filter"][1] == {
        "term": {"dossier_code": "000.00.12.H06-210408-0012"}}


@pytest.mark.parametrize("q", ["001 085 012 345", "Nguyễn Văn An 001.085.012.345", "cccd 001085012345 năm 2021"])
def test_a_search_for_a_grouped_cccd_asks_for_the_stored_form(q):
    body = json.dumps(build_body(SearchRequest(q=q)), ensure_ascii=False)
    assert '{"terms": {"subject_id": ["001085012345"], "boost": 20}}' in body


def test_only_whole_numbers_of_one_grouping_are_taken_for_identifiers():
    assert subject_ids_in("ngày 01.02.2021 45/2020/NĐ-CP, lệ phí 100.000 đồng") == []
    assert subject_ids_in("0101234567 – 001 và 001 085 012 345") == ["0101234567-001", CCCD]


# -- corrections ---------------------------------------------------------------------------


def test_a_corrected_identifier_is_stored_in_its_one_form_or_refused():
    record = Record(id="cd" * 12, subject_id="012345678", doc_number="1/QĐ-UBND")
    fixed = corrected(record, {"subject_id": "001 085 012 345", "dossier_code": "000.00.12.h06 - 210408-0012",
                               "doc_number": " 45/2020/NĐ-CP "}, "canbo")
    assert (fixed.subject_id, fixed.dossier_code, fixed.doc_number) == (
        CCCD, "000.00.12.H06-210408-0012", "45/2020/NĐ-CP")
    assert fixed.pipeline["corrections"][-1]["fields"]["subject_id"] == {"before": "012345678", "after": CCCD}
    with pytest.raises(InvalidQuery, match="CCCD") as e:
        corrected(record, {"subject_id": "00108501234"}, "canbo")
    assert "00108501234" not in e.value.message


def test_a_value_sent_back_unchanged_is_no_correction_even_in_an_old_form():
    """The form posts every field: a subject id stored before it had one form is kept."""
    record = Record(id="ef" * 12, subject_id="001 085 012 345", signer="A")
    fixed = corrected(record, {"subject_id": "001 085 012 345", "signer": "Nguyễn Văn B"}, "canbo")
    assert fixed.subject_id == "001 085 012 345" and set(fixed.pipeline["corrections"][-1]["fields"]) == {"signer"}


@pytest.mark.opensearch
def test_a_correction_is_archived_and_indexed_in_the_form_lookups_ask_for(fresh_settings, fresh_index, tmp_path):
    from search.index import lookup

    fresh_index.ensure()
    original = tmp_path / "a.txt"
    original.write_text("Giấy xác nhận", encoding="utf-8")
    record = Record(id="0a" * 12, text="Giấy xác nhận", subject_type="citizen")
    write_bag(fresh_settings.archive_dir, record, original, None)
    correct(fresh_index, fresh_settings.archive_dir, record.id, {"subject_id": "001 085 012 345"}, "canbo")
    assert read_record(fresh_settings.archive_dir, record.id).subject_id == CCCD
    for typed in ("001085012345", "001.085.012.345"):
        assert [r.id for r in lookup(fresh_index, typed, status=None).records] == [record.id]
