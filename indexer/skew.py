"""How far a scanned page is rotated, estimated from its ink alone (projection profiles).

Why not tesseract's own estimate, which ocrmypdf's ``deskew`` asks for: it is a second
tesseract pass over the page (``--psm 2``, 0.25–0.35 s a page on this kind of machine), and
beyond ~4° it often answers 0° — exactly the pages that need straightening
(bench/README.md). Text lines are the strongest structure on an administrative result: when
the page is straight, the row sums of its ink alternate sharply between lines and gaps.
Shearing the ink coordinates through candidate angles and keeping the angle whose row
profile is sharpest finds the skew in a few tens of milliseconds on a downscaled page.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageOps

#: Pages are judged at about this width: ~100 dpi on A4, enough for 10-pt text lines.
WORK_WIDTH = 1000
#: Scans are searched for skew within ± this many degrees (a page turned further than this
#: is an orientation problem, not skew).
MAX_ANGLE = 10.0
#: Below this the page is left as it is. Tesseract reads text tilted up to 2.5° as well as
#: straight text (bench/README.md: the same accuracy with and without deskew), and
#: straightening re-samples and re-encodes the archival page image (0.3–0.5 s a page here,
#: indexer/straighten.py).
MIN_ANGLE = 1.0
#: Fewer dark pixels than this share of the page: blank or nearly so, nothing to measure.
MIN_INK = 0.002


def estimate(image: Image.Image) -> float:
    """Degrees to rotate the page counter-clockwise (PIL's ``Image.rotate``) to straighten it;
    0.0 when it is straight enough, blank, or shows no measurable lines."""
    # Shrunk before it is made grey (a tenth of the pixels to convert), except where Pillow
    # would shrink by dropping pixels: 1-bit and palette images.
    gray = image.convert("L") if image.mode in ("1", "P") else image
    if gray.width > WORK_WIDTH:
        gray = gray.resize((WORK_WIDTH, max(1, round(gray.height * WORK_WIDTH / gray.width))),
                           Image.Resampling.BOX)
    gray = ImageOps.grayscale(gray) if gray.mode != "L" else gray
    pixels = np.asarray(gray)
    ink = pixels < _threshold(pixels)
    ys, xs = np.nonzero(ink)
    if len(ys) < MIN_INK * pixels.size:
        return 0.0
    xs = xs.astype(np.float64) - pixels.shape[1] / 2
    ys = ys.astype(np.float64)
    coarse = _best(ys, xs, np.arange(-MAX_ANGLE, MAX_ANGLE + 1e-9, 0.5))
    fine = _best(ys, xs, np.arange(coarse - 0.5, coarse + 0.5 + 1e-9, 0.05))
    return 0.0 if abs(fine) < MIN_ANGLE else round(-float(fine), 2)


def _best(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray) -> float:
    """The candidate angle whose sheared row profile changes most sharply from row to row."""
    scores = []
    for angle in angles:
        rows = np.round(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
        profile = np.bincount(rows - rows.min())
        scores.append(float(np.sum(np.diff(profile).astype(np.float64) ** 2)))
    return float(angles[int(np.argmax(scores))])


def _threshold(pixels: np.ndarray) -> float:
    """Otsu's threshold: scans vary from grey paper to photocopier black, so no fixed cut."""
    hist = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * np.arange(256))
    between = (mean[-1] * weight / total - mean) ** 2 / np.maximum(weight * (total - weight), 1e-9)
    return float(np.argmax(between))
