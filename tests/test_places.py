"""Places as printed and as they are now (archive/places.py, issue #18): the shipped
conversion table against conversions verified by reading the 2025 resolutions, and the
traps of matching Vietnamese unit names."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest

from archive.places import (EFFECTIVE, TABLE, current_units, display, key, meta, parse_address, place_keys,
                            table, unit_key)
from archive.records import MANIFEST_FIELDS, PublicRecord, Record

VERIFIED = Path(__file__).parent / "data" / "places_verified.jsonl"
BEFORE = dt.date(2021, 4, 8)
AFTER = dt.date(2025, 9, 15)


def _verified() -> list[dict]:
    return [json.loads(line) for line in VERIFIED.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_verified_set_is_large_and_has_splits():
    rows = _verified()
    assert len(rows) >= 30 and sum(r["split"] for r in rows) >= 10
    assert all(r["status"] == "verified" and r["verified_by"]["commune"]["clauses"] for r in rows)


@pytest.mark.parametrize("row", _verified(), ids=lambda r: f"{r['old']['commune'] or r['old']['district']}"
                                                         f"-{r['old']['code']}")
def test_every_verified_conversion(row):
    """Each one read in the resolution's clause (tests/data/places_verified.jsonl cites it);
    a split keeps every candidate, with a note, and no single current commune."""
    old = row["old"]
    units = current_units(old["province"], old["district"], old["commune"] or None, BEFORE)
    want = [display("commune", n["commune"]) for n in row["new"]]
    assert units.current_province == display("province", row["new"][0]["province"])
    if row["split"]:
        assert units.current_commune is None
        assert sorted(units.current_commune_candidates) == sorted(want)
        assert units.ambiguous and all(n in units.current_units_note for n in want)
    else:
        assert units.current_commune == want[0] and not units.current_commune_candidates
        assert units.current_units_note is None


def test_the_issue_examples():
    tan_moc = current_units("tỉnh Bắc Giang", "huyện Lục Ngạn", "xã Tân Mộc", BEFORE)
    assert (tan_moc.current_province, tan_moc.current_commune) == ("Bắc Ninh", "xã Nam Dương")
    assert current_units("tỉnh Quảng Ngãi", "huyện Sơn Tịnh", "xã Tịnh Hà", BEFORE).current_province == "Quảng Ngãi"
    assert current_units("tỉnh Kon Tum", "huyện Đăk Hà", "xã Hà Mòn", BEFORE).current_province == "Quảng Ngãi"
    assert current_units("tỉnh Bắc Giang", None, None, BEFORE).current_province == "Bắc Ninh"


def test_new_units_map_to_themselves():
    units = current_units("tỉnh Bắc Ninh", None, "xã Nam Dương", AFTER)
    assert (units.current_province, units.current_commune, units.current_units_note) == ("Bắc Ninh", "xã Nam Dương", None)
    assert current_units("thành phố Hồ Chí Minh", None, "phường Sài Gòn", AFTER).current_commune == "phường Sài Gòn"
    # 'xã Chương Dương' since July 2025 is the new xã (Thường Tín's communes merged); before,
    # with its district, the old one; the unit word tells phường Chương Dương apart.
    assert current_units("thành phố Hà Nội", None, "xã Chương Dương", AFTER).current_commune == "xã Chương Dương"
    assert current_units("thành phố Hà Nội", "quận Hoàn Kiếm", "phường Chương Dương", BEFORE).current_commune \
        == "phường Hồng Hà"


def test_an_old_address_written_after_the_day_is_still_found():
    """No district, issued after 1 July 2025, but a name of the old units."""
    units = current_units("tỉnh Bắc Giang", None, "xã Tân Mộc", AFTER)
    assert (units.current_province, units.current_commune) == ("Bắc Ninh", "xã Nam Dương")


def test_a_name_that_repeats_in_a_province_without_its_district_keeps_both():
    units = current_units("tỉnh Hà Giang", None, "xã Tả Lủng", BEFORE)
    assert units.current_commune is None and units.current_province == "Tuyên Quang"
    assert sorted(units.current_commune_candidates) == ["xã Mèo Vạc", "xã Đồng Văn"]
    assert "không ghi rõ quận/huyện" in units.current_units_note
    with_district = current_units("tỉnh Hà Giang", "huyện Mèo Vạc", "xã Tả Lủng", BEFORE)
    assert with_district.current_commune == "xã Mèo Vạc"


def test_the_unit_word_is_part_of_the_name():
    assert current_units("tỉnh Lai Châu", "huyện Mường Tè", "thị trấn Mường Tè", BEFORE).current_commune == "xã Bum Tở"
    assert current_units("tỉnh Lai Châu", "huyện Mường Tè", "xã Mường Tè", BEFORE).current_commune == "xã Mường Tè"
    # bare: both units of that name, nothing chosen
    bare = current_units("tỉnh Lai Châu", "huyện Mường Tè", "Mường Tè", BEFORE)
    assert sorted(bare.current_commune_candidates) == ["xã Bum Tở", "xã Mường Tè"]


def test_diacritics_are_never_dropped_but_tone_placement_and_case_do_not_matter():
    assert key("Quảng Tiến") != key("Quảng Tiên")
    assert current_units("tỉnh Quảng Bình", None, "xã Quảng Tiến", BEFORE).current_commune == "xã Trung Thuần"
    assert current_units("tỉnh Quảng Bình", None, "xã Quảng Tiên", BEFORE).current_commune == "xã Nam Ba Đồn"
    assert key("Hoà Bình") == key("Hòa Bình") == key("HOÀ BÌNH") == key(unicodedata.normalize("NFD", "Hòa Bình"))
    assert current_units("TỈNH HOÀ BÌNH", None, None, BEFORE).current_province == "Phú Thọ"
    assert unit_key("commune", "Phường 01") == unit_key("commune", "phường 1")
    assert current_units("TP. Hồ Chí Minh", "Q.1", "P. Bến Nghé", BEFORE).current_commune == "phường Sài Gòn"


def test_an_island_district_without_communes_became_a_special_zone():
    units = current_units("tỉnh Bà Rịa - Vũng Tàu", "huyện Côn Đảo", None, BEFORE)
    assert (units.current_province, units.current_commune) == ("Hồ Chí Minh", "đặc khu Côn Đảo")
    assert current_units("Bà Rịa-Vũng Tàu", "Côn Đảo", None, BEFORE).current_commune == "đặc khu Côn Đảo"


def test_what_the_table_lacks_is_said_not_guessed():
    """Phường Lê Mao (Vinh) was merged in January 2025, before the table's list of old units."""
    units = current_units("tỉnh Nghệ An", "thành phố Vinh", "phường Lê Mao", BEFORE)
    assert units.current_province == "Nghệ An" and units.current_commune is None
    assert not units.ambiguous and "Không tìm thấy phường Lê Mao" in units.current_units_note
    unknown = current_units("tỉnh Không Có", None, None, BEFORE)
    assert unknown.current_province is None and "Không tìm thấy" in unknown.current_units_note
    assert current_units(None, None, None, None).current_province is None


def test_the_table_carries_its_source_and_date():
    head = TABLE.read_text(encoding="utf-8").splitlines()[:4]
    assert head[0].startswith("# source: ") and "Cục Thống kê" in head[0]
    assert head[1].startswith("# effective: 2025-07-01")
    m = meta()
    assert m["effective_date"] == EFFECTIVE.isoformat() and len(m["errata"]) == m["counts"]["errata"] == 7
    assert m["counts"]["old_provinces"] == 63 and m["counts"]["new_provinces"] == 34
    t = table()
    assert len(t.old_province) == 63 and len(set(t.old_province.values())) == len(t.new_province) == 34
    assert sum(len(v) for v in t.new_communes.values()) >= 3321
    for old, new in m["province_map"].items():
        assert t.old_province[key(display("province", old))] == display("province", new)


def test_an_address_in_either_form_finds_the_same_place():
    old = parse_address("Thôn 3, xã Tân Mộc, huyện Lục Ngạn, tỉnh Bắc Giang")
    new = parse_address("xã Nam Dương, tỉnh Bắc Ninh")
    short = parse_address("Nam Dương, Bắc Ninh")
    assert (old.province, old.district, old.commune) == ("tỉnh Bắc Giang", "huyện Lục Ngạn", "xã Tân Mộc")
    printed_old = place_keys(Record(id="a", province="tỉnh Bắc Giang", district="huyện Lục Ngạn",
                                    commune="xã Tân Mộc", issued_date=BEFORE).places())
    printed_new = place_keys(Record(id="b", province="tỉnh Bắc Ninh", commune="xã Nam Dương",
                                    issued_date=AFTER).places())
    elsewhere = place_keys(Record(id="c", province="tỉnh Bắc Giang", district="huyện Yên Thế",
                                  commune="xã Đồng Kỳ", issued_date=BEFORE).places())
    for address in (old, new, short):
        assert address.matches(printed_old) and address.matches(printed_new), address
        assert not address.matches(elsewhere)
    assert parse_address("Bắc Ninh").matches(elsewhere)  # the province alone: all of it, both names
    split = place_keys(Record(id="d", province="thành phố Hà Nội", district="huyện Gia Lâm", commune="xã Cổ Bi",
                              issued_date=BEFORE).places())
    assert parse_address("xã Phù Đổng, thành phố Hà Nội").matches(split)  # a candidate: shown, not chosen
    assert not parse_address("phố Huế").province


def test_the_current_units_are_derived_and_never_stored_in_the_bag():
    record = Record(id="x", province="tỉnh Bắc Giang", district="huyện Lục Ngạn", commune="xã Tân Mộc",
                    issued_date=BEFORE, current_province="Hà Nội")  # what a caller passes is replaced
    assert (record.current_province, record.current_commune) == ("Bắc Ninh", "xã Nam Dương")
    stored = json.loads(record.model_dump_json())
    assert not {k for k in stored if k.startswith("current_")}
    again = Record.model_validate(stored)
    assert again.current_commune == "xã Nam Dương"
    public = PublicRecord.of(record).model_dump()
    assert public["current_province"] == "Bắc Ninh" and public["province"] == "tỉnh Bắc Giang"
    assert not {"current_province", "current_commune", "current_units_note"} & MANIFEST_FIELDS
    corrected = Record.model_validate({**record.model_dump(), "commune": "xã Quý Sơn"})
    assert corrected.current_commune == "phường Phượng Sơn"
