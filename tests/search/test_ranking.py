"""What ranks a record first: its text answering the query, never a metadata field that
happens to share a word with it (issue #16), against the real OpenSearch."""

from __future__ import annotations

import csv

import pytest

from indexer.pipeline import Ingestor
from search.index import find
from search.query import SearchRequest

pytestmark = [pytest.mark.opensearch, pytest.mark.tika]

LETTERHEAD = ("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\nSố: {number}\n"
              "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
              "Hà Nội, ngày 10 tháng 01 năm 2025\nTHÔNG TƯ\n")

DOCS = {
    # The answer: its articles say what the benefit is.
    "tro_cap.txt": LETTERHEAD.format(number="15/2024/TT-BLĐTBXH") + (
        "Hướng dẫn thực hiện một số điều của Luật Việc làm về bảo hiểm thất nghiệp\n"
        "Căn cứ Luật Việc làm ngày 16 tháng 11 năm 2013;\n"
        "Điều 1. Phạm vi điều chỉnh\n"
        "Thông tư này hướng dẫn chế độ bảo hiểm thất nghiệp đối với người lao động.\n"
        "Điều 2. Mức hưởng trợ cấp thất nghiệp\n"
        "Mức hưởng trợ cấp thất nghiệp hằng tháng bằng 60% mức bình quân tiền lương tháng "
        "đóng bảo hiểm thất nghiệp của 06 tháng liền kề trước khi thất nghiệp.\n"
        "Điều 3. Hiệu lực thi hành\nThông tư này có hiệu lực từ ngày 01 tháng 3 năm 2025.\n"),
    # About something else, ending with the heading of an annex form, which the extractor
    # (or a careless manifest) made its result_type.
    "hoc_phi.txt": LETTERHEAD.format(number="16/2024/TT-BLĐTBXH") + (
        "Quy định học phí của cơ sở giáo dục nghề nghiệp công lập\n"
        "Điều 1. Học phí trình độ trung cấp và cao đẳng được thu theo tháng.\n"
        "Điều 2. Miễn, giảm học phí cho học sinh, sinh viên thuộc hộ nghèo.\n"
        "Điều 3. Thông tư này có hiệu lực từ ngày 01 tháng 3 năm 2025.\n"
        "Phụ lục\nMẪU TỜ KHAI ĐỀ NGHỊ HƯỞNG TRỢ CẤP THẤT NGHIỆP\n"),
    # The answer to the second question.
    "noi_tru.txt": LETTERHEAD.format(number="17/2024/TT-BLĐTBXH") + (
        "Quy định chính sách hỗ trợ học sinh trường phổ thông nội trú\n"
        "Điều 1. Học sinh trường phổ thông dân tộc nội trú được hỗ trợ tiền ăn hằng tháng "
        "bằng 40% mức lương cơ sở và được cấp học bổng chính sách.\n"
        "Điều 2. Trường phổ thông nội trú lập danh sách học sinh được hỗ trợ.\n"),
    # Shares with the second question only words of its (manifest) metadata, one each.
    "quy_che.txt": LETTERHEAD.format(number="18/2024/TT-BLĐTBXH") + (
        "Ban hành quy chế làm việc của cơ quan\n"
        "Điều 1. Cán bộ, công chức làm việc theo chương trình công tác được phê duyệt.\n"
        "Điều 2. Văn phòng theo dõi, đôn đốc thực hiện quy chế này.\n"),
    "an_toan.txt": LETTERHEAD.format(number="19/2024/TT-BLĐTBXH") + (
        "Quy trình kiểm định kỹ thuật an toàn thang máy\n"
        "Điều 1. Thang máy phải được kiểm định lần đầu trước khi đưa vào sử dụng.\n"
        "Điều 2. Chu kỳ kiểm định định kỳ không quá 03 năm.\n"),
    # Says only the abbreviation of what a query may spell out.
    "bep_an.txt": LETTERHEAD.format(number="20/2024/TT-BLĐTBXH") + (
        "Hướng dẫn bếp ăn tập thể\n"
        "Điều 1. Bếp ăn tập thể phải có giấy chứng nhận đủ điều kiện ATTP.\n"),
}
MANIFEST = [
    {"file": "hoc_phi.txt", "result_type": "Mẫu tờ khai đề nghị hưởng trợ cấp thất nghiệp"},
    {"file": "quy_che.txt", "result_type": "Chính sách", "issuing_agency": "Trường học",
     "field": "Hỗ trợ", "summary": "Học sinh", "procedure_name": "Nội trú"},
]


@pytest.fixture(scope="module")
def files(tmp_path_factory, settings, record_index):
    """Record id -> file name."""
    folder = tmp_path_factory.mktemp("ranking")
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["file", "result_type", "issuing_agency", "field", "summary",
                                               "procedure_name"])
        writer.writeheader()
        writer.writerows(MANIFEST)
    report = Ingestor(settings, record_index).ingest_dir(folder)
    assert not report.failed and not report.manifest_errors
    return {h.id: record_index.get(h.id).source_filename for h in find(record_index, SearchRequest(size=50)).hits}


def _ranked(index, files, q):
    return [files[h.id] for h in find(index, SearchRequest(q=q)).hits]


@pytest.mark.parametrize("q", ["mức hưởng trợ cấp thất nghiệp là bao nhiêu?",
                               "muc huong tro cap that nghiep la bao nhieu",
                               "trợ cấp thất nghiệp được hưởng bao nhiêu, đúng hay sai?"])
def test_a_junk_heading_never_outranks_the_text(record_index, files, q):
    ranked = _ranked(record_index, files, q)
    assert ranked[0] == "tro_cap.txt", ranked


@pytest.mark.parametrize("q", ["chính sách hỗ trợ học sinh trường phổ thông nội trú là gì",
                               "chinh sach ho tro hoc sinh noi tru"])
def test_words_found_only_in_metadata_do_not_lift_a_record_above_the_text(record_index, files, q):
    ranked = _ranked(record_index, files, q)
    assert ranked[0] == "noi_tru.txt", ranked
    assert "quy_che.txt" not in ranked[:2], ranked


def test_the_snippet_is_the_passage_that_answers(record_index, files):
    hits = find(record_index, SearchRequest(q="mức hưởng trợ cấp thất nghiệp hằng tháng")).hits
    snippet = next(h.snippet for h in hits if files[h.id] == "tro_cap.txt")
    assert "60%" in snippet and "<mark>thất</mark> <mark>nghiệp</mark>" in snippet, snippet
    assert "CỘNG HÒA" not in snippet, snippet



def test_a_record_with_part_of_an_abbreviated_run_is_still_found(record_index, files):
    """'an toàn thực phẩm' is what 'attp' stands for, and the BM25 core asks for the
    abbreviation beside the words, not instead of them: the pair 'an toàn' of a record about
    lifts is still a match (a plain BM25 match finds it)."""
    assert "an_toan.txt" in _ranked(record_index, files, "an toàn thực phẩm")
    assert "an_toan.txt" in _ranked(record_index, files, "an toan thuc pham")


def test_a_query_spelling_out_an_abbreviation_finds_the_record_that_abbreviates_it(record_index, files):
    """The core looks up 'attp' for 'an toàn thực phẩm' beside its words: the record that
    only abbreviates it is found, and first, however the query is typed."""
    assert _ranked(record_index, files, "an toàn thực phẩm bếp ăn")[:1] == ["bep_an.txt"]
    assert "bep_an.txt" in _ranked(record_index, files, "an toan thuc pham")
