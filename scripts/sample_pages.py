"""Render the first page of one sample result of each kind into docs/samples/ as PNG, and
one degraded scan beside its clean twin, so a reader sees what the indexer faces.

    .venv/bin/python scripts/sample_pages.py
"""

from __future__ import annotations

import random
from pathlib import Path

from tracuu.sample.corpus import Options, _printed_layout, plan_corpus
from tracuu.sample.render import Degradation, degrade, plan, rasterize

OUT = Path(__file__).resolve().parent.parent / "docs" / "samples"
DPI = 75


def small(img):
    return img.quantize(16)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    specs = plan_corpus(Options(n=27, seed=1))
    seen = set()
    for spec in specs:
        if spec.result.kind in seen:
            continue
        seen.add(spec.result.kind)
        page = rasterize(plan(_printed_layout(spec)), DPI)[0]
        small(page).save(OUT / f"{spec.result.kind}.png", optimize=True)
    # A degraded scan at its real resolution, cropped to the header: skew, noise, blur, JPEG.
    spec = specs[0]
    page = rasterize(plan(_printed_layout(spec)), 200)[0]
    crop = (0, 0, page.width, page.height // 3)
    degraded = degrade(page, Degradation.draw(random.Random(4)), seed=1).crop(crop)
    small(degraded).save(OUT / "degraded-scan-200dpi.png", optimize=True)
    print(f"wrote {len(seen) + 1} pages to {OUT}")


if __name__ == "__main__":
    main()
