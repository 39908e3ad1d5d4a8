"""Metadata on documents nobody on this project wrote (../shared/realdocs), against labels
made by reading them (tests/realdocs/). A regression gate, not a tuning target: the rules
follow the Decree 30/2020 layout, and these documents check that they hold."""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pytest

from indexer.metadata import extract
from search.analysis import normalize

sys.path.insert(0, str(Path(__file__).parents[1]))
from realdocs.truth import REALDOCS, labels, rates, score  # noqa: E402

pytestmark = pytest.mark.skipif(not REALDOCS.exists(), reason="../shared/realdocs is not beside the project")


@pytest.fixture(scope="module", params=["congbao_labels.jsonl", "congbao_heldout_labels.jsonl"])
def gazette(request):
    pairs = []
    for label in labels(request.param):
        text = normalize((REALDOCS / "congbao" / label["file"]).read_text(encoding="utf-8"))
        pairs.append((label, extract(text)))
    return score(pairs)


@pytest.mark.parametrize("field", ["doc_number", "issued_date", "issuing_agency", "result_type", "signer",
                                   "subject_name"])
def test_no_more_than_two_percent_of_the_values_given_are_wrong(gazette, field):
    filled, wrong = rates(gazette[field])
    assert wrong <= 0.02, gazette[field]["cases"]


@pytest.mark.parametrize("field", ["doc_number", "issued_date", "issuing_agency", "result_type", "signer"])
def test_at_least_ninety_percent_of_what_the_documents_state_is_read(gazette, field):
    filled, _ = rates(gazette[field])
    assert filled >= 0.90


def test_the_gazettes_e_signature_stamp_is_never_the_signer(gazette):
    for label, got in [(lab, extract(normalize((REALDOCS / "congbao" / lab["file"]).read_text(encoding="utf-8"))))
                       for lab in labels()[:40]]:
        assert "CỔNG THÔNG TIN" not in (got.get("signer") or "").upper()
        assert "CÔNG BÁO" not in (got.get("signer") or "").upper()


def test_every_real_provincial_number_is_read_as_typed_or_not_at_all():
    """4,056 numbers of Bình Dương's documents, each in a Decree 30 header: read exactly as
    typed, or — for a number with words after it — left at its first part, never cut
    inside a symbol ('19/Ctr-UBND' is not '19/C')."""
    rows = list(csv.DictReader((REALDOCS / "binhduong" / "documents.csv").open(encoding="utf-8")))
    exact, cut = 0, []
    for row in rows:
        number = re.sub(r"\s*([/-])\s*", r"\1", normalize(row["so_ky_hieu"]))  # '1977 /QĐ-UBND'
        if not number:
            continue
        got = extract(f"ỦY BAN NHÂN DÂN\nTỈNH BÌNH DƯƠNG\nSố: {number}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                      f"Bình Dương, ngày 01 tháng 02 năm 2020\nQUYẾT ĐỊNH\nVề việc thử").get("doc_number")
        if got is None or got == number:
            exact += got == number
        elif not number.startswith(got + " "):
            cut.append((number, got))
    assert not cut
    assert exact / len(rows) >= 0.99
