"""A reuse event: a digitized result reused in a new dossier — the fact agencies are scored on.

A reuse is one fact per (record, new dossier): a retry, a double click or a second system
asking again is not a second reuse. ``key`` names that pair (the dossier code in its one
form, archive/identifiers.py); the events are kept, first event per key, in the database
(database/reuse_events.py), and counted in a reuse index rebuilt from them (``tracuu
reindex``) to the same counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from pydantic import BaseModel

from .identifiers import DOSSIER_CODE, canonical_dossier_code, canonical_or_none, clean_dossier_code
from .records import Record

__all__ = ["DOSSIER_CODE", "ReuseEvent", "clean_dossier_code"]


class ReuseEvent(BaseModel):
    record_id: str
    dossier_code: str
    actor: str
    at: dt.datetime
    doc_number: str | None = None
    issuing_agency: str | None = None
    procedure_code: str | None = None
    procedure_name: str | None = None
    result_type: str | None = None

    @property
    def key(self) -> str:
        """One reuse per (record, new dossier): the id of the event in the reuse index."""
        code = canonical_or_none(canonical_dossier_code, self.dossier_code) or self.dossier_code
        return hashlib.sha256(f"{self.record_id}\0{code}".encode()).hexdigest()[:32]

    @classmethod
    def of(cls, record: Record, dossier_code: str, actor: str) -> ReuseEvent:
        return cls(
            record_id=record.id, dossier_code=clean_dossier_code(dossier_code), actor=actor,
            at=dt.datetime.now(dt.timezone.utc),
            **record.model_dump(include={"doc_number", "issuing_agency", "procedure_code",
                                         "procedure_name", "result_type"}),
        )
