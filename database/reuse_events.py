"""Reuse events, kept in the database: how often a digitized result was reused in a new
dossier — the fact agencies are scored on (docs/shared-state.md).

A reuse is one fact per (record, new dossier): a retry, a double click, a second system or
a second host asking again is not a second reuse. The event's ``key`` (archive/
reuse.py) is the table's primary key, so of two processes recording the same pair
at once, one inserts and both answer the same, first, event. The reuse index in OpenSearch
counts them and is rebuilt from this table (``tracuu reindex``).
"""

from __future__ import annotations

from psycopg.types.json import Jsonb

from archive.reuse import ReuseEvent
from search.config import Settings

from .connection import transaction


class ReuseEvents:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    @classmethod
    def of(cls, settings: Settings) -> ReuseEvents:
        return cls(settings.database_dsn())

    def append(self, event: ReuseEvent) -> ReuseEvent:
        """Record the event, unless this (record, dossier) is recorded already; returns the
        event kept for it (the first one)."""
        with transaction(self.dsn) as db:
            added = db.execute("INSERT INTO reuse_events (key, at, event) VALUES (%s, %s, %s) "
                               "ON CONFLICT (key) DO NOTHING RETURNING key",
                               (event.key, event.at, Jsonb(event.model_dump(mode="json")))).fetchone()
            if added:
                return event
            row = db.execute("SELECT event FROM reuse_events WHERE key = %s", (event.key,)).fetchone()
        return ReuseEvent.model_validate(row["event"])

    def read(self) -> list[ReuseEvent]:
        """Every event, in the order they were recorded."""
        with transaction(self.dsn) as db:
            rows = db.execute("SELECT event FROM reuse_events ORDER BY seq").fetchall()
        return [ReuseEvent.model_validate(r["event"]) for r in rows]

    def import_lines(self, lines) -> int:
        """Events of an old journal file (one JSON object per line; a torn line is passed
        over); an event already recorded is kept as it is. Returns the events added."""
        added = 0
        with transaction(self.dsn) as db:
            for raw in lines:
                try:
                    event = ReuseEvent.model_validate_json(raw)
                except ValueError:
                    continue
                added += db.execute("INSERT INTO reuse_events (key, at, event) VALUES (%s, %s, %s) "
                                    "ON CONFLICT (key) DO NOTHING",
                                    (event.key, event.at, Jsonb(event.model_dump(mode="json")))).rowcount
        return added
