"""Subjects whose personal data is restricted (Decree 13/2023/NĐ-CP, art. 14: the right to
restrict processing): while a restriction stands, their results are left out of every search,
record page, file and answer for anyone but the roles named in ``TRACUU_RESTRICTED_ROLES``
(web/restrictions.py); the results stay in the archive and in the reports' counts, which
name no one. The subject, logged in strongly, still sees their own.

A table, not a field of each record: a result ingested after the restriction is covered the
moment it is indexed, and lifting it touches nothing in the archive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from search.config import Settings
from search.errors import InvalidQuery

from .connection import transaction


@dataclass(frozen=True)
class Restriction:
    subject_id: str
    reason: str
    restricted_by: str
    restricted_at: dt.datetime


class RestrictionStore:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    @classmethod
    def of(cls, settings: Settings) -> RestrictionStore:
        return cls(settings.database_dsn())

    def restrict(self, subject_id: str, reason: str, by: str) -> bool:
        """Restrict ``subject_id`` (canonical); False if it already was (the first reason stays)."""
        reason = " ".join(reason.split())
        if not reason:
            raise InvalidQuery("Hãy ghi lý do hạn chế xử lý (ví dụ: số và ngày của yêu cầu của chủ thể dữ liệu).")
        with transaction(self.dsn) as db:
            return bool(db.execute(
                "INSERT INTO subject_restrictions (subject_id, reason, restricted_by) VALUES (%s, %s, %s) "
                "ON CONFLICT (subject_id) DO NOTHING", (subject_id, reason[:500], by)).rowcount)

    def lift(self, subject_id: str) -> bool:
        """Lift the restriction; False if there was none."""
        with transaction(self.dsn) as db:
            return bool(db.execute("DELETE FROM subject_restrictions WHERE subject_id = %s", (subject_id,)).rowcount)

    def all(self) -> list[Restriction]:
        with transaction(self.dsn) as db:
            rows = db.execute("SELECT subject_id, reason, restricted_by, restricted_at FROM subject_restrictions "
                              "ORDER BY restricted_at DESC").fetchall()
        return [Restriction(**row) for row in rows]

    def subject_ids(self) -> frozenset[str]:
        """Every restricted subject, for a search to leave out (a few hundred at most: the
        terms of one filter)."""
        with transaction(self.dsn) as db:
            return frozenset(r["subject_id"] for r in db.execute("SELECT subject_id FROM subject_restrictions"))
