"""A clerk's correction of a record's fields: written to the archive (the system of
record) first, then to the index.

The correction keeps what was there before (``pipeline.corrections``: who, when, each
field before and after), and the text's own reading stays in ``pipeline.extracted``, so a
correction never loses a fact — it adds one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

from search.errors import InvalidQuery, RecordNotFound

from . import pending
from .bags import bag_lock, rewrite_record
from .identifiers import canonical_doc_number, canonical_dossier_code, canonical_subject_id
from .layout import read_record
from .records import Record

#: Fields a clerk may correct, in the form's order.
CORRECTABLE = ("doc_number", "result_type", "issued_date", "issuing_agency", "signer", "subject_name",
               "subject_id", "subject_address", "summary", "valid_from", "valid_until", "province",
               "district", "commune", "procedure_code", "procedure_name", "dossier_code")
#: Identifiers a correction stores in their one form (archive/identifiers.py), or refuses.
CANONICAL = {"subject_id": canonical_subject_id, "dossier_code": canonical_dossier_code,
             "doc_number": canonical_doc_number}


class RecordSink(Protocol):
    """Where a changed record goes after the archive: the search index."""

    def put(self, record: Record) -> None: ...


def correct(index: RecordSink, archive_dir: Path, record_id: str, changes: dict[str, str], by: str) -> Record:
    """Apply a clerk's correction: archive first (the system of record), then the index.
    The bag is locked from read to write, so two clerks correcting one record at once both
    land, one after the other, instead of the second silently undoing the first."""
    with bag_lock(archive_dir, record_id):
        record = read_record(archive_dir, record_id)
        if record is None:
            raise RecordNotFound(record_id)
        fixed = corrected(record, changes, by)
        rewrite_record(archive_dir, fixed)
        index.put(fixed)
        pending.clear(archive_dir, [record_id])
    return fixed


def corrected(record: Record, changes: dict[str, str], by: str) -> Record:
    """The record with the clerk's values (empty = unknown; identifiers in their canonical
    form), a log entry of what changed, and the mark that takes it off the review list.
    Raises InvalidQuery for a bad value."""
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise InvalidQuery(f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    proposed = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in changes.items()}
    for name, canonical in CANONICAL.items():
        # The form sends every field back: a value left as it was is not a correction,
        # even if it was stored before identifiers had one form.
        if (value := proposed.get(name)) and value != getattr(record, name):
            proposed[name] = canonical(value)  # InvalidQuery names the kind, not the value
    try:
        candidate = Record.model_validate({**record.model_dump(), **proposed})
    except ValueError as e:
        fields = sorted({str(err["loc"][0]) for err in getattr(e, "errors", lambda: [])()} or {"?"})
        raise InvalidQuery(f"Giá trị không hợp lệ ở trường: {', '.join(fields)} (ngày viết dạng 2024-05-31).") from None
    before, after = record.model_dump(mode="json"), candidate.model_dump(mode="json")
    changed = {k: {"before": before.get(k), "after": after.get(k)} for k in CORRECTABLE if before.get(k) != after.get(k)}
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    pipeline = dict(record.pipeline)
    pipeline["corrections"] = [*pipeline.get("corrections", []),
                               {"by": by, "at": now, "fields": changed, "disagree_before": pipeline.get("disagree", [])}]
    pipeline["disagree"] = []
    pipeline.pop("doubtful", None)
    pipeline["reviewed_at"] = now
    return candidate.model_copy(update={"pipeline": pipeline})
