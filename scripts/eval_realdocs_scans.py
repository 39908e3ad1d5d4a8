"""Metadata read off scans of real documents, against hand labels: the labelled gazette PDFs
(documents typeset by others) drawn by us as page images without any text layer — at 200 dpi
(Decree 30/2020's minimum for scans) and in degraded copies — each page OCR'd as the
pipeline OCRs a page of a scan, the texts joined, the metadata read as the pipeline reads it.

    .venv/bin/python scripts/eval_realdocs_scans.py                   # all 80 PDFs, four kinds (~8 min on 2 cores)
    .venv/bin/python scripts/eval_realdocs_scans.py --cases --empty   # every wrong value, every empty one
    .venv/bin/python scripts/eval_realdocs_scans.py --oversample 300  # also the 100-dpi copies with ocrmypdf's oversample
    .venv/bin/python scripts/eval_realdocs_scans.py --limit 3 --kinds clean   # a quick look

Pages: a gazette document runs to 49 pages, mostly annexes, so not every page is drawn: the
first page (number, date, agency, title) and every page whose text layer holds the labelled
signer's name, a law's ``thông qua ngày`` or a consolidated text's ``XÁC THỰC VĂN BẢN HỢP
NHẤT`` (where the date, the signer and a consolidated text's number stand); where no signer
is labelled, the first page closing the body (``./.``). The same pages' text layer, read
without OCR, is scored too: what the page choice alone does.

Kinds (fixed seed; each page's randomness from its file and page, so any subset is the same):
``clean`` 200 dpi grey; ``noisy`` 150 dpi, Gaussian blur (radius 0.8) and Gaussian noise
(σ 12 grey levels); ``low`` 100 dpi; ``rotated`` 200 dpi turned by 1–2° either way. OCR
results are cached (``--cache``), so a second run with ``--cases`` only re-reads (a new
``--cache`` folder after any change to the OCR settings).

Labels: tests/realdocs/congbao_labels.jsonl and congbao_heldout_labels.jsonl (by reading, see
tests/realdocs/truth.py). PDFs: ../shared/realdocs/congbao/*/*.pdf.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import statistics
import sys
import tempfile
import time
import unicodedata
import zlib
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from realdocs.truth import REALDOCS, labels, rates, score  # noqa: E402

from indexer import metadata  # noqa: E402
from indexer.legacy import fix_legacy  # noqa: E402
from indexer.pdf import page_texts  # noqa: E402
from search.analysis import normalize  # noqa: E402

SEED = 20200305  # Decree 30/2020/NĐ-CP's date
#: kind -> (dpi drawn at, what is done to the drawing)
KINDS: dict[str, tuple[int, str]] = {
    "clean": (200, "none"),
    "noisy": (150, "blur+noise"),
    "low": (100, "none"),
    "rotated": (200, "rotate"),
}
TITLES = {
    "clean": "clean, 200 dpi",
    "noisy": "150 dpi, blur + noise",
    "low": "100 dpi",
    "rotated": "200 dpi, turned 1–2°",
    "low+oversample": "100 dpi, oversample",
}
LABEL_FILES = {"dev": ["congbao_labels.jsonl"], "heldout": ["congbao_heldout_labels.jsonl"],
               "all": ["congbao_labels.jsonl", "congbao_heldout_labels.jsonl"]}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).casefold()


def chosen_pages(label: dict[str, Any], layer: list[str]) -> list[int]:
    """0-based pages that carry the labelled fields (module docstring)."""
    pages = {0}
    signer = _flat(label["signer"]) if label.get("signer") else None
    for i, text in enumerate(layer):
        flat = _flat(text)
        if "xác thực văn bản hợp nhất" in flat or "thông qua ngày" in flat or (signer and signer in flat):
            pages.add(i)
    if not signer:
        pages.add(next((i for i, t in enumerate(layer) if "./." in t), 0))
    return sorted(pages)


def documents(which: str) -> list[tuple[dict[str, Any], Path, list[int], list[str]]]:
    out = []
    for name in LABEL_FILES[which]:
        for label in labels(name):
            pdf = (REALDOCS / "congbao" / label["file"]).with_suffix(".pdf")
            if pdf.exists():
                layer = page_texts(pdf)
                out.append((label, pdf, chosen_pages(label, layer), layer))
    return out


def draw(pdf: Path, page: int, kind: str) -> Any:
    """The page as a grey image with no text layer, at the kind's dpi, degraded as it says."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    dpi, how = KINDS[kind]
    doc = pdfium.PdfDocument(str(pdf))
    try:
        image = doc[page].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()
    rng = np.random.default_rng([SEED, zlib.crc32(f"{pdf.name}:{page}:{kind}".encode())])
    if how == "blur+noise":
        image = image.filter(ImageFilter.GaussianBlur(0.8))
        pixels = np.asarray(image, dtype=np.float32) + rng.normal(0.0, 12.0, (image.height, image.width))
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    elif how == "rotate":
        angle = float(rng.uniform(1.0, 2.0) * rng.choice([-1.0, 1.0]))
        image = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    return image


@contextlib.contextmanager
def oversampled(dpi: int | None):
    """ocrmypdf's ``oversample`` for the pipeline's own OCR call, for this process only."""
    from indexer import ocr

    if not dpi:
        yield
        return
    original = ocr.ocrmypdf.ocr
    ocr.ocrmypdf.ocr = functools.partial(original, oversample=dpi)
    try:
        yield
    finally:
        ocr.ocrmypdf.ocr = original


def ocr_page(pdf: str, page: int, kind: str, cache: str) -> dict[str, Any]:
    """Draw one page and OCR it as the pipeline OCRs a page of a scan; cached as JSON."""
    path = Path(cache) / kind / f"{Path(pdf).parent.name}--{Path(pdf).stem}--p{page + 1}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    base, _, over = kind.partition("+")
    return ocr_image(draw(Path(pdf), page, base), KINDS[base][0], path,
                     int(os.environ.get("EVAL_OVERSAMPLE", "300")) if over == "oversample" else None)


def ocr_image(image: Any, dpi: int, path: Path, oversample: int | None = None) -> dict[str, Any]:
    """OCR a page image as the pipeline OCRs a page of a scan (``indexer.ocr.ocr_file``) and
    keep what it read at ``path`` (JSON): the text, the unsure words and where they stand."""
    from indexer.formats import sniff
    from indexer.ocr import ocr_file
    from search.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "page.png"
        image.save(png, dpi=(dpi, dpi))
        work = Path(tmp) / "work"
        work.mkdir()
        started = time.perf_counter()
        with oversampled(oversample):
            result = ocr_file(png, sniff(png), work, Settings())
        seconds = time.perf_counter() - started
    got = {"text": "\n".join(t or "" for t in result.page_texts), "unsure": sorted(result.unsure_words),
           "unsure_at": sorted(result.unsure_places), "confidence": result.confidence, "seconds": seconds, "size": list(image.size)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(got, ensure_ascii=False), encoding="utf-8")
    return got


def read_as_pipeline(texts: list[str], unsure: frozenset[str] | None, ocr: bool,
                     unsure_at: frozenset[tuple[str, str, str]] | None = None, dpi: int | None = None) -> dict[str, Any]:
    """Page texts joined in order, then as ``Ingestor._finish`` reads a text."""
    text, _ = fix_legacy("\n".join(texts))
    return metadata.extract(normalize(text), ocr=ocr, unsure=unsure, unsure_at=unsure_at, dpi=dpi)


def read_pages(got: list[dict[str, Any]], dpi: int | None = None) -> dict[str, Any]:
    """Cached OCR results of a document's pages, read as the pipeline reads them (a cache made
    before the unsure syllables' places were kept is read with the words alone), at the
    resolution the pages were drawn (``dpi``; the pipeline knows it from tesseract's hOCR)."""
    at = frozenset(tuple(p) for g in got for p in g["unsure_at"]) if all("unsure_at" in g for g in got) else None
    return read_as_pipeline([g["text"] for g in got], frozenset(w for g in got for w in g["unsure"]), True, at, dpi)


def cell(row: dict[str, Any]) -> str:
    filled, wrong = rates(row)
    return f"{filled:.1%} ({row['filled_labelled']}/{row['labelled']}) / {wrong:.1%} ({row['wrong']}/{row['filled']})"


def print_tables(results: dict[str, dict], times: dict[str, list[float]], columns: list[str]) -> None:
    fields = list(next(iter(results.values())).keys())
    print("\n| field | " + " | ".join(TITLES.get(c, c) for c in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for field in fields:
        print(f"| {field} | " + " | ".join(cell(results[c][field]) for c in columns) + " |")
    print("\nCells: filled (given/labelled) / wrong (wrong/given).")
    if times:
        print("\n| kind | pages | OCR s/page, median | mean | max |")
        print("|---|---|---|---|---|")
        for c in columns:
            if times.get(c):
                t = times[c]
                print(f"| {TITLES.get(c, c)} | {len(t)} | {statistics.median(t):.1f} | {statistics.fmean(t):.1f} | {max(t):.1f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    ap.add_argument("--set", choices=sorted(LABEL_FILES), default="all",
                    help="which labelled gazette set (default: both; 45 + 35 documents have a PDF)")
    ap.add_argument("--kinds", default=",".join(KINDS),
                    help=f"comma-separated kinds of copy (default: {','.join(KINDS)})")
    ap.add_argument("--oversample", type=int, metavar="DPI",
                    help="also OCR the 100-dpi copies with ocrmypdf's oversample=DPI (an experiment, not the pipeline's setting)")
    ap.add_argument("--limit", type=int, help="only the first N documents")
    ap.add_argument("--jobs", type=int, default=2, help="pages OCR'd at once (default 2)")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "tracuu-realdocs-scans",
                    help="where OCR results are kept between runs (default: %(default)s)")
    ap.add_argument("--cases", action="store_true", help="print every wrong value")
    ap.add_argument("--empty", action="store_true", help="print every labelled field left empty")
    args = ap.parse_args()

    kinds = [k for k in args.kinds.split(",") if k]
    for k in kinds:
        if k not in KINDS:
            ap.error(f"unknown kind {k!r}")
    if args.oversample:
        kinds.append("low+oversample")
        os.environ["EVAL_OVERSAMPLE"] = str(args.oversample)
    docs = documents(args.set)[: args.limit]
    print(f"{len(docs)} documents, {sum(len(p) for _, _, p, _ in docs)} pages drawn of "
          f"{sum(len(layer) for *_, layer in docs)}", file=sys.stderr)

    jobs = [(str(pdf), page, kind) for kind in kinds for _, pdf, pages, _ in docs for page in pages]
    done: dict[tuple[str, int, str], dict[str, Any]] = {}
    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(ocr_page, *job, str(args.cache)): job for job in jobs}
        for n, future in enumerate(as_completed(futures), 1):
            done[futures[future]] = future.result()
            elapsed = time.monotonic() - started
            eta = elapsed / n * (len(jobs) - n)
            bar = "#" * (30 * n // len(jobs))
            print(f"\r[{bar:<30}] {n}/{len(jobs)} pages  {elapsed / 60:.1f} min, ~{eta / 60:.1f} min left",
                  end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)

    results: dict[str, dict] = {}
    times: dict[str, list[float]] = {}
    pairs = [(label, read_as_pipeline([layer[p] for p in pages], None, ocr=False)) for label, _, pages, layer in docs]
    results["text layer"] = score(pairs)
    TITLES["text layer"] = "same pages, text layer"
    for kind in kinds:
        pairs = []
        for label, pdf, pages, _ in docs:
            got = [done[(str(pdf), p, kind)] for p in pages]
            pairs.append((label, read_pages(got, KINDS[kind.partition("+")[0]][0])))
            times.setdefault(kind, []).extend(g["seconds"] for g in got)
        results[kind] = score(pairs)
    print(f"\n### Gazette PDFs drawn as scans, {len(docs)} documents\n")
    print_tables(results, times, ["text layer", *kinds])
    if args.cases or args.empty:
        for kind in ["text layer", *kinds]:
            print(f"\n#### {TITLES.get(kind, kind)}")
            for field, row in results[kind].items():
                if args.cases:
                    for file, want, got in row["cases"]:
                        print(f"  WRONG {field}: {file}\n      want {want!r}\n      got  {got!r}")
            if args.empty:
                _print_empty(kind, docs, done)


def _print_empty(kind: str, docs: list, done: dict) -> None:
    from realdocs.truth import FIELDS, comparable

    for label, pdf, pages, layer in docs:
        if kind == "text layer":
            got = read_as_pipeline([layer[p] for p in pages], None, ocr=False)
        else:
            got = read_pages([done[(str(pdf), p, kind)] for p in pages], KINDS[kind.partition("+")[0]][0])
        for lf, rf in FIELDS.items():
            if comparable(rf, label.get(lf)) is not None and comparable(rf, got.get(rf)) is None:
                print(f"  EMPTY {rf}: {label['file']}  want {label.get(lf)!r}")


if __name__ == "__main__":
    main()
