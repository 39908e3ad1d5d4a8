"""`tracuu sample`: deterministic, complete and consistent with its own ground truth."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter

import pytest

from indexer.formats import sniff
from tracuu.sample import Options, fold, generate
from tracuu.sample.kinds import KINDS


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    truth = generate(folder, Options(n=36, seed=11))
    return folder, truth


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_other_seed_other_bytes(corpus, tmp_path):
    folder, _ = corpus
    again = tmp_path / "again"
    generate(again, Options(n=36, seed=11), workers=1)
    assert _digests(again) == _digests(folder)
    other = tmp_path / "other"
    generate(other, Options(n=36, seed=12))
    assert _digests(other)["truth.jsonl"] != _digests(folder)["truth.jsonl"]


def test_truth_describes_every_file_exactly(corpus):
    folder, truth = corpus
    files = {p.name for p in folder.iterdir()} - {"manifest.csv", "truth.jsonl", "queries.jsonl", "qrels.tsv"}
    assert {t["file"] for t in truth} == files
    for t in truth:
        data = (folder / t["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == t["sha256"]
        assert t["fields"]["doc_number"] in t["text"]
        kind = sniff(folder / t["file"]).kind
        assert kind == ("image" if t["format"] in ("tiff", "jpeg", "png") else
                        "office" if t["format"] == "docx" else "pdf")


def test_every_kind_level_and_format_is_present(corpus):
    _, truth = corpus
    assert {t["kind"] for t in truth} == set(KINDS)
    assert {t["level"] for t in truth} == {"province", "district", "commune"}
    assert {"pdf", "tiff", "jpeg", "png", "docx", "text-pdf"} <= {t["format"] for t in truth}
    assert any(t["pages"] > 1 for t in truth)
    assert any(t["degradation"] for t in truth) and any(t["scanned"] and not t["degradation"] for t in truth)
    assert {t["dpi"] for t in truth if t["scanned"]} == {200, 300}


def test_identifiers_have_the_right_shape_and_names_repeat(corpus):
    _, truth = corpus
    for t in truth:
        f = t["fields"]
        if f["subject_type"] == "organization":
            assert len(f["subject_id"]) == 10 and f["subject_id"].isdigit()
        else:
            assert len(f["subject_id"]) in (9, 12) and f["subject_id"].isdigit()
        assert f["issued_date"] >= "1995-01-01"
        if f.get("valid_until"):
            assert f["valid_until"] > f["issued_date"]
    assert Counter(t["fields"]["subject_name"] for t in truth).most_common(1)[0][1] > 1


def test_manifest_rows_agree_with_truth_and_some_files_are_bare(corpus):
    folder, truth = corpus
    by_file = {t["file"]: t for t in truth}
    with (folder / "manifest.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert 0 < len(rows) < len(truth)
    for row in rows:
        fields = by_file[row["file"]]["fields"]
        assert row["doc_number"] in ("", fields["doc_number"])
        assert row["subject_id"] in ("", fields["subject_id"])
    revoked = [t["file"] for t in truth if t["fields"].get("status") == "revoked"]
    assert set(revoked) <= {r["file"] for r in rows}, "a revocation cannot be read off the paper"


def test_queries_cover_every_type_and_point_at_real_files(corpus):
    folder, truth = corpus
    files = {t["file"] for t in truth}
    queries = [json.loads(line) for line in (folder / "queries.jsonl").read_text().splitlines()]
    assert {q["type"] for q in queries} == {"name", "name_folded", "cccd", "doc_number",
                                            "doc_number_variant", "topical", "topical_folded", "facet"}
    for q in queries:
        assert q["relevant"] and set(q["relevant"]) <= files
        assert set(q["relevant"].values()) <= {1, 2}
    folded = [q["query"] for q in queries if q["type"] in ("name_folded", "topical_folded")]
    assert all(q == fold(q) and q.isascii() for q in folded)
    qrels = (folder / "qrels.tsv").read_text().splitlines()
    assert len(qrels) == sum(len(q["relevant"]) for q in queries)


# -- places of both periods (issue #18) --------------------------------------------------


def test_results_name_the_units_of_their_day():
    """Before 1 July 2025: province, district, commune; since: the new units, no district,
    where the same people live now. Every kind, both periods, in one plan (no files)."""
    from search.analysis import normalize
    from tracuu.sample import gazetteer as gz
    from tracuu.sample.corpus import _printed_layout, plan_corpus

    specs = plan_corpus(Options(n=400, seed=5))
    old_districts = {d for _, ds in gz.PLACES.values() for d in ds}
    after = [s for s in specs if s.fields["issued_date"] >= gz.NEW_UNITS_FROM]
    before = [s for s in specs if s.fields["issued_date"] < gz.NEW_UNITS_FROM]
    assert len(after) >= 10 and len(before) >= 300
    assert len({s.result.kind for s in after}) >= 6
    for s in before:
        assert s.fields["district"] in old_districts and s.fields["province"] in gz.PLACES
    for s in after:
        f = s.fields
        assert f["district"] is None and f["province"] in gz.NEW_PROVINCES.values()
        assert f["commune"] in gz.NEW_UNITS.values()
        assert s.result.level in ("province", "commune")  # no district issues anything now
        text = normalize("\n".join(_printed_layout(s).reading_order()))  # tone marks as fields have them
        assert f["commune"] in text and not any(d in text for d in old_districts), s.file
        assert "huyện" not in f["issuing_agency"] and "Kế hoạch và Đầu tư" not in f["issuing_agency"]


def test_the_sample_places_agree_with_the_conversion_table():
    """The new unit the sample's people live in is the table's (one of its candidates for a
    split commune); a new unit maps to itself."""
    import datetime as dt

    from archive.places import current_units, display
    from tracuu.sample import gazetteer as gz

    after = gz.NEW_UNITS_FROM + dt.timedelta(days=60)
    for place in gz.all_places():
        units = current_units(place.province, place.district, place.commune, dt.date(2020, 1, 1))
        new = place.on(after)
        assert units.current_province == display("province", new.province)
        if units.current_commune_candidates:
            assert new.commune in units.current_commune_candidates
        elif place.commune == "phường Lê Mao":  # merged in January 2025: not in the table
            assert units.current_commune is None and units.current_units_note
        else:
            assert units.current_commune == new.commune, place
        itself = current_units(new.province, None, new.commune, after)
        assert (itself.current_province, itself.current_commune) == (units.current_province, new.commune)
