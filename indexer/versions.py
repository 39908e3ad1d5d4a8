"""A known file given again with a changed manifest row: a new version of its record.

The bytes decide the record's id, so re-ingesting a file the archive holds archives
nothing new — but the clerk's manifest row for it may have changed (a number typed wrong
the first time, a subject's address added). That change is a fact to keep, not a
"duplicate" to drop: the record takes the new cells, the bag keeps what they replaced
(``pipeline.versions``: when, from which file, each field before and after), and the run
reports the file as updated.

What counts as changed is the *row*, compared with the row the record last took
(``pipeline.manifest``), not the record's fields: a clerk's later correction on the review
list is newer than the manifest, and an unchanged manifest must not undo it. Records
ingested before the row was kept compare against their fields, skipping any field a clerk
corrected. An emptied cell is not read as "erase this value": it changes nothing. Nor does
a ``status`` cell on a record with status events: standing over time is changed only by a
decision with its number (archive/events.py), never silently by a spreadsheet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from archive.records import Record


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def manifest_changes(kept: Record, given: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The cells of ``given`` (a parsed manifest row) that change ``kept``: field -> before/after."""
    row = jsonable(given)
    current = kept.model_dump(mode="json")
    last = kept.pipeline.get("manifest")
    if last is None:
        corrected = {f for c in kept.pipeline.get("corrections", []) for f in c.get("fields", {})}
        candidates = {k: v for k, v in row.items() if k not in corrected}
    else:
        candidates = {k: v for k, v in row.items() if last.get(k) != v}
    if kept.status_events:
        candidates.pop("status", None)
    return {k: {"before": current.get(k), "after": v} for k, v in candidates.items() if current.get(k) != v}


def new_version(kept: Record, given: dict[str, Any], changes: dict[str, dict[str, Any]], rel: str) -> Record:
    """``kept`` with the changed cells of ``given``, what they replaced kept in the bag."""
    pipeline = dict(kept.pipeline)
    pipeline["versions"] = [*pipeline.get("versions", []), {
        "at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "source": "manifest", "file": rel, "fields": changes}]
    pipeline["manifest"] = jsonable(given)
    updated = Record.model_validate({**kept.model_dump(), **{k: given[k] for k in changes}})
    return updated.model_copy(update={"pipeline": pipeline})
