"""Erasure of a data subject's personal data on their request (Decree 13/2023/NĐ-CP, art. 16),
where the archival duty allows — and, where it does not, the reason, kept with the result.

Tra cứu is the province's system of record for results that must be kept while they are
in force (Decree 45/2020/NĐ-CP: every still-valid result is digitized and kept in the data
warehouse; a suspended one may be restored). So:

* a result **valid, not yet valid or suspended** today is kept whole; the request and the
  reason it cannot be met are written into the record (``pipeline.erasure_refused``) and the
  audit log;
* a result **no longer in force** (expired, revoked, replaced) keeps what makes it a result
  of the province — its kind, number, date, agency, signer, procedure, place and status
  history, so the reports count it as before — and loses what names or describes the
  subject: the name, the identifier, the address, the dossier code and the summary are
  emptied; the text is replaced by a note that it was erased (a result's body is about its
  subject — parents, birth date, a house — far beyond the fields, and a printing OCR misread
  would escape any search-and-replace); the readings that held them (``pipeline``: what the
  text and the manifest said, the doubts, OCR's unsure words) are removed; and the original
  and the PDF/A copy are removed from the bag, whose manifests are renewed (archive/bags.py
  ``rewrite_record``) so it still verifies.

Each record is erased under its bag's lock, archive first, then the index. What cannot be
erased here, and why: the audit log (it is the record of who processed the data, which the
same decree requires) and the backups already taken (they expire on their own schedule).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable
from typing import Protocol

from . import pending
from .bags import bag_lock, rewrite_record
from .layout import ARCHIVAL_NAME, ORIGINAL_PREFIX, bag_path, read_record
from .records import Record, Status

#: What an erased result's text becomes.
ERASED = "[Nội dung đã xóa theo yêu cầu của chủ thể dữ liệu (Nghị định 13/2023/NĐ-CP).]"
#: Fields that name, locate or describe the subject.
PERSONAL_FIELDS = ("subject_name", "subject_id", "subject_address", "dossier_code", "summary")
#: Readings kept in ``pipeline`` that may hold them.
PERSONAL_READINGS = ("extracted", "manifest", "doubts", "doubtful", "disagree", "corrections", "ocr_unsure",
                     "ocr_unsure_at")
#: Standings in which a result must be kept whole.
IN_FORCE = frozenset({Status.valid, Status.not_yet_valid, Status.suspended})
DUTY = ("Kết quả còn hiệu lực (hoặc đang tạm đình chỉ) nên phải được lưu giữ nguyên vẹn theo Nghị định "
        "45/2020/NĐ-CP; dữ liệu cá nhân sẽ xóa được khi kết quả hết hiệu lực, bị thu hồi hoặc bị thay thế.")


class RecordSink(Protocol):
    """Where a changed record goes after the archive: the search index."""

    def put(self, record: Record) -> None: ...


@dataclass(frozen=True)
class Outcome:
    record_id: str
    erased: bool
    reason: str  # why it was kept whole; empty when erased


def erase_subject(index: RecordSink, archive_dir: Path, find: Callable[[], list[Record]], by: str, why: str,
                  today: dt.date) -> list[Outcome]:
    """Erase what is held about a subject: ``find`` gives a batch of their records (the
    index's answer is bounded), asked again until it has nothing left that was not seen —
    an erased record no longer carries the subject's identifier."""
    seen: dict[str, Outcome] = {}
    while batch := [r for r in find() if r.id not in seen]:
        for outcome in erase(index, archive_dir, batch, by, why, today):
            seen[outcome.record_id] = outcome
        seen.update({r.id: seen.get(r.id, Outcome(r.id, False, "")) for r in batch})  # a bag gone: not again
    return [o for o in seen.values() if o.erased or o.reason]


def erase(index: RecordSink, archive_dir: Path, records: list[Record], by: str, why: str,
          today: dt.date) -> list[Outcome]:
    """Erase the subject's personal data from each of ``records`` (theirs, as the index
    found them) where no duty keeps it; each record read again from its bag under its lock."""
    outcomes = []
    for found in records:
        with bag_lock(archive_dir, found.id):
            record = read_record(archive_dir, found.id)
            if record is None:
                continue
            now = dt.datetime.now(dt.timezone.utc).isoformat()
            if record.status_on(today) in IN_FORCE:
                pipeline = dict(record.pipeline)
                pipeline["erasure_refused"] = [*pipeline.get("erasure_refused", []),
                                               {"by": by, "at": now, "request": why, "reason": DUTY}]
                kept = record.model_copy(update={"pipeline": pipeline})
                rewrite_record(archive_dir, kept)
                index.put(kept)
                pending.clear(archive_dir, [record.id])
                outcomes.append(Outcome(record.id, False, DUTY))
                continue
            data = bag_path(archive_dir, record.id) / "data"
            files = tuple(p.name for p in data.glob(f"{ORIGINAL_PREFIX}.*")) + (ARCHIVAL_NAME,)
            clean = erased(record, by, why, now)
            rewrite_record(archive_dir, clean, text=True, drop=files)
            index.put(clean)
            pending.clear(archive_dir, [record.id])
            outcomes.append(Outcome(record.id, True, ""))
    return outcomes


def erased(record: Record, by: str, why: str, now: str) -> Record:
    """The record without what names its subject (module docstring)."""
    pipeline = {k: v for k, v in record.pipeline.items() if k not in PERSONAL_READINGS}
    pipeline["erasure"] = {"by": by, "at": now, "request": why, "fields": [f for f in PERSONAL_FIELDS
                                                                          if getattr(record, f)]}
    return record.model_copy(update={**{f: None for f in PERSONAL_FIELDS}, "text": ERASED, "pipeline": pipeline})
