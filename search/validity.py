"""Validity as the index answers it: which records are valid, not yet valid, expired,
suspended, replaced or revoked on a day.

The record model says what a record's status is on a day (``Record.status_on``, through
``archive.records.effective_status``); this module says the same thing in OpenSearch's
query language, for filters, facets, lookups and report counts, and reads it back from a
search hit. The two must agree, and a test holds them to it on a grid of records and days
(tests/test_status_events.py).

The rule, in order: a recorded standing on the day (a ``status_periods`` entry covering it;
for a record without periods, a manifest's ``status``), else ``not_yet_valid`` before
``valid_from``, else ``expired`` after ``valid_until``, else ``valid``. Periods are nested
documents, so a period's start and end are always read together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from archive.records import STANDINGS, Status, StatusPeriod, effective_status

from .errors import InvalidQuery

#: The indexed fields a hit's status is computed from.
SOURCE_FIELDS = ("status", "valid_from", "valid_until", "status_periods")

#: ``ignore_unmapped``: an index made before periods existed (not yet reindexed nor
#: ``ensure``d) has none, rather than failing every status filter.
_HAS_PERIODS = {"nested": {"path": "status_periods", "query": {"match_all": {}}, "ignore_unmapped": True}}


def _covering(day: str, status: str | None = None) -> dict[str, Any]:
    """A period (of ``status``, or of any standing) covering ``day``: start <= day < end;
    a missing start or end is open."""
    query: dict[str, Any] = {"bool": {"must_not": [{"range": {"status_periods.start": {"gt": day}}},
                                                   {"range": {"status_periods.end": {"lte": day}}}]}}
    if status is not None:
        query["bool"]["filter"] = [{"term": {"status_periods.status": status}}]
    return {"nested": {"path": "status_periods", "query": query, "ignore_unmapped": True}}


def _manifest_standing(statuses: list[str]) -> dict[str, Any]:
    """A record without periods (no events) has its manifest's standing from the first day."""
    return {"bool": {"filter": [{"terms": {"status": statuses}}], "must_not": [_HAS_PERIODS]}}


def _standing(day: str, status: str | None = None) -> dict[str, Any]:
    statuses = [status] if status else [s.value for s in STANDINGS]
    return {"bool": {"should": [_covering(day, status), _manifest_standing(statuses)], "minimum_should_match": 1}}


def status_clause(status: str, today: dt.date) -> dict[str, Any]:
    """Records whose status on ``today`` is ``status``."""
    day = today.isoformat()
    if status in STANDINGS:
        return _standing(day, status)
    not_yet = {"range": {"valid_from": {"gt": day}}}
    expired = {"range": {"valid_until": {"lt": day}}}
    if status == Status.not_yet_valid:
        return {"bool": {"filter": [not_yet], "must_not": [_standing(day)]}}
    if status == Status.expired:
        return {"bool": {"filter": [expired], "must_not": [_standing(day), not_yet]}}
    if status == Status.valid:
        return {"bool": {"must_not": [_standing(day), not_yet, expired]}}
    raise InvalidQuery(f"Trạng thái lọc không hợp lệ; chọn một trong: {', '.join(Status)}.")


def status_of_source(src: dict[str, Any], day: dt.date) -> Status:
    """The status on ``day`` of a record as a search hit carries it (SOURCE_FIELDS)."""
    return effective_status(src.get("status"), _date(src.get("valid_until")), day,
                            valid_from=_date(src.get("valid_from")),
                            periods=[StatusPeriod.model_validate(p) for p in src.get("status_periods") or ()])


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
