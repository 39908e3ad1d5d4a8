"""Choose ocrmypdf settings by measurement: accuracy and speed of OCR variants on sample scans.

Why: the indexer's OCR options (indexer/ocr.py) were picked by reasoning, not numbers. This
script runs each variant over the scanned files of one or more ``tracuu sample`` folders
(which carry exact ground truth in truth.jsonl), exactly as the indexer calls ocrmypdf (one
file at a time, jobs=2, PDF/A output, text from the sidecar), and reports per variant, for
clean vs. degraded and 200 vs. 300 dpi scans:

* CER: Levenshtein distance between whitespace-collapsed, NFC-normalised OCR text and truth,
  divided by the length of the truth. Sensitive to line order (two-column headers may come
  out in another order), hence also
* word recall: share of truth words (lower-cased ``\\w+`` tokens) found in the OCR words,
  counted as multisets; order-free, and closest to what full-text search needs;
* seconds per page (wall clock of the whole ``ocrmypdf.ocr`` call / pages).

Rows are appended to a JSONL file as they are measured, so an interrupted run resumes, and
``--report`` prints the table from that file alone.

    .venv/bin/tracuu sample /tmp/s --n 60 --seed 3
    nice -n 10 .venv/bin/python bench/ocr_settings.py --dir /tmp/s --variants a,b,d
    .venv/bin/python bench/ocr_settings.py --report
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "ocr_settings.jsonl"

#: The indexer's call (indexer/ocr.py) is variant "a"; the others change one thing each,
#: except the combinations at the end, which join changes that helped on their own.
BASE = dict(
    language=["vie"], output_type="pdfa", pdfa_backend="internal", jobs=2, deskew=True,
    skip_text=True, progress_bar=False, invalidate_digital_signatures=True, tesseract_timeout=300,
)
#: ocrmypdf's default unpaper arguments (ocrmypdf/_exec/unpaper.py) minus --no-deskew.
UNPAPER_DESKEW = ("--layout none --mask-scan-size 100 --no-border-align --no-mask-center --no-grayfilter "
                  "--no-blackfilter --deskew-scan-range 10")
VARIANTS: dict[str, tuple[str, dict]] = {
    "a": ("current (deskew)", {}),
    "b": ("no deskew", {"deskew": False}),
    "c": ("oversample=300", {"oversample": 300}),
    "d": ("clean (unpaper)", {"clean": True}),
    "e4": ("psm 4", {"tesseract_pagesegmode": 4}),
    "e6": ("psm 6", {"tesseract_pagesegmode": 6}),
    "f": ("thresholding sauvola", {"tesseract_thresholding": "sauvola"}),
    "g": ("thresholding adaptive-otsu", {"tesseract_thresholding": "adaptive-otsu"}),
    "bf": ("sauvola, no deskew", {"deskew": False, "tesseract_thresholding": "sauvola"}),
    # ocrmypdf's own deskew asks tesseract (--psm 2) for the angle, which says 0 beyond ~4-5°;
    # unpaper can deskew the OCR image instead (ocrmypdf passes --no-deskew unless told).
    "du": ("clean + unpaper deskew ±10°", {"clean": True, "unpaper_args": UNPAPER_DESKEW}),
    "duf": ("clean + unpaper deskew ±10° + sauvola",
            {"clean": True, "unpaper_args": UNPAPER_DESKEW, "tesseract_thresholding": "sauvola"}),
    "h": ("optimize=0 (speed only)", {"optimize": 0}),
    # What indexer/ocr.py does since: sauvola, and deskew only for files with a page tilted
    # ≥ 1° by its own projection-profile estimate (indexer/skew.py) instead of tesseract's.
    "ix": ("the indexer: sauvola + own deskew ≥ 1°", {"indexer": True}),
    # The same, with tilted pages left to ocrmypdf's deskew instead of indexer/straighten.py
    # and pages drawn by ocrmypdf's rasteriser instead of indexer/ocr_raster.py.
    "ixd": ("the indexer, ocrmypdf's deskew and rasteriser", {"indexer": True, "own": False}),
    # From which tilt on does straightening pay (indexer/skew.py MIN_ANGLE)? Never, here.
    "ixn": ("the indexer, never straightening", {"indexer": True, "min_angle": 90.0}),
    "cd": ("oversample=300 + clean", {"oversample": 300, "clean": True}),
    "cf": ("oversample=300 + sauvola", {"oversample": 300, "tesseract_thresholding": "sauvola"}),
    # adaptive-otsu with oversampling ran ~290 s on one noisy 200-dpi page: stopped after 2 files.
    "cg": ("oversample=300 + adaptive-otsu", {"oversample": 300, "tesseract_thresholding": "adaptive-otsu"}),
    "cdg": ("oversample=300 + clean + adaptive-otsu",
            {"oversample": 300, "clean": True, "tesseract_thresholding": "adaptive-otsu"}),
}
#: oversample only raises pages *below* 300 dpi, so on 300-dpi scans it is a no-op: skipped.
ONLY_BELOW_300 = {"c"}


# ocrmypdf.ocr() leaves sys.stderr replaced by a StringIO (seen with 17.13), hence
# progress goes to sys.__stderr__.


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", unicodedata.normalize("NFC", text).lower()))


def scores(ocr: str, truth: str) -> tuple[float, float, float]:
    """CER, word recall, and CER over the *sorted* words (order-free: two-column headers)."""
    from rapidfuzz.distance import Levenshtein  # pip install rapidfuzz (C speed; pure Python takes s/page)

    t, o = norm(truth), norm(ocr)
    tw = words(truth)
    sorted_cer = Levenshtein.distance(" ".join(sorted(o.split())), " ".join(sorted(t.split()))) / max(1, len(t))
    recall = sum((tw & words(ocr)).values()) / max(1, sum(tw.values()))
    return Levenshtein.distance(o, t) / max(1, len(t)), recall, sorted_cer


def load_scans(spec: str) -> list[dict]:
    """``DIR`` or ``DIR:DPI`` (only scans of that dpi, to top up a thin group from another seed)."""
    folder, _, dpi = spec.partition(":")
    rows = [json.loads(line) for line in open(Path(folder) / "truth.jsonl", encoding="utf-8")]
    rows = [r | {"dir": folder} for r in rows if r["scanned"] and (not dpi or r["dpi"] == int(dpi))]
    return rows


def run_one(row: dict, options: dict) -> tuple[float, str]:
    import ocrmypdf

    src = Path(row["dir"]) / row["file"]
    if options.get("indexer"):
        return run_indexer(src, options.get("own", True), options.get("min_angle"))
    with tempfile.TemporaryDirectory(prefix="ocrbench-") as tmp:
        opts = BASE | options | {"sidecar": Path(tmp) / "ocr.txt"}
        if row["format"] in ("tiff", "jpeg", "png") and not row["dpi"]:
            opts["image_dpi"] = 300  # as the indexer does for images without a dpi
        t0 = time.perf_counter()
        ocrmypdf.ocr(src, Path(tmp) / "out.pdf", **opts)
        seconds = time.perf_counter() - t0
        return seconds, (Path(tmp) / "ocr.txt").read_text(encoding="utf-8", errors="replace")


def run_indexer(src: Path, own: bool = True, min_angle: float | None = None) -> tuple[float, str]:
    """The indexer's own OCR call, with both cores for the file's pages as in the variants;
    ``own=False`` leaves tilted pages to ocrmypdf's deskew and rasterising to ocrmypdf, as
    before indexer/straighten.py and indexer/ocr_raster.py; ``min_angle`` replaces the tilt
    from which a page is straightened (indexer/skew.py ``MIN_ANGLE``)."""
    sys.path.insert(0, str(HERE.parent))
    from unittest import mock

    from indexer.formats import sniff
    from indexer.ocr import ocr_file
    from search.config import Settings

    with tempfile.TemporaryDirectory(prefix="ocrbench-") as tmp, ExitStack() as undo:
        if not own:
            undo.enter_context(mock.patch("indexer.straighten.straighten", return_value=None))
            undo.enter_context(mock.patch("indexer.ocr.PLUGINS", ["indexer.ocr_engine"]))
        if min_angle is not None:
            undo.enter_context(mock.patch("indexer.skew.MIN_ANGLE", min_angle))
        t0 = time.perf_counter()
        result = ocr_file(src, sniff(src), Path(tmp), Settings(ocr_jobs=2))
        seconds = time.perf_counter() - t0
        return seconds, "\f".join(t or "" for t in result.page_texts)


def measure(specs: list[str], variants: list[str], out: Path) -> None:
    import logging
    import os

    # With 2 OpenMP threads (ocrmypdf's choice for a one-page file on jobs=2) tesseract
    # spin-waits when the cores are shared: one page took 28 s instead of 1.6 s with other
    # tests running. Passive waiting removes that noise without changing the text.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

    logging.getLogger("ocrmypdf").setLevel(logging.ERROR)
    done = set()
    if out.exists():
        done = {(r["variant"], r["dir"], r["file"]) for r in map(json.loads, out.open(encoding="utf-8"))}
    rows = [r for s in specs for r in load_scans(s)]
    out.parent.mkdir(parents=True, exist_ok=True)
    run_one(rows[0], {})  # warm-up: imports, plugin discovery, page cache; not recorded
    # Files outer, variants inner: a burst of load from other processes then hits all
    # variants of the same file alike instead of one variant's whole run.
    for r in rows:
        for v in variants:
            if (v, r["dir"], r["file"]) in done or (v in ONLY_BELOW_300 and r["dpi"] >= 300):
                continue
            load = float(Path("/proc/loadavg").read_text().split()[0])
            seconds, text = run_one(r, VARIANTS[v][1])
            cer, recall, sorted_cer = scores(text, r["text"])
            rec = dict(variant=v, dir=r["dir"], file=r["file"], format=r["format"], dpi=r["dpi"],
                       degraded=r["degradation"] is not None, pages=r["pages"], seconds=round(seconds, 3),
                       cer=round(cer, 5), recall=round(recall, 5), sorted_cer=round(sorted_cer, 5), load=load)
            with out.open("a", encoding="utf-8") as f:
                f.write(json.dumps(rec) + "\n")
            print(f"{r['dir']}/{r['file']} {r['dpi']}dpi {'deg' if rec['degraded'] else 'clean'} {v}: "
                  f"CER {cer:.3f} recall {recall:.3f} {seconds / r['pages']:.1f} s/page load {load}",
                  file=sys.__stderr__, flush=True)


def report(out: Path, baseline: str = "a") -> None:
    recs = [json.loads(line) for line in out.open(encoding="utf-8")]
    groups = [("clean 300 dpi", lambda r: not r["degraded"] and r["dpi"] == 300),
              ("clean 200 dpi", lambda r: not r["degraded"] and r["dpi"] == 200),
              ("degraded 300 dpi", lambda r: r["degraded"] and r["dpi"] == 300),
              ("degraded 200 dpi", lambda r: r["degraded"] and r["dpi"] == 200),
              ("all scans", lambda r: True)]  # (the skew set counts as degraded)
    med = statistics.median
    print("Cells: median CER % / median sorted-word CER % / median word recall % / median s per page (files)\n")
    print("| variant | " + " | ".join(g for g, _ in groups) + " | load avg |")
    print("|---" * (len(groups) + 2) + "|")
    for v in VARIANTS:
        mine = [r for r in recs if r["variant"] == v]
        if not mine:
            continue
        cells = []
        for _, keep in groups:
            g = [r for r in mine if keep(r)]
            cells.append(f"{100 * med(r['cer'] for r in g):.1f} / {100 * med(r['sorted_cer'] for r in g):.1f} / "
                         f"{100 * med(r['recall'] for r in g):.1f} / {med(r['seconds'] / r['pages'] for r in g):.2f} "
                         f"({len(g)})" if g else "–")
        loads = [r["load"] for r in mine]
        print(f"| {v}: {VARIANTS[v][0]} | " + " | ".join(cells) + f" | {min(loads):.1f}–{max(loads):.1f} |")
    # Medians hide the tails, where the variants differ: means, worst recall, and a paired
    # count against the baseline variant on the same files (time as a ratio of summed seconds).
    base = {(r["dir"], r["file"]): r for r in recs if r["variant"] == baseline}
    print(f"\nCells: mean sorted-word CER % / mean recall % / worst recall % / files better+worse than {baseline} "
          f"(sorted-word CER) / time vs {baseline}\n")
    print("| variant | " + " | ".join(g for g, _ in groups) + " |")
    print("|---" * (len(groups) + 1) + "|")
    for v in VARIANTS:
        mine = [r for r in recs if r["variant"] == v and (r["dir"], r["file"]) in base]
        if not mine:
            continue
        cells = []
        for _, keep in groups:
            g = [r for r in mine if keep(r)]
            if not g:
                cells.append("–")
                continue
            b = [base[(r["dir"], r["file"])] for r in g]
            up = sum(r["sorted_cer"] < x["sorted_cer"] for r, x in zip(g, b))
            down = sum(r["sorted_cer"] > x["sorted_cer"] for r, x in zip(g, b))
            cells.append(f"{100 * statistics.mean(r['sorted_cer'] for r in g):.2f} / "
                         f"{100 * statistics.mean(r['recall'] for r in g):.2f} / {100 * min(r['recall'] for r in g):.1f} / "
                         f"+{up} −{down} / ×{sum(r['seconds'] for r in g) / sum(x['seconds'] for x in b):.2f}")
        print(f"| {v}: {VARIANTS[v][0]} | " + " | ".join(cells) + " |")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog="Variants: " + "; ".join(
        f"{k} = {d}" for k, (d, _) in VARIANTS.items()))
    p.add_argument("--dir", action="append", default=[], metavar="DIR[:DPI]",
                   help="sample folder with truth.jsonl (repeatable); ':200' keeps only 200-dpi scans")
    p.add_argument("--variants", default="a,b,c,d", help="comma-separated keys (see below)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSONL of per-file results (appended)")
    p.add_argument("--report", action="store_true", help="only print the table from --out")
    p.add_argument("--baseline", default="a", help="variant the per-file comparison is made against")
    a = p.parse_args()
    if not a.report:
        if not a.dir:
            p.error("--dir is needed to measure")
        measure(a.dir, [v.strip() for v in a.variants.split(",")], a.out)
    report(a.out, a.baseline)


if __name__ == "__main__":
    main()
