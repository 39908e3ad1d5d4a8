"""Masking identifiers for readers who do not need them: 001085012345 → 001*******45."""

from __future__ import annotations

import re

# Runs of 9–13 digits are CMND, CCCD, tax and enterprise codes; dates and document
# numbers are shorter or carry separators. Longer runs are left alone.
_DIGITS = re.compile(r"\d{9,}")


def _mask(m: re.Match) -> str:
    run = m[0]
    return run if len(run) > 13 else run[:3] + "*" * (len(run) - 5) + run[-2:]


def mask_identifiers(text: str) -> str:
    return _DIGITS.sub(_mask, text)
