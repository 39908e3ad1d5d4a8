"""Benchmark: where ocrmypdf's time per page goes, by switching its steps off one at a time.

Why: bench/ocr.py finds ocrmypdf several times slower per page than bare tesseract. This
runs the same scans (one file at a time, jobs=2, ``OMP_THREAD_LIMIT=1``, as bench/ocr.py)
with deskew off, plain PDF instead of PDF/A, no optimisation, and the sandwich renderer,
and prints seconds per page for each, ``--repeat`` times.

    nice -n 10 .venv/bin/python bench/ocr_breakdown.py --dir /tmp/s --repeat 2
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ocr import OCRMYPDF_OPTIONS, scans  # noqa: E402  (the same options as bench/ocr.py)

VARIANTS = {
    "recommended": {},
    "no deskew": {"deskew": False},
    "output pdf (no PDF/A)": {"output_type": "pdf"},
    "optimize=0": {"optimize": 0},
    "no deskew, pdf, optimize=0": {"deskew": False, "output_type": "pdf", "optimize": 0},
    "no deskew, pdf, optimize=0, sandwich renderer": {"deskew": False, "output_type": "pdf", "optimize": 0,
                                                      "pdf_renderer": "sandwich"},
}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="`tracuu sample` folder (its scans are used)")
    p.add_argument("--repeat", type=int, default=2)
    a = p.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import ocrmypdf

    rows = scans(a.dir)
    pages = sum(r["pages"] for r in rows)
    out = sys.stdout  # ocrmypdf.ocr() swaps sys.stderr for a StringIO
    print(f"{len(rows)} scanned files, {pages} pages", file=out)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ocrmypdf.ocr(a.dir / rows[0]["file"], tmp / "warm.pdf", **OCRMYPDF_OPTIONS)  # warm-up, not timed
        for rep in range(a.repeat):
            for name, extra in VARIANTS.items():
                load = Path("/proc/loadavg").read_text().split()[0]
                t0 = time.perf_counter()
                for r in rows:
                    ocrmypdf.ocr(a.dir / r["file"], tmp / "o.pdf", **(OCRMYPDF_OPTIONS | {"sidecar": tmp / "s.txt"} | extra))
                s = time.perf_counter() - t0
                print(f"rep {rep + 1} {name:46}: {s / pages:.2f} s/page (load avg before {load})", file=out, flush=True)


if __name__ == "__main__":
    main()
