"""Hand-labelled truth for documents nobody on this project wrote, and how a reading is
scored against it. Shared by tests/indexer/test_realdocs.py (a regression gate in CI) and
scripts/eval_realdocs_extraction.py (the tables in docs/extraction.md).

The labels (``congbao_labels.jsonl``, ``scan_labels.jsonl`` beside this file) were made by
reading the documents in ``../shared/realdocs`` — never by running the extractor. A field
is *filled* when the extractor gave a value, *wrong* when that value differs from the label
(a value where the label is empty is wrong too: nothing may be invented).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
#: ../shared beside the project, as CI lays it out.
REALDOCS = HERE.parents[2] / "shared" / "realdocs"
#: Label field -> record field.
FIELDS = {"doc_number": "doc_number", "issued_date": "issued_date", "issuing_agency": "issuing_agency",
          "title": "result_type", "signer": "signer", "subject_name": "subject_name"}


def labels(name: str = "congbao_labels.jsonl") -> list[dict[str, Any]]:
    return [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def comparable(field: str, value: Any) -> str | None:
    """Values as a reader compares them: a date as ISO; numbers without spaces, exact; names,
    agencies and titles without regard to case, spacing or a closing full stop."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = unicodedata.normalize("NFC", str(value)).replace("\u00d0", "Đ")
    if field == "doc_number":
        return re.sub(r"\s+", "", text)
    if field == "issued_date":
        return text
    return re.sub(r"\s+", " ", text).strip(" .;:,").casefold()


def score(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """(label, reading) pairs -> per record field: n, labelled, filled, right, wrong, and the
    wrong cases (file, want, got) for reading."""
    table: dict[str, dict[str, Any]] = {f: {"n": 0, "labelled": 0, "filled": 0, "filled_labelled": 0,
                                            "right": 0, "wrong": 0, "cases": []}
                                        for f in FIELDS.values()}
    for label, got in pairs:
        for lf, rf in FIELDS.items():
            row = table[rf]
            want, have = comparable(rf, label.get(lf)), comparable(rf, got.get(rf))
            row["n"] += 1
            row["labelled"] += want is not None
            if have is None:
                continue
            row["filled"] += 1
            row["filled_labelled"] += want is not None
            if have == want:
                row["right"] += 1
            else:
                row["wrong"] += 1
                row["cases"].append((label.get("file"), label.get(lf), got.get(rf)))
    return table


def rates(row: dict[str, Any]) -> tuple[float, float]:
    """(share of the labelled fields given a value, share of the values given that are wrong)."""
    filled = row["filled_labelled"] / row["labelled"] if row["labelled"] else 1.0
    wrong = row["wrong"] / row["filled"] if row["filled"] else 0.0
    return filled, wrong
