"""Personal names are stored as printed; a name OCR may have misread goes to review."""

from __future__ import annotations

import pytest

from indexer.metadata import read
from indexer.names import is_surname, likely_misreading

#: Real names whose syllables are rare among Kinh names; an earlier "repair" rewrote each
#: of them into another real name.
REAL_NAMES = ["Hoàng Văn Thụ", "Vừ A Dính", "Giàng A Chứ", "Lò Văn Kìm", "Ksor Y Phun"]


@pytest.mark.parametrize("name", REAL_NAMES)
def test_a_name_read_by_ocr_is_stored_as_printed(name):
    text = ("Hà Nội, ngày 1 tháng 2 năm 2020\nSố: 5/XNTTHN\nGIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN\n"
            f"Họ, chữ đệm, tên người được cấp: {name}\nCHỦ TỊCH\n(Đã ký)\n{name}")
    reading = read(text, ocr=True)
    assert reading.values["subject_name"] == name
    assert reading.values["signer"] == name


def test_a_syllable_ocr_was_unsure_of_keeps_the_name_out_until_a_clerk_looks():
    text = ("Hà Nội, ngày 1 tháng 2 năm 2020\nSố: 5/XNTTHN\nGIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN\n"
            "Họ, chữ đệm, tên người được cấp: PHẠM XUÂN QUẦN")
    reading = read(text, ocr=True, unsure=frozenset({"QUẦN", "Ngày,"}))
    assert "subject_name" not in reading.values  # a wrong name is worse than none
    assert reading.doubts["subject_name"]["candidates"] == ["Phạm Xuân Quần", "Phạm Xuân Quân"]
    # The same syllable read with confidence is the name as printed, with no doubt.
    sure = read(text, ocr=True, unsure=frozenset({"Ngày,"}))
    assert sure.values["subject_name"] == "Phạm Xuân Quần" and not sure.doubts
    # A rare syllable OCR was unsure of, with no likelier name syllable, is kept: 'Lò', 'Ksor'.
    assert read(text.replace("PHẠM XUÂN QUẦN", "Ksor Y Phun"), ocr=True,
                unsure=frozenset({"Ksor"})).values["subject_name"] == "Ksor Y Phun"


def test_a_likely_misreading_is_a_candidate_for_review_never_the_value():
    text = ("Hà Nội, ngày 1 tháng 2 năm 2020\nSố: 5/XNTTHN\nGIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN\n"
            "Họ, chữ đệm, tên người được cấp: Đặng Thị Chỉ")
    reading = read(text, ocr=True)
    assert reading.values["subject_name"] == "Đặng Thị Chỉ"
    assert reading.doubts["subject_name"]["candidates"] == ["Đặng Thị Chỉ", "Đặng Thị Chi"]
    assert "subject_name" not in read(text, ocr=False).doubts  # typed text: nothing to doubt


@pytest.mark.parametrize("read_as, other", [
    ("Đặng Thị Chỉ", "Đặng Thị Chi"),  # the bold i's dot read as a hook
    ("Võ Quang Quần", "Võ Quang Quân"),
    ("Nguyên Xuân Hải", "Nguyễn Xuân Hải"),  # the first syllable is the family's
    ("Nguyễn Thị Chí", None),  # every syllable is a name: nothing to ask
    ("Lê Văn Hả", None),  # 'Hà' or 'Hạ'? no single candidate
])
def test_the_candidate_offered_to_a_reviewer(read_as, other):
    assert likely_misreading(read_as) == other


def test_family_names_are_known_by_their_marks():
    assert is_surname("Nguyễn") and is_surname("ĐẶNG") and is_surname("Giàng")
    assert not is_surname("Tu") and not is_surname("Chủ")
