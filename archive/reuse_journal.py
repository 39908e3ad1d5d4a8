"""Reuse events and their journal: the record of truth for how often a digitized result
was reused in a new dossier.

Agencies are scored on how often their digitized results are reused, so every reuse is
recorded: first appended to a JSON-lines file in the data dir (the record of truth, like
the archive), then indexed for counting. A reuse is one fact per (record, new dossier):
a retry, a double click or a second system asking again is not a second reuse — the
journal keeps the first event, and the index keys each event by that pair, so the reuse
index can always be rebuilt from the journal (``tracuu reindex``) to the same counts.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import os
import threading
from pathlib import Path

from pydantic import BaseModel

from .identifiers import DOSSIER_CODE, canonical_dossier_code, canonical_or_none, clean_dossier_code
from .records import Record

log = logging.getLogger(__name__)

__all__ = ["DOSSIER_CODE", "ReuseEvent", "ReuseJournal", "clean_dossier_code"]


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


class ReuseJournal:
    """The append-only file of reuse events; one JSON object per line."""

    _lock = threading.Lock()

    def __init__(self, events_dir: Path) -> None:
        self.path = events_dir / "reuse.jsonl"

    def append(self, event: ReuseEvent) -> ReuseEvent:
        """Append the event, unless this (record, dossier) is in the journal already; returns
        the event the journal holds for it (the first one). The file lock keeps two server
        processes from both appending the same pair."""
        line = event.model_dump_json() + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+", encoding="utf-8") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                try:
                    f.seek(0)
                    text = f.read()
                    for first in _events(text):
                        if first.key == event.key:
                            return first
                    if text and not text.endswith("\n"):
                        f.write("\n")  # a line torn by a power cut stays apart, not glued to this one
                    f.write(line)
                    f.flush()
                    os.fsync(f.fileno())
                finally:
                    fcntl.flock(f, fcntl.LOCK_UN)
        return event

    def read(self) -> list[ReuseEvent]:
        if not self.path.exists():
            return []
        return list(_events(self.path.read_text(encoding="utf-8")))


def _events(text: str):
    """The journal's events; a line cut by a power cut (the last one written, never
    acknowledged to anyone) is skipped and logged, not a reason to stop counting."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield ReuseEvent.model_validate_json(line)
        except ValueError:
            log.warning("reuse journal: line %d is torn and was skipped", number)
