"""Page images for the tests of tilt and straightening."""

from __future__ import annotations

from PIL import Image


def rotate(page: Image.Image, angle: float, **kw) -> Image.Image:
    """Turn a scan as a crooked feeder would: same size, white where paper was not."""
    return page.rotate(angle, fillcolor=255 if page.mode == "L" else "white", **kw)
