"""Extraction quality on `tracuu sample` output: per-field exact-match accuracy of the
metadata read off the text, and the OCR character error rate, against the ground truth.

    .venv/bin/python scripts/eval_extraction.py --n 200 --seed 1

Needs the services (`tracuu services start`). Ingests into a throw-away index and data
folder (OCR included), then reads each archived text back and scores the metadata read off
it — for every file, and for those without a manifest row, where extraction is all there is.
Per field: *filled* (a value was given, of the files that state the field) and *wrong* (a
given value differs from the truth; a value where the truth has none counts as wrong).
``--data DIR --dir SAMPLE`` re-scores an archive an earlier run left, without OCR'ing again:
extraction is a pure function of the archived text. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import tempfile
import unicodedata
import uuid
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from archive.layout import bag_path
from indexer.metadata import extract
from indexer.pipeline import Ingestor
from search.config import Settings
from search.index import RecordIndex
from archive.records import record_id_for
from tracuu.sample import Options, load_or_generate

FIELDS = ["doc_number", "issued_date", "issuing_agency", "result_type", "subject_name", "subject_id",
          "subject_address", "province", "district", "commune", "valid_until", "signer"]


def group_of(t: dict) -> str:
    if not t["scanned"]:
        return "born-digital"
    return "degraded scan" if t["degradation"] else "clean scan"


def word_recall(ocr: str, truth: str) -> float:
    """Share of the truth's words found in the OCR text (as multisets): unlike CER, not
    penalised when OCR reads the two header columns in another order."""
    have = Counter(unicodedata.normalize("NFC", ocr).split())
    want = Counter(unicodedata.normalize("NFC", truth).split())
    return sum((have & want).values()) / max(1, sum(want.values()))


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", type=Path, help="an existing `tracuu sample` folder (else one is generated)")
    ap.add_argument("--data", type=Path, help="a data folder whose archive already holds this sample")
    ap.add_argument("--all-files", action="store_true", help="score every file, not only those without a manifest row")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tracuu-eval-"))
    folder = args.dir or work / "sample"
    truth = load_or_generate(folder, Options(n=args.n, seed=args.seed))

    settings = Settings(index=f"eval-{uuid.uuid4().hex[:8]}", data_dir=args.data or work / "data")
    failed: dict[str, str] = {}
    if not (settings.archive_dir).exists():
        index = RecordIndex.from_settings(settings)
        try:
            report = Ingestor(settings, index).ingest_dir(folder)
        finally:
            index.drop()
        failed = {f.file: f.reason for f in report.failed}

    hits: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    wrong: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    cer: dict[str, list[float]] = defaultdict(list)
    words: dict[str, list[float]] = defaultdict(list)
    for t in truth:
        bag = bag_path(settings.archive_dir, record_id_for(t["sha256"])) / "data"
        if t["file"] in failed or not bag.exists():
            continue
        text = (bag / "text.txt").read_text(encoding="utf-8")
        group = group_of(t)
        if t["scanned"]:
            want = collapse(t["text"])
            cer[group].append(Levenshtein.distance(collapse(text), want) / len(want))
            words[group].append(word_recall(text, t["text"]))
        if t["in_manifest"] and not args.all_files:
            continue
        pipeline = json.loads((bag / "record.json").read_text(encoding="utf-8")).get("pipeline", {})
        unsure = frozenset(pipeline["ocr_unsure"]) if "ocr_unsure" in pipeline else None
        unsure_at = frozenset(tuple(p) for p in pipeline["ocr_unsure_at"]) if "ocr_unsure_at" in pipeline else None
        got = {k: v.isoformat() if isinstance(v, dt.date) else v
               for k, v in extract(text, ocr=t["scanned"], unsure=unsure, unsure_at=unsure_at,
                                   dpi=pipeline.get("ocr_dpi")).items()}
        for f in FIELDS:
            want, have = t["fields"].get(f), got.get(f)
            if want is not None:
                hits[group][f].append(have is not None)  # filled
            if have is not None:
                wrong[group][f].append(have != want)

    groups = ["born-digital", "clean scan", "degraded scan"]
    scope = "all files" if args.all_files else "files without a manifest row"
    print(f"Sample: n={len(truth)}, seed={args.seed}; scored: {scope}; failed to ingest: {len(failed)}\n")
    print("Cells: filled / wrong (files that state the field).\n")
    print("| field | " + " | ".join(groups) + " |")
    print("|---|" + "---|" * len(groups))

    def share(v: list[bool]) -> str:
        return f"{sum(v) / len(v):.1%}" if v else "–"

    for f in FIELDS:
        cells = [f"{share(hits[g][f])} / {share(wrong[g][f])} ({len(hits[g][f])})" if hits[g][f] or wrong[g][f] else "–"
                 for g in groups]
        print(f"| {f} | " + " | ".join(cells) + " |")
    overall = [f"{share([x for v in hits[g].values() for x in v])} / {share([x for v in wrong[g].values() for x in v])}"
               for g in groups]
    print("| **all fields** | " + " | ".join(overall) + " |\n")
    print("| OCR | scans | median CER | mean CER | median word recall |")
    print("|---|---|---|---|---|")
    for g in groups[1:]:
        if cer[g]:
            print(f"| {g} | {len(cer[g])} | {statistics.median(cer[g]):.2%} | {statistics.mean(cer[g]):.2%} "
                  f"| {statistics.median(words[g]):.2%} |")
    print(f"\n(work folder: {work}; {dt.datetime.now():%Y-%m-%d %H:%M})")


if __name__ == "__main__":
    main()
