"""Benchmark: the floor of ocrmypdf's cost per page, against bare tesseract on the same pages.

Why: bench/ocr.py finds ocrmypdf several times slower per page than tesseract. This asks
how low it can go at all: untilted one-page scans (no deskew), one file at a time with one
tesseract on one core (``jobs=1``, ``OMP_THREAD_LIMIT=1``), with the indexer's choices
taken away one by one (its rasteriser plugin, sauvola thresholding, PDF/A, fpdf2 renderer,
optimisation) and the last four together; bare ``tesseract IMAGE out -l vie`` one page at a
time is the reference. What is left when everything is stripped is ocrmypdf's own per-page
work.

    nice -n 10 .venv/bin/python bench/ocr_floor.py --dir /tmp/bench_s3n20 --files 8 --repeat 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ocr import ROOT, page_images, scans  # noqa: E402  (the same sample handling as bench/ocr.py)

#: The indexer's call for an untilted file (indexer/ocr.py), one file on one core.
BASE = dict(language=["vie"], output_type="pdfa", pdfa_backend="internal", jobs=1, deskew=False,
            skip_text=True, progress_bar=False, invalidate_digital_signatures=True, tesseract_timeout=300,
            tesseract_thresholding="sauvola", plugins=["indexer.ocr_engine", "indexer.ocr_raster"])
VARIANTS = {
    "as the indexer runs it": {},
    "ocrmypdf's own rasteriser": {"plugins": ["indexer.ocr_engine"]},
    "default thresholding (otsu)": {"tesseract_thresholding": "auto"},
    "sandwich renderer": {"pdf_renderer": "sandwich"},
    "optimize 0": {"optimize": 0},
    "plain PDF (no PDF/A)": {"output_type": "pdf"},
    "all four together": {"pdf_renderer": "sandwich", "optimize": 0, "output_type": "pdf",
                          "tesseract_thresholding": "auto"},
}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="`tracuu sample` folder (its scans are used)")
    p.add_argument("--files", type=int, default=8, help="untilted one-page scans to use")
    p.add_argument("--repeat", type=int, default=2)
    a = p.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    sys.path.insert(0, str(ROOT))
    import ocrmypdf

    rows = [r for r in scans(a.dir) if r["pages"] == 1 and abs((r["degradation"] or {}).get("skew", 0)) < 1][: a.files]
    out = sys.stdout  # ocrmypdf.ocr() swaps sys.stderr for a StringIO
    print(f"{len(rows)} untilted one-page scans; ocrmypdf {ocrmypdf.__version__}", file=out)
    times: dict[str, list[float]] = {"bare tesseract": []} | {k: [] for k in VARIANTS}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "img").mkdir()
        images = page_images(rows, a.dir, tmp / "img")
        ocrmypdf.ocr(a.dir / rows[0]["file"], tmp / "warm.pdf", **BASE)  # warm-up, not timed
        for rep in range(a.repeat):
            for name in times:
                load = Path("/proc/loadavg").read_text().split()[0]
                t0 = time.perf_counter()
                if name == "bare tesseract":
                    for img in images:
                        subprocess.run(["tesseract", img, tmp / "t", "-l", "vie"], check=True, capture_output=True)
                else:
                    for r in rows:
                        ocrmypdf.ocr(a.dir / r["file"], tmp / "o.pdf", **(BASE | {"sidecar": tmp / "s.txt"} | VARIANTS[name]))
                times[name].append((time.perf_counter() - t0) / len(rows))
                print(f"rep {rep + 1} {name:30}: {times[name][-1]:.2f} s/page (load avg before {load})",
                      file=out, flush=True)
    ref = statistics.median(times["bare tesseract"])
    print(f"\nmedian over {a.repeat} repeats:", file=out)
    for name, v in times.items():
        print(f"  {name:30}: {statistics.median(v):.2f} s/page, {statistics.median(v) / ref:.2f}x tesseract", file=out)


if __name__ == "__main__":
    main()
