"""Metadata read off the text, on `tracuu sample` truth texts and on shapes OCR produces."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.metadata import extract
from search.analysis import normalize
from tracuu.sample import Options, generate

FIELDS = ["doc_number", "issued_date", "issuing_agency", "result_type", "subject_name", "subject_id",
          "subject_address", "province", "district", "commune", "valid_until", "signer"]


@pytest.fixture(scope="module")
def truth(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("meta"), Options(n=45, seed=21, scanned_share=0))


def test_every_field_of_every_kind_is_read_from_the_printed_text(truth):
    for t in truth:
        got = extract(normalize(t["text"]))
        for f in FIELDS:
            want = t["fields"].get(f)
            value = got.get(f)
            value = value.isoformat() if isinstance(value, dt.date) else value
            assert value == want, (t["file"], t["kind"], f)


def test_header_columns_merged_by_ocr_are_taken_apart():
    text = """SỞ KẾ HOẠCH VÀ ĐẦU TƯ THÀNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
PHỐ CẦN THƠ Độc lập - Tự do - Hạnh phúc
PHÒNG ĐĂNG KÝ KINH DOANH “ ` - :
Cần Thơ, ngày 10 tháng 9 năm 2022
Số: 1229/GCN-ĐKDN
GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP
Mã số doanh nghiệp: 0345414605"""
    got = extract(text)
    assert got["issuing_agency"] == "Phòng Đăng ký kinh doanh - Sở Kế hoạch và Đầu tư thành phố Cần Thơ"
    assert got["doc_number"] == "1229/GCN-ĐKDN"
    assert got["issued_date"] == dt.date(2022, 9, 10)
    assert got["result_type"] == "Giấy chứng nhận đăng ký doanh nghiệp"
    assert got["subject_id"] == "0345414605"


def test_validity_in_months_counts_from_the_issue_date():
    text = "Hà Nội, ngày 31 tháng 01 năm 2021\nSố: 5/GPXD\nGIẤY PHÉP XÂY DỰNG\n" \
           "Giấy phép có hiệu lực khởi công trong thời hạn 12 tháng kể từ\nngày cấp."
    assert extract(text)["valid_until"] == dt.date(2022, 1, 31)


def test_nothing_is_invented_from_text_without_a_layout():
    assert extract("Biên bản họp tổ dân phố về vệ sinh môi trường.") == {}
