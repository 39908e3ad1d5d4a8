"""A data subject's requests (Decree 13/2023/NĐ-CP), as `tracuu subject …` and the admin page
make them: the export of everything held about them, and the erasure of their personal data
(the mechanics in archive/erasure.py; restriction is a table, database/restrictions.py).
The callers audit each request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from search.config import Settings
from search.errors import InvalidQuery

from . import erasure
from .identifiers import canonical_subject_id
from .layout import bag_path, read_record
from .records import PublicRecord

if TYPE_CHECKING:
    from search.index import RecordIndex


@contextmanager
def _index_for(settings: Settings, index: RecordIndex | None) -> Iterator[RecordIndex]:
    """``index`` (the web app's own), or one opened for the call and closed after it."""
    from search.index import RecordIndex

    if index is not None:
        yield index
        return
    opened = RecordIndex.from_settings(settings)
    try:
        yield opened
    finally:
        opened.client.close()


def export(settings: Settings, subject_id: str, index: RecordIndex | None = None) -> dict[str, Any]:
    """The subject's results (from their bags), their files, and the audit events about them.
    ``index``: the web app's own; else one is opened for the call."""
    from database.audit import AuditLog, describe
    from search.index import subject_records

    sid = canonical_subject_id(subject_id)
    with _index_for(settings, index) as used:
        found = subject_records(used, sid)
    results = []
    for hit in found:
        record = read_record(settings.archive_dir, hit.id) or hit  # the bag, when it is there
        data = bag_path(settings.archive_dir, record.id) / "data"
        files = sorted(p.name for p in data.iterdir()) if data.is_dir() else []
        results.append({"record": json.loads(PublicRecord.of(record).model_dump_json()), "files": files})
    log = AuditLog.of(settings)
    events = [describe(e) for e in log.query(subject=sid)]
    log.close()
    return {"subject_id": sid, "results": results, "audit_events": events}


def erase(settings: Settings, subject_id: str, reason: str, by: str,
          index: RecordIndex | None = None) -> tuple[str, list[erasure.Outcome]]:
    """A subject's request to erase, as `tracuu subject erase` and the admin page make it:
    (the identifier in its one form, what happened to each of their results). ``index``:
    the web app's own; else one is opened for the call."""
    from search.index import subject_records  # the index finds the subject's records
    from search.query import today_in_vietnam

    reason = " ".join(reason.split())
    if not reason:
        raise InvalidQuery("Hãy ghi lý do xóa (số và ngày của yêu cầu của chủ thể dữ liệu).")
    sid = canonical_subject_id(subject_id)
    with _index_for(settings, index) as used:
        return sid, erasure.erase_subject(used, settings.archive_dir, lambda: subject_records(used, sid), by, reason,
                                          today_in_vietnam())
