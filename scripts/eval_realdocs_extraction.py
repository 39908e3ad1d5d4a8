"""Metadata read off documents nobody on this project wrote, against hand labels: per field,
how often a value is given (filled) and how often a given value is wrong.

    .venv/bin/python scripts/eval_realdocs_extraction.py            # gazette texts (no services)
    .venv/bin/python scripts/eval_realdocs_extraction.py --pdf      # also the gazette PDFs via Tika
    .venv/bin/python scripts/eval_realdocs_extraction.py --scan     # also the real scan, OCR'd (tesseract)
    .venv/bin/python scripts/eval_realdocs_extraction.py --cases    # print every wrong value
    .venv/bin/python scripts/eval_realdocs_extraction.py --held-out # the 100 documents no rule was developed on

Labels: tests/realdocs/*.jsonl (made by reading, see tests/realdocs/truth.py). Texts and
scans: ../shared/realdocs. The scan is the two pages of a real letter, clean and in four
degraded copies (noisy, blurred, dark, rotated), each page OCR'd as the pipeline reads a page of a multi-page scan, the texts joined.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from realdocs.truth import REALDOCS, labels, rates, score  # noqa: E402

from indexer import metadata  # noqa: E402
from search.analysis import normalize  # noqa: E402


def table(title: str, result: dict, cases: bool) -> None:
    print(f"\n### {title}\n")
    print("| field | labelled | filled | wrong |")
    print("|---|---|---|---|")
    for field, row in result.items():
        filled, wrong = rates(row)
        print(f"| {field} | {row['labelled']} | {filled:.1%} | {wrong:.1%} ({row['wrong']}/{row['filled']}) |")
    if cases:
        for field, row in result.items():
            for file, want, got in row["cases"]:
                print(f"  WRONG {field}: {file}\n      want {want!r}\n      got  {got!r}")


def gazette_texts(cases: bool, which: str = "congbao_labels.jsonl", name: str = "developed on") -> None:
    pairs = []
    for label in labels(which):
        text = normalize((REALDOCS / "congbao" / label["file"]).read_text(encoding="utf-8"))
        pairs.append((label, metadata.extract(text)))
    table(f"Gazette texts (.txt), {len(pairs)} documents, {name}", score(pairs), cases)


def gazette_pdfs(cases: bool, which: str = "congbao_labels.jsonl") -> None:
    from indexer.extract import TikaClient
    from search.config import Settings

    tika = TikaClient(Settings())
    pairs = []
    for label in labels(which):
        pdf = (REALDOCS / "congbao" / label["file"]).with_suffix(".pdf")
        if pdf.exists():
            pairs.append((label, metadata.extract(normalize(tika.extract(pdf).text))))
    table(f"Gazette PDFs through Tika, {len(pairs)} documents", score(pairs), cases)


def scans(cases: bool) -> None:
    from indexer.formats import sniff
    from indexer.ocr import ocr_file
    from search.config import Settings

    label = labels("scan_labels.jsonl")[0]
    settings = Settings()
    scans_dir = REALDOCS / "scans"
    variants = {"clean": (scans_dir / "4_1.jpg", scans_dir / "4_2.jpg")}
    for v in ("v1_noisy", "v2_blur", "v3_dark", "v4_rotated"):
        variants[v] = (scans_dir / "augmented" / f"4_1_{v}.jpg", scans_dir / "augmented" / f"4_2_{v}.jpg")
    clean, degraded = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name, pages in variants.items():
            # Each page as the scanner gave it, read as the pipeline reads a multi-page scan:
            # page by page, the texts joined in order.
            texts, unsure, places, confidences = [], set(), set(), []
            for i, page in enumerate(pages):
                work = Path(tmp) / f"{name}-{i}"
                work.mkdir()
                result = ocr_file(page, sniff(page), work, settings)
                texts += [t or "" for t in result.page_texts]
                unsure |= result.unsure_words
                places |= result.unsure_places
                confidences.append(result.confidence)
            got = metadata.extract(normalize("\n".join(texts)), ocr=True, unsure=frozenset(unsure),
                                    unsure_at=frozenset(places))
            print(f"  scan {name}: confidence {confidences}, read {sorted(got)}")
            (clean if name == "clean" else degraded).append((label, got))
    table("Real scan, clean (1 letter, 2 pages)", score(clean), cases)
    table("Real scan, degraded copies (4 × 2 pages)", score(degraded), cases)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pdf", action="store_true", help="also read the gazette PDFs through Tika (needs Tika)")
    ap.add_argument("--scan", action="store_true", help="also OCR the real scan and its degraded copies")
    ap.add_argument("--cases", action="store_true", help="print every wrong value")
    ap.add_argument("--held-out", action="store_true",
                    help="score the held-out labels (the other 100 gazette documents) instead: run once, after the last change")
    args = ap.parse_args()
    which = "congbao_heldout_labels.jsonl" if args.held_out else "congbao_labels.jsonl"
    gazette_texts(args.cases, which, "held out" if args.held_out else "developed on")
    if args.pdf:
        gazette_pdfs(args.cases, which)
    if args.scan:
        scans(args.cases)


if __name__ == "__main__":
    main()
