"""Benchmark: the floor of the indexer's OCR cost per page, against bare tesseract on the same pages.

Why: bench/ocr.py finds the indexer's OCR (ocrmypdf with our plugins) slower per page than
tesseract. This asks how low it can go at all: untilted one-page scans (no straightening),
one file at a time with one tesseract on one core (``jobs=1``, ``OMP_THREAD_LIMIT=1``), the
indexer's own call (``indexer.ocr.ocr_file``) with its choices taken away one by one (its
rasteriser plugin, sauvola thresholding, the sandwich renderer, PDF/A, optimisation) and
several together. Two references: bare ``tesseract IMAGE out -l vie`` one page at a time,
and the same with the indexer's thresholding (``-c thresholding_method=2``, sauvola), i.e.
tesseract doing exactly the indexer's reading and nothing around it.

    nice -n 10 .venv/bin/python bench/ocr_floor.py --dir /tmp/bench_s3n20 --files 8 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ocr import ROOT, page_images, scans  # noqa: E402  (the same sample handling as bench/ocr.py)

#: Each variant: extra ocrmypdf options, and patches of the indexer's module constants.
VARIANTS: dict[str, tuple[dict, dict]] = {
    "as the indexer runs it": ({}, {}),
    "ocrmypdf's own rasteriser": ({}, {"indexer.ocr.PLUGINS": ["indexer.ocr_engine"]}),
    "default thresholding (otsu)": ({"tesseract_thresholding": "auto"}, {}),
    "fpdf2 renderer (from hOCR)": ({"pdf_renderer": "fpdf2"}, {}),
    "optimize 0": ({"optimize": 0}, {}),
    "plain PDF (no PDF/A)": ({"output_type": "pdf"}, {}),
    "otsu, optimize 0, plain PDF": ({"tesseract_thresholding": "auto", "optimize": 0, "output_type": "pdf"}, {}),
}
REFERENCES = ("bare tesseract", "bare tesseract, sauvola")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="`tracuu sample` folder (its scans are used)")
    p.add_argument("--files", type=int, default=8, help="untilted one-page scans to use")
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    sys.path.insert(0, str(ROOT))
    import ocrmypdf

    from indexer.formats import sniff
    from indexer.ocr import ocr_file
    from search.config import Settings

    rows = [r for r in scans(a.dir) if r["pages"] == 1 and abs((r["degradation"] or {}).get("skew", 0)) < 1][: a.files]
    out = sys.stdout  # ocrmypdf.ocr() swaps sys.stderr for a StringIO
    print(f"{len(rows)} untilted one-page scans; ocrmypdf {ocrmypdf.__version__}", file=out)
    settings = Settings(ocr_jobs=1)
    real_ocr = ocrmypdf.ocr
    times: dict[str, list[float]] = {k: [] for k in (*REFERENCES, *VARIANTS)}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "img").mkdir()
        images = page_images(rows, a.dir, tmp / "img")
        ocr_file(a.dir / rows[0]["file"], sniff(a.dir / rows[0]["file"]), tmp, settings)  # warm-up, not timed
        for rep in range(a.repeat):
            for name in times:
                load = Path("/proc/loadavg").read_text().split()[0]
                t0 = time.perf_counter()
                if name in REFERENCES:
                    for img in images:
                        extra = ["-c", "thresholding_method=2"] if name != REFERENCES[0] else []
                        subprocess.run(["tesseract", img, tmp / "t", "-l", "vie", *extra], check=True, capture_output=True)
                else:
                    options, patches = VARIANTS[name]
                    with ExitStack() as stack:
                        for target, value in patches.items():
                            stack.enter_context(mock.patch(target, value))
                        stack.enter_context(mock.patch(
                            "ocrmypdf.ocr", lambda *args, _o=options, **kw: real_ocr(*args, **(kw | _o))))
                        for n, r in enumerate(rows):
                            work = tmp / f"{rep}-{list(VARIANTS).index(name)}-{n}"
                            work.mkdir()
                            ocr_file(a.dir / r["file"], sniff(a.dir / r["file"]), work, settings)
                times[name].append((time.perf_counter() - t0) / len(rows))
                print(f"rep {rep + 1} {name:40}: {times[name][-1]:.2f} s/page (load avg before {load})",
                      file=out, flush=True)
    ref = {k: statistics.median(times[k]) for k in REFERENCES}
    print(f"\nmedian over {a.repeat} repeats (× each reference):", file=out)
    for name, v in times.items():
        m = statistics.median(v)
        print(f"  {name:40}: {m:.2f} s/page, {m / ref[REFERENCES[0]]:.2f}x bare tesseract, "
              f"{m / ref[REFERENCES[1]]:.2f}x with the indexer's thresholding", file=out)


if __name__ == "__main__":
    main()
