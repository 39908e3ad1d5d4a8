"""The record: one digitized result of an administrative procedure.

This is the only place the field list lives. The manifest columns, the API responses and
the OpenSearch mapping (``mappings/records.json``, checked against this model by a test)
all use these names, as fixed by DESIGN.md.

Status over time is a list of events (``status_events``: revoked, suspended, replaced,
restored, validity corrected), kept in the record's bag; the fields ``status``,
``status_since``, ``replaced_by`` and ``status_periods`` are derived from them whenever a
record is built, so they can never disagree with the events. The rules for adding an event
are in archive/events.py; docs/status-events.md tells the whole story.

Places are kept as printed (``province``, ``district``, ``commune``: never rewritten). The
units they lie in today (``current_province``, ``current_commune``, ``current_units_note``,
``current_commune_candidates``; the 1 July 2025 reorganisation) are derived from them and
the issue date by archive/places.py whenever a record is built, and are never written to
the bag: the conversion table can be updated and a reindex applies it to every record,
without touching the archive (docs/places.md). ``PublicRecord`` is the record with them, as
the API shows it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .places import CurrentUnits, current_units

SCHEMA_VERSION = 1


class Status(StrEnum):
    """A result's status on a day. ``valid``, ``expired`` and ``revoked`` are the API's
    original values (a contract: never renamed). Revoked, suspended and replaced are facts
    recorded by events (or a manifest's ``revoked``); the others follow from the dates."""

    valid = "valid"
    expired = "expired"
    revoked = "revoked"
    not_yet_valid = "not_yet_valid"
    suspended = "suspended"
    replaced = "replaced"


#: Statuses that are recorded facts, which override the validity dates (in this order of
#: precedence, though on any one day a record has at most one of them).
STANDINGS: tuple[Status, ...] = (Status.revoked, Status.replaced, Status.suspended)


class EventAction(StrEnum):
    revoke = "revoke"  # thu hồi
    suspend = "suspend"  # tạm đình chỉ
    replace = "replace"  # thay thế bằng kết quả khác
    restore = "restore"  # khôi phục hiệu lực
    validity = "validity"  # đính chính thời hạn


#: The standing an action leaves a record in from its effective date (None: in force, the
#: dates decide). A validity correction does not change the standing.
STANDING_AFTER: dict[EventAction, Status | None] = {
    EventAction.revoke: Status.revoked,
    EventAction.suspend: Status.suspended,
    EventAction.replace: Status.replaced,
    EventAction.restore: None,
}


class SubjectType(StrEnum):
    citizen = "citizen"
    organization = "organization"


class Signature(BaseModel):
    """``valid``: the signed bytes are intact. ``trusted``: the signer's certificate chains to
    a root the operator installed (TRACUU_TRUST_ROOTS) — None when that was not checked —
    and ``trust_note`` says why not, for the record page."""

    signer: str | None = None
    signed_at: dt.datetime | None = None
    valid: bool | None = None
    trusted: bool | None = None
    trust_note: str | None = None


class ValidityDates(BaseModel):
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class StatusEvent(BaseModel):
    """One decision about a result's status, as recorded: what, from when, why, on which
    document, by whom and when it was written down. Never edited or removed; a mistaken
    event is undone by a later one (a restore, another validity correction)."""

    action: EventAction
    effective_date: dt.date = Field(description="The day the decision takes effect (ngày có hiệu lực).")
    reason: str = Field(description="Why (lý do).")
    decision_number: str = Field(description="Number of the deciding document (số quyết định).")
    replaced_by: str | None = Field(None, description="The record that replaces this one (action replace).")
    validity_before: ValidityDates | None = Field(None, description="The dates before a validity correction.")
    validity_after: ValidityDates | None = Field(None, description="The dates after a validity correction.")
    status_before: Status | None = Field(
        None, description="The recorded standing (revoked, suspended, replaced) before this event; null: in force.")
    recorded_by: str
    recorded_at: dt.datetime


class StatusPeriod(BaseModel):
    """A span of days with a recorded standing: ``start`` included (null: from the first
    day), ``end`` excluded (null: until further notice). Derived from the events."""

    status: Status
    start: dt.date | None = None
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


class Record(BaseModel):
    """All fields of a record. Everything but ``id`` may be unknown (None)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    dossier_code: str | None = None
    procedure_code: str | None = None
    procedure_name: str | None = None
    field: str | None = None
    result_type: str | None = None
    doc_number: str | None = None
    issued_date: dt.date | None = None
    issuing_agency: str | None = None
    signer: str | None = None
    subject_name: str | None = None
    subject_id: str | None = None
    subject_type: SubjectType | None = None
    subject_address: str | None = None
    summary: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    valid_scope: str | None = None
    status: Status | None = Field(
        None, description="The recorded standing (revoked, suspended or replaced) the last status event leaves "
                          "the record in, from status_since; null when in force. Valid, expired and not yet valid "
                          "are never stored: they are computed from the dates on the day asked (status_on).")
    status_since: dt.date | None = Field(None, description="Effective date of the last change of standing.")
    replaced_by: str | None = Field(None, description="The record that replaces this one, when replaced.")
    status_events: list[StatusEvent] = Field(
        default_factory=list, description="Every status decision, in order (docs/status-events.md).")
    status_periods: list[StatusPeriod] = Field(
        default_factory=list, description="Derived from status_events: the spans of days revoked, suspended or "
                                          "replaced, which the index filters on.")
    signature: Signature | None = None
    province: str | None = None
    district: str | None = None
    commune: str | None = None
    # Derived from the printed units and the issue date (archive/places.py); not stored in
    # the bag (exclude=True: left out of every dump but the index's and the API's).
    current_province: str | None = Field(
        None, exclude=True, description="Province the printed place lies in since 1 July 2025 ('Bắc Ninh'). Derived.")
    current_commune: str | None = Field(
        None, exclude=True, description="Commune the printed place lies in since 1 July 2025 ('xã Nam Dương'); "
                                        "null when it cannot be told (see current_units_note). Derived.")
    current_units_note: str | None = Field(
        None, exclude=True, description="Why there is no single current commune: the old commune was split, its "
                                        "name repeats, or it is not in the conversion table. Derived.")
    current_commune_candidates: list[str] = Field(
        default_factory=list, exclude=True,
        description="Every commune the place may now lie in, when there is more than one (nothing is guessed; "
                    "the record is on the review list). Derived.")
    text: str = ""
    source_sha256: str | None = None
    source_filename: str | None = None
    archival_sha256: str | None = None
    ingested_at: dt.datetime | None = None
    pipeline: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _derive_from_events(self) -> Record:
        """The derived status fields, from the events (a record without events keeps what its
        manifest said: a ``revoked`` there is a fact from the first day); and the current
        units, from the printed ones (whatever a caller passed for them is replaced)."""
        if self.status_events:
            standing, since, replaced_by, periods = timeline(self.status_events)
            self.status, self.status_since, self.replaced_by, self.status_periods = \
                standing, since, replaced_by, periods
        else:
            self.status_periods = []
        units = current_units(self.province, self.district, self.commune, self.issued_date)
        for name, value in units:
            setattr(self, name, value)
        return self

    @property
    def current_units(self) -> CurrentUnits:
        return CurrentUnits(**{name: getattr(self, name) for name in CurrentUnits.model_fields})

    def places(self) -> dict[str, str | list[str] | None]:
        """The printed and the current units, by name (for archive/places.py's keys)."""
        return {"province": self.province, "district": self.district, "commune": self.commune,
                "current_province": self.current_province, "current_commune": self.current_commune,
                "candidate_commune": self.current_commune_candidates}

    def standing_on(self, day: dt.date) -> Status | None:
        """The recorded standing (revoked, suspended, replaced) on ``day``, or None."""
        return standing_on(self.status, self.status_periods, day)

    def status_on(self, day: dt.date) -> Status:
        """Status on ``day``: a recorded standing first, then the validity dates."""
        return effective_status(self.status, self.valid_until, day, valid_from=self.valid_from,
                                periods=self.status_periods)

    def deciding_event(self, day: dt.date) -> StatusEvent | None:
        """The event that put the record in its standing on ``day`` (None: in force, or a
        manifest's revocation without an event)."""
        if self.standing_on(day) is None:
            return None
        changes = [e for e in sorted(self.status_events, key=lambda e: e.effective_date)
                   if e.action in STANDING_AFTER and e.effective_date <= day]
        return changes[-1] if changes else None


def timeline(events: Sequence[StatusEvent]) -> tuple[Status | None, dt.date | None, str | None, list[StatusPeriod]]:
    """What the events make of a record: its final standing, since when, its replacement
    and the periods of each standing. Events apply in order of effective date (a later
    record of the same day wins). Where it started is the ``status_before`` of the first event
    *recorded* — not of the earliest effective one: a validity correction may be back-dated
    before a revocation, and its ``status_before`` is the revocation's result."""
    ordered = sorted(events, key=lambda e: e.effective_date)  # stable: same day keeps recorded order
    standing = _standing(events[0].status_before) if events else None
    start: dt.date | None = None
    since: dt.date | None = None
    replaced_by: str | None = None
    periods: list[StatusPeriod] = []
    for event in ordered:
        if event.action not in STANDING_AFTER:
            continue
        if standing is not None and (start is None or start < event.effective_date):
            periods.append(StatusPeriod(status=standing, start=start, end=event.effective_date))
        standing, start, since = STANDING_AFTER[event.action], event.effective_date, event.effective_date
        replaced_by = event.replaced_by if standing == Status.replaced else None
    if standing is not None:
        periods.append(StatusPeriod(status=standing, start=start, end=None))
    return standing, since, replaced_by, periods


def _standing(value: Status | str | None) -> Status | None:
    return Status(value) if value in STANDINGS else None


def standing_on(stored: Status | str | None, periods: Iterable[StatusPeriod], day: dt.date) -> Status | None:
    """Periods decide when there are any; a record without them (no events) has the
    standing its manifest gave, from the first day."""
    periods = list(periods)
    if not periods:
        return _standing(stored)
    return next((p.status for p in periods if p.covers(day)), None)


def effective_status(
    stored: Status | str | None, valid_until: dt.date | None, day: dt.date, *,
    valid_from: dt.date | None = None, periods: Iterable[StatusPeriod] = (),
) -> Status:
    """The one rule (search/validity.py states it again in the query language): a recorded
    standing on the day, else not yet valid before ``valid_from``, else expired after
    ``valid_until``, else valid."""
    standing = standing_on(stored, periods, day)
    if standing is not None:
        return standing
    if valid_from is not None and day < valid_from:
        return Status.not_yet_valid
    if valid_until is not None and valid_until < day:
        return Status.expired
    return Status.valid


class PublicRecord(Record):
    """The record as the API shows it: every field, the derived current units included."""

    current_province: str | None = Field(None, description=Record.model_fields["current_province"].description)
    current_commune: str | None = Field(None, description=Record.model_fields["current_commune"].description)
    current_units_note: str | None = Field(None, description=Record.model_fields["current_units_note"].description)
    current_commune_candidates: list[str] = Field(
        default_factory=list, description=Record.model_fields["current_commune_candidates"].description)

    @classmethod
    def of(cls, record: Record) -> PublicRecord:
        return cls.model_validate({**record.model_dump(), **record.current_units.model_dump()})


#: Field names, in the contract's order; the manifest may use any of them as a column.
RECORD_FIELDS: tuple[str, ...] = tuple(Record.model_fields)
#: Fields derived from the printed place (archive/places.py), never stored in the bag.
CURRENT_UNIT_FIELDS: tuple[str, ...] = tuple(CurrentUnits.model_fields)

#: Fields a manifest may set (the rest are computed by the indexer, or recorded by events).
MANIFEST_FIELDS: frozenset[str] = frozenset(RECORD_FIELDS) - {
    "id", "text", "source_sha256", "source_filename", "archival_sha256", "ingested_at",
    "pipeline", "signature", "status_since", "replaced_by", "status_events", "status_periods",
    *CURRENT_UNIT_FIELDS,
}


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MiB pieces: what a record is known by."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def record_id_for(source_sha256: str) -> str:
    """Stable id: the same bytes always become the same record, so re-ingest is a no-op."""
    return source_sha256[:24]
