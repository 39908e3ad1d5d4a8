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
def abbreviation_expansions() -> tuple[tuple[str, ...], ...]:
    """The words of every multi-word side of the folded abbreviation synonyms ('an toan thuc
    pham' of 'attp'), as tuples of folded words."""
    rules = load_template()["template"]["settings"]["analysis"]["filter"]["abbreviations_folded"]["synonyms"]
    sides = {tuple(side.split()) for rule in rules for side in (s.strip() for s in rule.split(","))}
    return tuple(sorted(s for s in sides if len(s) > 1))
