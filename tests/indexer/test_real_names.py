"""Real names of Vietnam's peoples survive a scan: OCR'd, extracted, archived and indexed
exactly as printed, and a name that looks misread is put on the review list, not changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.pipeline import Ingestor
from search.index import quality_backlog
from search.quality import _reasons
from tracuu.sample.kinds import Layout
from tracuu.sample.render import plan, rasterize, save_scan

#: Each was once rewritten into another real name by a "repair" of OCR output.
NAMES = ["Hoàng Văn Thụ", "Vừ A Dính", "Giàng A Chứ", "Lò Văn Kìm", "Ksor Y Phun"]


def _scan(name: str, number: int, path: Path) -> None:
    layout = Layout(
        agency=["ỦY BAN NHÂN DÂN HUYỆN MƯỜNG NHÉ", "ỦY BAN NHÂN DÂN XÃ SEN THƯỢNG"],
        number=f"Số: {number}/XNTTHN", date_line="Sen Thượng, ngày 12 tháng 5 năm 2024",
        title=["GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN"],
        body=[f"Họ, chữ đệm, tên người được cấp: {name}",
              "Nơi cư trú: Bản Nậm Pồ, xã Sen Thượng, huyện Mường Nhé, tỉnh Điện Biên",
              "Tình trạng hôn nhân: Hiện tại chưa kết hôn với ai"],
        signature=["CHỦ TỊCH", "(Đã ký)", name])
    save_scan(rasterize(plan(layout), 300), path, "png", 300)


@pytest.fixture(scope="module")
def ingested(settings, tmp_path_factory):
    folder = tmp_path_factory.mktemp("names")
    for i, name in enumerate(NAMES, start=1):
        _scan(name, i, folder / f"{i}.png")
    from search.index import RecordIndex

    index = RecordIndex.from_settings(settings)
    report = Ingestor(settings, index).ingest_dir(folder)
    assert len(report.ingested) == len(NAMES), report.failed
    return index


@pytest.mark.parametrize("name", NAMES)
def test_a_name_survives_ingest_of_a_scan_unchanged(ingested, name):
    hits = ingested.search({"query": {"match_all": {}}, "size": 20})["hits"]["hits"]
    by_number = {h["_source"].get("doc_number"): h["_source"] for h in hits}
    record = by_number[f"{NAMES.index(name) + 1}/XNTTHN"]
    assert (record["subject_name"], record["signer"]) == (name, name)


def test_names_read_with_confidence_are_not_sent_to_review(ingested, settings):
    backlog = quality_backlog(ingested, settings.quality_min_ocr_confidence, 1, 50)
    reasons = " ".join(r for item in backlog.items for r in item.reasons)
    assert "subject_name" not in reasons and "signer" not in reasons


def test_the_review_list_says_what_was_read_and_what_it_may_be():
    src = {"pipeline": {"doubts": {"subject_name": {"reason": "OCR không chắc", "candidates": ["Phạm Xuân Quần",
                                                                                            "Phạm Xuân Quân"]}}},
           "doc_number": "1/X", "issued_date": "2024-01-01", "issuing_agency": "A", "result_type": "B"}
    assert _reasons(src, 90) == ["Cần xem lại subject_name: OCR không chắc (đọc được: Phạm Xuân Quần; Phạm Xuân Quân)"]
