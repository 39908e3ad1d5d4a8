"""Validity as the index answers it: which records are valid, expired or revoked on a day.

The record model says what a record's status is on a day (``Record.status_on``); this module
says the same thing in OpenSearch's query language, for filters, facets, lookups and
report counts, and reads it back from a search hit. The two must agree, and a test holds
them to it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from archive.records import Status, effective_status

from .errors import InvalidQuery

#: The indexed fields a hit's status is computed from.
SOURCE_FIELDS = ("status", "valid_until")


def status_clause(status: str, today: dt.date) -> dict[str, Any]:
    day = today.isoformat()
    revoked = {"term": {"status": Status.revoked.value}}
    if status == Status.revoked:
        return revoked
    if status == Status.expired:
        return {"bool": {"must": [{"range": {"valid_until": {"lt": day}}}], "must_not": [revoked]}}
    if status == Status.valid:
        return {
            "bool": {
                "must_not": [revoked, {"range": {"valid_until": {"lt": day}}}],
            }
        }
    raise InvalidQuery(f"Trạng thái '{status}' không hợp lệ; chọn valid, expired hoặc revoked.")



def status_of_source(src: dict[str, Any], day: dt.date) -> Status:
    """The status on ``day`` of a record as a search hit carries it (SOURCE_FIELDS)."""
    valid_until = dt.date.fromisoformat(src["valid_until"]) if src.get("valid_until") else None
    return effective_status(src.get("status"), valid_until, day)
