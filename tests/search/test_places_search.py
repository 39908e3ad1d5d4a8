"""Places of both periods in the index, on the real OpenSearch: a result printed with a
place of before 1 July 2025 is found, filtered, counted and looked up by the units that
place lies in now, and by its own; a split commune goes to review; a reindex fills the
current units of records archived without them (issue #18)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from fastapi.testclient import TestClient

from archive.bags import write_bag
from archive.records import Record
from helpers import csrf_of
from search.analysis import segment
from search.index import find, lookup, quality_backlog, to_document
from search.query import SearchRequest, build_body

pytestmark = pytest.mark.opensearch

CITIZEN = "024190001234"
D = dt.date

#: id -> (province, district, commune, issued): printed places of both periods.
PLACES = {
    "bg-tanmoc": ("tỉnh Bắc Giang", "huyện Lục Ngạn", "xã Tân Mộc", D(2021, 4, 8)),
    "bg-dongky": ("tỉnh Bắc Giang", "huyện Yên Thế", "xã Đồng Kỳ", D(2019, 3, 2)),
    "bn-namduong": ("tỉnh Bắc Ninh", None, "xã Nam Dương", D(2025, 9, 15)),
    "bn-dongngan": ("tỉnh Bắc Ninh", "thành phố Từ Sơn", "phường Đông Ngàn", D(2020, 6, 1)),
    "hn-cobi": ("thành phố Hà Nội", "huyện Gia Lâm", "xã Cổ Bi", D(2022, 1, 10)),
    "hn-hangbac": ("thành phố Hà Nội", "quận Hoàn Kiếm", "phường Hàng Bạc", D(2021, 7, 7)),
    "kt-hamon": ("tỉnh Kon Tum", "huyện Đăk Hà", "xã Hà Mòn", D(2018, 5, 5)),
    "qn-tinhha": ("tỉnh Quảng Ngãi", "huyện Sơn Tịnh", "xã Tịnh Hà", D(2020, 2, 2)),
}
BAC_NINH_NOW = {"bg-tanmoc", "bg-dongky", "bn-namduong", "bn-dongngan"}
#: Record ids are hex (the API's pattern); the tests speak of the names above.
ID = {name: hashlib.sha256(name.encode()).hexdigest()[:24] for name in PLACES}
NAME = {v: k for k, v in ID.items()}


def _record(rid: str, n: int) -> Record:
    """The citizen's two results (a receipt opens one dossier: these two are of one dossier,
    at two places) and one result each of others."""
    province, district, commune, issued = PLACES[rid]
    where = ", ".join(u for u in (commune, district, province) if u)
    mine = rid in ("bg-tanmoc", "bn-namduong")
    return Record(
        id=ID[rid], doc_number=f"{n}/XNTTHN", issued_date=issued, issuing_agency=f"Ủy ban nhân dân {commune}",
        result_type="Giấy xác nhận tình trạng hôn nhân", procedure_code="1.004873",
        subject_name="Nguyễn Thị Lan", subject_id=CITIZEN if mine else f"0011900{n:05d}",
        subject_type="citizen", subject_address=f"Thôn {n}, {where}",
        dossier_code="000.00.12.H24-240105-0001" if mine else f"000.00.12.H24-{issued:%y%m%d}-{n:04d}",
        province=province, district=district, commune=commune,
        text=f"ỦY BAN NHÂN DÂN {commune.upper()}\nGIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN\nNơi cư trú: Thôn {n}, {where}",
    )


@pytest.fixture(scope="module")
def indexed(record_index):
    records = [_record(rid, n) for n, rid in enumerate(PLACES, start=1)]
    errors = [e for _, e in record_index.bulk((to_document(r, segment(r.text)) for r in records), refresh=True) if e]
    assert errors == []
    return record_index


def _ids(index, **kw) -> set[str]:
    return {NAME[h.id] for h in find(index, SearchRequest(size=100, **kw)).hits}


def _ranked(index, q: str) -> list[str]:
    return [NAME[h.id] for h in find(index, SearchRequest(q=q, size=10)).hits]


def test_the_index_holds_the_printed_and_the_current_units(indexed):
    source = indexed.client.get(index=indexed.alias, id=ID["bg-tanmoc"])["_source"]
    assert (source["province"], source["district"], source["commune"]) == ("tỉnh Bắc Giang", "huyện Lục Ngạn", "xã Tân Mộc")
    assert (source["current_province"], source["current_commune"]) == ("Bắc Ninh", "xã Nam Dương")
    assert indexed.get(ID["kt-hamon"]).current_province == indexed.get(ID["qn-tinhha"]).current_province == "Quảng Ngãi"
    new = indexed.get(ID["bn-namduong"])
    assert (new.district, new.current_province, new.current_commune) == (None, "Bắc Ninh", "xã Nam Dương")


def test_a_province_filter_finds_either_name(indexed):
    assert _ids(indexed, filters={"province": ["Bắc Ninh"]}) == BAC_NINH_NOW
    assert _ids(indexed, filters={"province": ["tỉnh Bắc Ninh"]}) == BAC_NINH_NOW
    assert _ids(indexed, filters={"province": ["tỉnh Bắc Giang"]}) == {"bg-tanmoc", "bg-dongky"}
    assert _ids(indexed, filters={"province": ["Quảng Ngãi"]}) == {"kt-hamon", "qn-tinhha"}
    assert _ids(indexed, filters={"current_province": ["Bắc Ninh"]}) == BAC_NINH_NOW
    assert _ids(indexed, filters={"current_province": ["Bắc Giang"]}) == set()  # no such province now


def test_a_commune_filter_finds_either_name_and_respects_the_unit_word(indexed):
    assert _ids(indexed, filters={"commune": ["xã Nam Dương"]}) == {"bg-tanmoc", "bn-namduong"}
    assert _ids(indexed, filters={"commune": ["Tân Mộc"]}) == {"bg-tanmoc"}
    assert _ids(indexed, filters={"current_commune": ["xã Nam Dương"]}) == {"bg-tanmoc", "bn-namduong"}
    assert _ids(indexed, filters={"commune": ["phường Nam Dương"]}) == set()
    assert _ids(indexed, filters={"district": ["Lục Ngạn"]}) == {"bg-tanmoc"}


def test_facets_count_the_current_units(indexed):
    facets = find(indexed, SearchRequest()).facets
    assert {f.value: f.count for f in facets["current_province"]} == {"Bắc Ninh": 4, "Hà Nội": 2, "Quảng Ngãi": 2}
    communes = {f.value: f.count for f in facets["current_commune"]}
    assert communes["xã Nam Dương"] == 2 and communes["phường Hoàn Kiếm"] == 1
    assert sum(communes.values()) == len(PLACES) - 1  # the split commune is in none of them
    printed = {f.value: f.count for f in facets["province"]}
    assert printed["tỉnh Bắc Giang"] == 2 and printed["tỉnh Bắc Ninh"] == 2


def test_a_query_by_the_current_name_finds_the_results_printed_with_the_old_one(indexed):
    hits = _ranked(indexed, "Bắc Ninh")
    assert set(hits[:4]) == BAC_NINH_NOW, hits
    folded = _ranked(indexed, "bac ninh")
    assert set(folded[:4]) == BAC_NINH_NOW, folded
    assert set(_ranked(indexed, "Quảng Ngãi")[:2]) == {"kt-hamon", "qn-tinhha"}


def test_a_place_filter_is_bounded_and_never_syntax():
    body = build_body(SearchRequest(filters={"province": ['Bắc Ninh" OR *'], "commune": ["xã " + "a" * 500]}))
    assert "query_string" not in str(body)


def test_a_split_commune_keeps_every_candidate_and_is_on_the_review_list(indexed):
    record = indexed.get(ID["hn-cobi"])
    assert record.current_commune is None
    assert record.current_commune_candidates == ["phường Phúc Lợi", "xã Phù Đổng", "xã Gia Lâm"]
    assert "không tự chọn" in record.current_units_note
    backlog = quality_backlog(indexed, 0.0, 1, 50)
    assert [NAME[i.id] for i in backlog.items] == ["hn-cobi"]
    assert any("phường Phúc Lợi" in r and "xã Gia Lâm" in r for r in backlog.items[0].reasons)


def test_a_lookup_by_address_in_either_form(indexed):
    for address in ("xã Nam Dương, tỉnh Bắc Ninh", "Thôn 1, xã Tân Mộc, huyện Lục Ngạn, tỉnh Bắc Giang",
                    "Nam Dương, Bắc Ninh", "Bắc Ninh"):
        result = lookup(indexed, CITIZEN, address=address)
        assert {NAME[r.id] for r in result.records} == {"bg-tanmoc", "bn-namduong"}, address
    assert not lookup(indexed, CITIZEN, address="thành phố Hà Nội").found
    assert {NAME[r.id] for r in lookup(indexed, CITIZEN).records} == {"bg-tanmoc", "bn-namduong"}


def test_the_api_filters_looks_up_and_shows_the_current_units(api, indexed):
    found = api.get("/api/v1/search", params={"current_province": "Bắc Ninh"}).json()
    assert found["total"] == 4 and {NAME[h["id"]] for h in found["hits"]} == BAC_NINH_NOW
    assert {f["value"]: f["count"] for f in found["facets"]["current_province"]}["Bắc Ninh"] == 4
    either = api.get("/api/v1/search", params={"province": "Bắc Ninh"}).json()
    assert either["total"] == 4
    record = api.get(f"/api/v1/records/{ID['bg-tanmoc']}").json()
    assert (record["province"], record["current_province"], record["current_commune"]) == \
           ("tỉnh Bắc Giang", "Bắc Ninh", "xã Nam Dương")
    split = api.get(f"/api/v1/records/{ID['hn-cobi']}").json()
    assert split["current_commune"] is None and len(split["current_commune_candidates"]) == 3
    looked = api.get("/api/v1/lookup", params={"subject_id": CITIZEN, "address": "xã Nam Dương, tỉnh Bắc Ninh"}).json()
    assert looked["total"] == 2
    hit = next(r for r in looked["records"] if r["id"] == ID["bg-tanmoc"])
    assert (hit["province"], hit["current_province"], hit["current_commune"]) == ("tỉnh Bắc Giang", "Bắc Ninh",
                                                                                 "xã Nam Dương")
    assert looked["address"] == {"understood": True, "province": "tỉnh Bắc Ninh", "district": None,
                                 "commune": "xã Nam Dương", "current_province": "Bắc Ninh",
                                 "current_commune": "xã Nam Dương", "current_commune_candidates": []}
    unread = api.get("/api/v1/lookup", params={"subject_id": CITIZEN, "address": "đường Lê Lợi"})
    assert unread.status_code == 200  # an address is never refused: nothing matches, and it says why
    assert unread.json()["found"] is False and unread.json()["address"]["understood"] is False
    assert "address" not in api.get("/api/v1/lookup", params={"subject_id": CITIZEN}).json()


def test_the_citizen_narrows_her_list_by_an_address_in_either_form(settings, indexed):
    from web.app import create_app

    code = _record("bg-tanmoc", 1).dossier_code
    with TestClient(create_app(settings)) as browser:
        token = csrf_of(browser.get("/citizen").text)
        r = browser.post("/citizen", data={"subject_id": CITIZEN, "dossier_code": code, "csrf_token": token,
                                          "address": "xã Nam Dương, tỉnh Bắc Ninh"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/citizen/records?address=")
        page = browser.get(r.headers["location"]).text
        assert f"/citizen/records/{ID['bg-tanmoc']}" in page and f"/citizen/records/{ID['bn-namduong']}" in page
        assert "nay là xã Nam Dương, tỉnh Bắc Ninh" in page
        old = browser.get("/citizen/records", params={"address": "xã Đồng Kỳ, huyện Yên Thế, tỉnh Bắc Giang"}).text
        assert f"/citizen/records/{ID['bg-tanmoc']}" not in old and "0 trong 2 kết quả" in old
        bad = browser.get("/citizen/records", params={"address": "đường Lê Lợi"})
        assert bad.status_code == 400 and f"/citizen/records/{ID['bg-tanmoc']}" in bad.text  # unfiltered
        shown = browser.get(f"/citizen/records/{ID['bg-tanmoc']}").text
        assert "Nay là" in shown and "xã Nam Dương, tỉnh Bắc Ninh" in shown


def test_reindex_fills_the_current_units_of_records_archived_without_them(fresh_settings, fresh_index, tmp_path):
    """A bag holds the units as printed only; the index made from it by a reindex has the
    current units, with no OCR and no change to the bag."""
    from indexer.maintenance import reindex

    fresh_index.ensure()
    record = _record("bg-tanmoc", 1)
    original = tmp_path / "original.txt"
    original.write_text(record.text, encoding="utf-8")
    bag = write_bag(fresh_settings.archive_dir, record, original, None)
    stored = (bag / "data" / "record.json").read_text(encoding="utf-8")
    assert "current_" not in stored and '"province": "tỉnh Bắc Giang"' in stored
    # indexed as before this change: no current units, no place keys
    old = {k: v for k, v in to_document(record, "").items() if not k.startswith(("current_", "place_"))}
    list(fresh_index.bulk([old], refresh=True))
    assert "current_province" not in fresh_index.client.get(index=fresh_index.alias, id=record.id)["_source"]
    assert _ids(fresh_index, filters={"current_province": ["Bắc Ninh"]}) == set()

    reindex(fresh_settings, fresh_index)
    source = fresh_index.client.get(index=fresh_index.alias, id=record.id)["_source"]
    assert (source["current_province"], source["current_commune"]) == ("Bắc Ninh", "xã Nam Dương")
    assert _ids(fresh_index, filters={"current_province": ["Bắc Ninh"]}) == {"bg-tanmoc"}
    assert _ids(fresh_index, filters={"province": ["Bắc Ninh"]}) == {"bg-tanmoc"}
    assert (bag / "data" / "record.json").read_text(encoding="utf-8") == stored


def test_the_officer_pages_show_the_place_as_printed_and_as_it_is_now(settings, indexed):
    from helpers import log_in
    from web.app import create_app

    with TestClient(create_app(settings)) as officer:
        log_in(officer, settings)
        page = officer.get(f"/records/{ID['bg-tanmoc']}").text
        assert "xã Tân Mộc" in page and "huyện Lục Ngạn" in page and "tỉnh Bắc Giang" in page  # as printed
        assert "Nay là" in page and "xã Nam Dương, tỉnh Bắc Ninh" in page
        split = officer.get(f"/records/{ID['hn-cobi']}").text
        assert "một trong: phường Phúc Lợi, xã Phù Đổng, xã Gia Lâm" in split
        unchanged = officer.get(f"/records/{ID['bn-namduong']}").text
        assert "Nay là" not in unchanged  # printed with the units of today
        listing = officer.get("/", params={"current_province": "Bắc Ninh"}).text
        assert "Tỉnh/thành phố hiện nay" in listing and "Xã/phường hiện nay" in listing
        assert "Tỉnh/thành phố hiện nay: Bắc Ninh" in listing  # the filter's chip
        assert listing.count('class="hit"') == 4
        review = officer.get("/reports/quality").text
        assert "sắp xếp đơn vị hành chính 2025" in review
