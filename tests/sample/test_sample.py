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
