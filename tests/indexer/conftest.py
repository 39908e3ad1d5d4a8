"""Scanned pages from the sample corpus, for the tests of tilt and straightening."""

from __future__ import annotations

import pytest
from pages import rotate
from PIL import Image


@pytest.fixture(scope="session")
def scan_page(sample_corpus) -> tuple[Image.Image, float, dict]:
    """A one-page PNG or TIFF scan of the sample, the tilt the sampler gave it, and its truth row."""
    folder, truth = sample_corpus
    row = next(t for t in truth if t["scanned"] and t["format"] in ("png", "tiff") and t["pages"] == 1)
    with Image.open(folder / row["file"]) as im:
        im.load()
        return im, (row["degradation"] or {}).get("skew", 0.0), row


@pytest.fixture(scope="session")
def straight_page(scan_page) -> tuple[Image.Image, dict]:
    """That scan turned straight, and its truth row."""
    page, own, row = scan_page
    return rotate(page, -own, resample=Image.Resampling.BICUBIC), row
