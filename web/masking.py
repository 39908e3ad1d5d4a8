"""Masking identifiers for readers who do not need them: 001085012345 → 001*******45."""

from __future__ import annotations

import re

# 9–13 digits standing alone (CMND, CCCD, tax and enterprise codes); dates and document
# numbers are shorter or carry separators.
_IDENTIFIER = re.compile(r"(?<!\d)(\d{3})(\d{4,8})(\d{2})(?!\d)")


def mask_identifiers(text: str) -> str:
    return _IDENTIFIER.sub(lambda m: m[1] + "*" * len(m[2]) + m[3], text)
