import unicodedata

import pytest

from search.analysis import normalize, segment


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("hoà", "hòa"), ("Hoà Bình", "Hòa Bình"), ("uỷ ban", "ủy ban"), ("UỶ BAN", "ỦY BAN"),
        ("thuý", "thúy"), ("khoẻ", "khỏe"),
        # Not to be touched: a final consonant keeps the tone on a; qu is a consonant.
        ("hoàn thành", "hoàn thành"), ("quý", "quý"), ("thuận", "thuận"),
    ],
)
def test_one_tone_mark_placement(written, expected):
    assert normalize(written) == expected


def test_decomposed_input_becomes_nfc():
    decomposed = unicodedata.normalize("NFD", "Giấy phép xây dựng")
    assert decomposed != "Giấy phép xây dựng"
    assert normalize(decomposed) == "Giấy phép xây dựng"


def test_the_eth_ocr_reads_for_d_with_stroke_becomes_it():
    assert normalize("Số: 3/QÐ-UBND, ðường") == "Số: 3/QĐ-UBND, đường"


def test_control_characters_and_spacing_are_cleaned():
    assert normalize("Số:\x00 12\t\t/GP\r\n\n\n\nHà  Nội ") == "Số: 12 /GP\n\nHà Nội"


def test_segmentation_joins_syllables_of_a_word_and_keeps_lines():
    out = segment("thủ tục hành chính\nỦy ban nhân dân")
    assert out.split("\n") == ["thủ_tục hành_chính", "Ủy_ban nhân_dân"]
