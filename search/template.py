"""The index template (``mappings/records.json``): the one place the records' fields, their
analyzers and the abbreviation synonyms are defined. Read here for the index it creates
(search/index.py) and for what the query builder must know of the analysis (search/query.py).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"


@lru_cache
def load_template() -> dict[str, Any]:
    """The index template from mappings/, with documentation keys (``_comment``) removed."""
    raw = json.loads((MAPPINGS_DIR / "records.json").read_text(encoding="utf-8"))
    return {k: v for k, v in raw.items() if not k.startswith("_comment")}


@lru_cache
def abbreviations() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The folded abbreviation synonyms as {abbreviation: its expansions as tuples of folded
    words} ('attp': (('an', 'toan', 'thuc', 'pham'),)), read from the template's list."""
    rules = load_template()["template"]["settings"]["analysis"]["filter"]["abbreviations_folded"]["synonyms"]
    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for rule in rules:
        sides = [tuple(side.split()) for side in (s.strip() for s in rule.split(",")) if side]
        longs = tuple(s for s in sides if len(s) > 1)
        for short in (s[0] for s in sides if len(s) == 1):
            out[short] = out.get(short, ()) + longs
    return out
