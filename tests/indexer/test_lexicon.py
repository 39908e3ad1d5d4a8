"""The lexicon that judges OCR'd titles: the misreadings tesseract made of real gazette
titles drawn at 200 dpi are found, and the right readings of the same titles are not."""

import pytest

from indexer.metadata.lexicon import tone_misread, unconfirmed


@pytest.mark.parametrize("misread, pair", [
    ("Nghị định quy định chỉ tiết hoạt động đầu tư", "chỉ tiết"),
    ("Thông tư sửa đối, bố sung một số điều", "sửa đối"),
    ("thuộc thấm quyền quản lý", "thấm quyền"),
    ("Quỹ Đỗi mới công nghệ quốc gia", "Quỹ Đỗi"),
    ("các tô chức tín dụng", "tô chức"),
])
def test_a_pair_that_is_a_word_only_with_another_tone_is_found(misread, pair):
    assert tone_misread(misread) == pair


@pytest.mark.parametrize("right", [
    "Nghị định quy định chi tiết hoạt động đầu tư",  # 'định chi' is 'đình chỉ' by tone, but both are taken
    "Thông tư sửa đổi, bổ sung một số điều",
    "thuộc thẩm quyền quản lý",
    "Quỹ Đổi mới công nghệ quốc gia",
    "Thông tư hướng dẫn thực hiện một số điều của Thỏa thuận",  # new tone placement; the lexicon has 'thoả'
])
def test_the_right_reading_is_not_taken_for_a_misreading(right):
    assert tone_misread(right) is None


def test_an_unsure_syllable_is_confirmed_only_inside_a_word():
    title = "Thông tư hướng dẫn quản lý lao động, tiền lương và tiền thưởng"
    assert unconfirmed(title, frozenset({"lương", "lao"})) is None
    assert unconfirmed(title, frozenset({"và"})) == "và"  # a syllable alone: nothing to check it by
    assert unconfirmed("Luật sửa đổi, bổ sung", frozenset({"đổi,"})) is None  # the word as OCR gives it
