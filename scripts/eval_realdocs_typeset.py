"""Titles and headers read off scans of real documents that have no PDF: the labelled gazette
documents given as text only (120 of the 200), their first page typeset by us in the Decree
30/2020 layout from their own words, drawn at 200 dpi and OCR'd as the pipeline OCRs a scan.

Why: the title rules for scans (``indexer/metadata/ocr_title.py``) were written against the
80 gazette PDFs drawn as scans (scripts/eval_realdocs_scans.py), so their numbers there are
development numbers. These 120 documents were never OCR'd while the rules were written; their
words are real (agency lines, number, date line, kind, summary and the preamble that follows,
each taken from the document's text; what does not fit the first page is not drawn), only the typesetting is ours — the sample generator's
(``tracuu/sample/render.py``: Times-like serif, the kind and summary in bold, 13–14 pt, the
agency beside the motto).

    .venv/bin/python scripts/eval_realdocs_typeset.py               # ~4 min on 2 cores
    .venv/bin/python scripts/eval_realdocs_typeset.py --cases       # every wrong and empty title

A document whose header cannot be cut from its text (no ``Số:`` line, no kind line before
the preamble) is left out and counted. Only the first page is drawn, so only the fields it
carries are scored: number, date (where the date line is in the header), agency and title.
OCR results are cached (``--cache``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from realdocs.truth import REALDOCS, labels, rates, score  # noqa: E402

from eval_realdocs_scans import ocr_image, read_as_pipeline  # noqa: E402  (this folder's)
from tracuu.sample.kinds import MOTTO, Layout  # noqa: E402
from tracuu.sample.render import plan, rasterize  # noqa: E402

DPI = 200
SCORED = ("doc_number", "issued_date", "issuing_agency", "result_type")
_RULE = re.compile(r"^[_\-–—.\s]+$")
_NUMBER = re.compile(r"^(?:[A-ZĐ][\wÀ-ỹ ]{0,20} )?[Ss]ố:\s*\S")
_DATE = re.compile(r",\s*ngày\s+\d")
#: Where the preamble ends: the enacting words, the first chapter or article.
_ENACTED = re.compile(r"^(?:[A-ZĐÀ-Ỹ ]+:$|Chương\s+[IVXLC\d]+\b|Điều\s+1\b|Phần\s+)")
_GAZETTE = re.compile(r"^(CÔNG BÁO|(Người ký|Email|Cơ quan|Thời gian ký|Ký bởi)\s*:|VĂN BẢN (QUY PHẠM PHÁP LUẬT|PHÁP LUẬT KHÁC|HỢP NHẤT)\s*$|\d+\s*$)")


def header(text: str) -> Layout | None:
    """The first page's parts as the document's text gives them, or None if they cannot be cut."""
    lines = [ln.strip() for ln in text.splitlines()[:160]]
    lines = [ln for ln in lines if ln and not _RULE.match(ln) and not _GAZETTE.match(ln)]
    lines = [ln for ln in lines if ln.upper() != MOTTO[0] and not ln.startswith(MOTTO[1][:6])]
    num = next((i for i, ln in enumerate(lines) if _NUMBER.match(ln)), None)
    preamble = next((i for i, ln in enumerate(lines) if ln.startswith("Căn cứ")), None)
    if num is None or preamble is None or preamble <= num:
        return None
    agency: list[str] = []  # the capitals just above the number (the gazette's running head before them)
    for ln in reversed(lines[:num]):
        if ln.upper() != ln or not any(c.isalpha() for c in ln):
            break
        agency.insert(0, ln)
    while len(agency) > 1 and agency[0] in (" ".join(agency[1:]), agency[1]):  # the running head repeats it
        agency.pop(0)
    date_at = next((i for i in range(num + 1, preamble) if _DATE.search(lines[i])), None)
    start = (date_at if date_at is not None else num) + 1
    title = lines[start:preamble]
    authority = []  # "CHÍNH PHỦ", "THỦ TƯỚNG CHÍNH PHỦ": the line that enacts, before the preamble
    while len(title) > 1 and title[-1].upper() == title[-1]:
        authority.insert(0, title.pop())
    if not agency or not title or title[0].upper() != title[0]:
        return None
    body, para = list(authority), ""
    end = next((i for i in range(preamble, len(lines)) if _ENACTED.match(lines[i])), len(lines))
    for ln in lines[preamble:end]:  # the whole preamble; what does not fit the page is not drawn
        para = f"{para} {ln}".strip()
        if ln.endswith((";", ":", ".")):
            body.append(para)
            para = ""
    return Layout(agency=agency, number=lines[num], date_line=lines[date_at] if date_at is not None else "",
                  title=title, body=body + ([para] if para else []), signature=[])


def ocr(label: dict[str, Any], layout: Layout, cache: Path) -> dict[str, Any]:
    """The first page typeset at DPI and OCR'd as the pipeline OCRs a scan; cached as JSON."""
    path = cache / (label["file"].replace("/", "--") + ".json")
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return ocr_image(rasterize([p for p in plan(layout) if p.page == 0], DPI)[0], DPI, path)


def read(got: dict[str, Any], as_ocr: bool = True) -> dict[str, Any]:
    return read_as_pipeline([got["text"]], frozenset(got["unsure"]), as_ocr,
                            frozenset(tuple(p) for p in got["unsure_at"]), DPI)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "tracuu-realdocs-typeset")
    ap.add_argument("--cases", action="store_true", help="print every wrong and every empty title")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()

    docs, skipped = [], []
    for name in ("congbao_labels.jsonl", "congbao_heldout_labels.jsonl"):
        for label in labels(name):
            txt = REALDOCS / "congbao" / label["file"]
            if txt.with_suffix(".pdf").exists():
                continue  # drawn from its own PDF by scripts/eval_realdocs_scans.py
            layout = header(txt.read_text(encoding="utf-8"))
            (docs if layout else skipped).append((label, layout))
    if args.limit:
        docs = docs[:args.limit]
    print(f"{len(docs)} documents typeset, {len(skipped)} whose header could not be cut from the text")
    pairs, typed, seconds = [], [], []
    for k, (label, layout) in enumerate(docs, 1):
        got = ocr(label, layout, args.cache)
        seconds.append(got["seconds"])
        # Dates only where the typeset page carries the date line; the rest as labelled.
        want = {**label, "issued_date": label["issued_date"] if layout.date_line else None}
        pairs.append((want, read(got)))
        typed.append((want, read({"text": "\n".join(layout.reading_order()), "unsure": [], "unsure_at": []}, False)))
        print(f"\r{k}/{len(docs)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    for name, table in (("typeset text, no OCR", score(typed)), ("typeset, 200 dpi, OCR", score(pairs))):
        print(f"\n{name}")
        for field in SCORED:
            row = table[field]
            filled, wrong = rates(row)
            print(f"  {field:15} filled {filled:6.1%} ({row['filled_labelled']}/{row['labelled']})"
                  f"  wrong {wrong:5.1%} ({row['wrong']}/{row['filled']})")
            if args.cases and name.startswith("typeset,"):
                for case in row["cases"]:
                    print(f"      WRONG {case}")
    if args.cases:
        print("\nempty titles:")
        for label, got in pairs:
            if label.get("title") and not got.get("result_type"):
                doubts = [d for d in (got.get("pipeline_doubts") or got.get("doubts") or [])]
                print(f"  {label['file']}: {label['title'][:90]}  {str(doubts)[:160]}")
    seconds.sort()
    print(f"\nOCR median {seconds[len(seconds) // 2]:.1f} s a page" if seconds else "")


if __name__ == "__main__":
    main()
