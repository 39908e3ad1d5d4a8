"""Make a set of tilted scans with ground truth: clean one-page scans of a sample, turned.

Why: the sampler tilts degraded scans by at most 2.5°, so the question "from which tilt on
does straightening a page before OCR pay?" (indexer/skew.py ``MIN_ANGLE``) needs pages
tilted further. Each clean, untilted one-page PNG or TIFF scan of ``--from`` is turned by
each of ``--angles`` (alternating sign, bicubic, white corners, as a crooked feed would
leave it) and written to ``--out`` with its truth row, ready for bench/ocr_settings.py.

    .venv/bin/python bench/tilt_set.py --from /tmp/bench_s60 --out /tmp/bench_tilt --angles 2,2.5,3,3.5,4
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from PIL import Image


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--from", dest="src", type=Path, required=True, help="a `tracuu sample` folder")
    p.add_argument("--out", type=Path, required=True, help="folder to write (created)")
    p.add_argument("--angles", default="2,2.5,3,3.5,4", help="tilts in degrees, comma-separated")
    p.add_argument("--files", type=int, default=6, help="clean scans to take from the sample")
    a = p.parse_args()
    angles = [float(x) for x in a.angles.split(",")]
    rows = [json.loads(line) for line in (a.src / "truth.jsonl").open(encoding="utf-8")]
    clean = [r for r in rows if r["scanned"] and r["degradation"] is None and r["pages"] == 1
             and r["format"] in ("png", "tiff")][: a.files]
    a.out.mkdir(parents=True, exist_ok=True)
    with (a.out / "truth.jsonl").open("w", encoding="utf-8") as truth:
        for i, r in enumerate(clean):
            with Image.open(a.src / r["file"]) as im:
                for j, angle in enumerate(angles):
                    tilt = angle if (i + j) % 2 == 0 else -angle
                    name = f"{Path(r['file']).stem}_{j}{Path(r['file']).suffix}"
                    turned = im.rotate(tilt, resample=Image.Resampling.BICUBIC, fillcolor=255 if im.mode == "L" else "white")
                    turned.save(a.out / name, dpi=(r["dpi"], r["dpi"]))
                    truth.write(json.dumps(r | {"file": name, "degradation": {"skew": tilt}}, ensure_ascii=False) + "\n")
    print(f"{len(clean) * len(angles)} tilted scans in {a.out}")


if __name__ == "__main__":
    main()
