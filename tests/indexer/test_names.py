"""Personal names misread by OCR: put right only where one reading fits."""

from __future__ import annotations

import pytest

from indexer.names import is_surname, repair


@pytest.mark.parametrize("read, name", [
    ("Đặng Thị Chỉ", "Đặng Thị Chi"),  # the bold i's dot read as a hook
    ("ĐẶNG THỊ CHỈ", "ĐẶNG THỊ CHI"),
    ("Võ Quang Quần", "Võ Quang Quân"),  # only 'Quân' is a name among Quần's tone variants
    ("Hưỳnh Quang Long", "Huỳnh Quang Long"),  # no tone variant fits: a horn read on the u
    ("Nguyên Xuân Hải", "Nguyễn Xuân Hải"),  # 'Nguyên' is a given name, but the first syllable is the family's
])
def test_a_syllable_that_is_no_name_becomes_the_one_name_it_can_be(read, name):
    assert repair(read) == name


@pytest.mark.parametrize("name", [
    "Nguyễn Thị Chí",  # every syllable is a name: nothing to put right
    "Lê Văn Hả",  # 'Hà' or 'Hạ'? a guess would be worse than the visible misreading
    "Ksor H'Nhi",  # names outside the list are kept as they are
])
def test_a_name_is_left_alone_unless_one_reading_fits(name):
    assert repair(name) == name


def test_family_names_are_known_by_their_marks():
    assert is_surname("Nguyễn") and is_surname("ĐẶNG")
    assert not is_surname("Tu") and not is_surname("Chủ")
